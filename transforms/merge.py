"""Combine the copies of one plan (e.g. a Simplified and a Traditional mirror) into one plan.

Copies are the same plan when they share the period and the document number or the
title. Each task is taken from the most complete copy that has it; where two copies
read differently (beyond one being cut short), the difference is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from transforms.chardiff import char_opcodes
from transforms.frames import PlanCopy
from transforms.normalize import compact

DIFFERENCE_COLUMNS = ["plan_id", "task_key", "source_a", "source_b", "text_a", "text_b", "diff"]
PLAN_FIELDS = ("title", "doc_number", "issued_on", "issuer")


@dataclass(frozen=True)
class MergedPlan:
    plan: dict  # one row of raw_plans
    tasks: pd.DataFrame  # raw_tasks rows, with from_source
    sections: pd.DataFrame
    differences: pd.DataFrame


def identity_conflict(new: dict, existing: dict) -> str | None:
    """Why two sources of the same period are not copies of one plan, or None if they are.

    Different document numbers always mean different documents; otherwise a shared
    number or title makes them copies, and a copy that lacks both is given the benefit
    of the doubt (partial copies often lack the notice).
    """
    for field in ("doc_number", "title"):
        if new.get(field) and existing.get(field):
            if new[field] == existing[field]:
                return None
            return (f"{existing['source_name']} holds another plan for {existing['plan_id']} "
                    f"({field} {existing[field]!r}, this file has {new[field]!r})")
    return None


def merge_copies(copies: list[PlanCopy]) -> MergedPlan:
    ordered = sorted(copies, key=_preference)
    plan_id = ordered[0].source["plan_id"]
    tasks = _merge_tasks(ordered)
    plan = {"plan_id": plan_id, "period_start": ordered[0].source["period_start"],
            "period_end": ordered[0].source["period_end"],
            **{field: _first(ordered, field) for field in PLAN_FIELDS},
            "addressees": next((list(c.source["addressees"]) for c in ordered if len(c.source["addressees"])), []),
            # a plan is complete when one of its copies shows the whole document
            "complete": any(bool(c.source["complete"]) for c in ordered),
            "notes": [note for c in ordered for note in c.source["notes"]]}
    sections = (pd.concat([c.sections for c in ordered], ignore_index=True)
                .drop_duplicates("section_path", keep="first").reset_index(drop=True))
    return MergedPlan(plan, tasks, sections, _differences(ordered, plan_id))


def _preference(copy: PlanCopy) -> tuple:
    # Simplified copies first (the plans are issued in Simplified script), then fuller ones.
    return (copy.source["script"] != "simplified", -copy.source["task_count"], copy.name)


def _first(copies: list[PlanCopy], field: str):
    return next((c.source[field] for c in copies if c.source.get(field) is not None), None)


def _merge_tasks(copies: list[PlanCopy]) -> pd.DataFrame:
    frames = [c.tasks.assign(from_source=c.name, copy_rank=rank) for rank, c in enumerate(copies)]
    combined = pd.concat(frames, ignore_index=True)
    # a complete reading of a task beats a truncated one; otherwise the preferred copy wins
    best = combined.sort_values(["task_key", "truncated", "copy_rank"]).drop_duplicates("task_key")
    return best.sort_values("position").drop(columns="copy_rank").reset_index(drop=True)


def _differences(copies: list[PlanCopy], plan_id: str) -> pd.DataFrame:
    rows = []
    for i, first in enumerate(copies):
        for second in copies[i + 1:]:
            rows.extend(_task_differences(first, second, plan_id))
    return pd.DataFrame(rows, columns=DIFFERENCE_COLUMNS)


def _task_differences(first: PlanCopy, second: PlanCopy, plan_id: str) -> list[dict]:
    joined = first.tasks.merge(second.tasks, on="task_key", suffixes=("_a", "_b"))
    rows = []
    for task in joined.itertuples(index=False):
        text_a, text_b = compact(task.text_a), compact(task.text_b)
        if task.truncated_a or task.truncated_b:
            shorter = min(len(text_a), len(text_b))
            text_a, text_b = text_a[:shorter], text_b[:shorter]
        if text_a != text_b:
            rows.append({"plan_id": plan_id, "task_key": task.task_key, "source_a": first.name,
                         "source_b": second.name, "text_a": task.text_a, "text_b": task.text_b,
                         "diff": char_diff(task.text_a, task.text_b)})
    return rows


def char_diff(a: str, b: str, context: int = 6) -> str:
    """A compact character diff: `全面[-改革-]创新{+改革+}试验`, with a little context around each change.
    Texts too long to compare character by character are recorded as differing, with their lengths."""
    opcodes, exact = char_opcodes(a, b)
    if not exact:
        return f"differs: {len(a)} and {len(b)} characters, too long to compare character by character"
    pieces = []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            segment = a[i1:i2]
            if len(segment) > 2 * context:
                segment = (segment[:context] if pieces else "") + "…" + segment[-context:]
            pieces.append(segment)
            continue
        if i2 > i1:
            pieces.append(f"[-{a[i1:i2]}-]")
        if j2 > j1:
            pieces.append(f"{{+{b[j1:j2]}+}}")
    return "".join(pieces)
