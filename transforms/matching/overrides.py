"""Curated decisions about single links, applied on every run.

The file is a CSV with a header `from_plan,from_task,to_plan,to_task,decision,note`;
a task is named by its printed number (`22`) or its key (`2.1.22`, anything with a dot).
`confirm` makes the pair a link whatever its score; `reject` keeps it from ever linking.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np
import pandas as pd

from transforms.matching.features import TaskFeatures
from transforms.matching.pairs import Pairs, concat, make_pairs, take

DECISIONS = ("confirm", "reject")
OVERRIDE_HEADER = ("from_plan", "from_task", "to_plan", "to_task", "decision", "note")


@dataclass(frozen=True)
class LinkOverride:
    from_plan: str
    from_task: str  # printed number or task key
    to_plan: str
    to_task: str
    decision: str  # confirm | reject
    note: str = ""

    def __post_init__(self):
        if self.decision not in DECISIONS:
            raise ValueError(f"override decision must be one of {DECISIONS}, got {self.decision!r}")


def parse_overrides(csv_text: str) -> list[LinkOverride]:
    """Parse the overrides CSV (pure: text in, records out). Blank lines and lines starting with # are skipped."""
    lines = [line for line in csv_text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        return []
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    missing = [c for c in OVERRIDE_HEADER[:5] if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"overrides CSV lacks columns {missing}; expected {','.join(OVERRIDE_HEADER)}")
    overrides = []
    for number, row in enumerate(reader, start=2):
        try:
            overrides.append(LinkOverride(
                from_plan=row["from_plan"].strip(), from_task=row["from_task"].strip(),
                to_plan=row["to_plan"].strip(), to_task=row["to_task"].strip(),
                decision=row["decision"].strip().lower(), note=(row.get("note") or "").strip(),
            ))
        except ValueError as error:
            raise ValueError(f"overrides CSV line {number}: {error}") from error
    return overrides


def task_row(features: TaskFeatures, plan_id: str, task: str | int) -> int | None:
    """Row of a task named by printed number or key in one plan; None if absent."""
    tasks = features.tasks
    in_plan = tasks["plan_id"].to_numpy() == str(plan_id)
    task = str(task).strip()
    column = "task_key" if "." in task else "task_no"
    values = tasks[column].astype(str).to_numpy()
    found = np.flatnonzero(in_plan & (values == task))
    return int(found[0]) if len(found) else None


def resolve_overrides(features: TaskFeatures, overrides) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(confirmed, rejected) pairs as row numbers; overrides naming absent tasks are ignored,
    since a curated file outlives any one set of ingested plans."""
    found = {"confirm": [], "reject": []}
    for override in overrides:
        left = task_row(features, override.from_plan, override.from_task)
        right = task_row(features, override.to_plan, override.to_task)
        if left is None or right is None or features.plan_index[left] == features.plan_index[right]:
            continue
        if features.plan_index[left] > features.plan_index[right]:
            left, right = right, left  # links always point from the earlier plan to the later
        found[override.decision].append((left, right))
    as_frame = lambda rows: pd.DataFrame(rows, columns=["left", "right"], dtype=np.int64)  # noqa: E731
    return as_frame(found["confirm"]), as_frame(found["reject"])


def apply_overrides(pairs: Pairs, later_rows: np.ndarray, confirmed: pd.DataFrame,
                    rejected: pd.DataFrame, rule: str = "confirmed") -> Pairs:
    """Candidate pairs with rejected pairs removed and confirmed pairs into `later_rows` added
    (a confirmed pair need not have survived blocking or lie inside the gap window)."""
    keys = _keys(pairs["left"], pairs["right"])
    if not rejected.empty:
        pairs = take(pairs, ~np.isin(keys, _keys(rejected["left"], rejected["right"])))
        keys = _keys(pairs["left"], pairs["right"])
    wanted = confirmed[confirmed["right"].isin(later_rows)]
    extra = wanted[~np.isin(_keys(wanted["left"], wanted["right"]), keys)]
    if extra.empty:
        return pairs
    return concat([pairs, make_pairs(extra["left"], extra["right"], rule)])


def _keys(left, right) -> np.ndarray:
    return np.asarray(left, dtype=np.int64) * (1 << 32) + np.asarray(right, dtype=np.int64)
