"""Combine the copies of one plan (e.g. a Simplified and a Traditional mirror) into one plan.

Two sources are copies of one plan only on positive evidence from their own texts: the
same document number, or the same title and most of the shorter copy's tasks matching
the other's one to one (`copy_evidence`). A value the parser filled in from the
catalogue is not evidence: only what a document says counts.

Tasks are aligned by what they are — their place in the numbering and their text
(`align_tasks`) — never by section path, which a copy that lacks a heading prints
differently. The merged plan has the structure (keys, sections, numbering) of the most
complete copy; each of its tasks takes its text from the best copy that reads it
(`copy_preference`), and every textual difference between copies is recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from rapidfuzz.fuzz import ratio

from transforms.chardiff import char_opcodes
from transforms.frames import PlanCopy, numbering_runs
from transforms.normalize import compact

DIFFERENCE_COLUMNS = ["plan_id", "task_key", "source_a", "source_b", "text_a", "text_b", "diff"]
PLAN_FIELDS = ("title", "doc_number", "issued_on", "issuer")
# the columns a task takes from the copy whose reading wins; its place (key, number, section) is the plan's
READING_COLUMNS = ["text", "original_text", "department_clause", "departments", "clause_form", "cited_titles",
                   "key_task", "truncated"]

# Two readings are the same task when their compact texts are at least this similar (rapidfuzz ratio, 0-100).
# Copies of one plan differ by conversion slips and a character here and there (≥ 95); the same task
# reworded for another year's plan stays well below 90.
SAME_TASK_SIMILARITY = 90.0
# Sharing a title is evidence of one plan only when this share of the shorter copy's tasks matches the other
# copy one to one: the yearly plans of 2021 on share one title, and an excerpt has only its first tasks.
COPY_TASK_SHARE = 0.8
# Readings are compared by their first characters only: a task is a few hundred characters, and this bounds
# the cost of aligning copies whatever their tasks hold (a megabyte task costs what a long one does).
COMPARED_CHARACTERS = 2000
# A task whose place differs between copies is looked for this many numbers either side: a copy that lost
# or gained a few tasks and renumbered the rest. A bound, so that aligning costs O(tasks), not O(tasks²).
ALIGNMENT_WINDOW = 5


@dataclass(frozen=True)
class MergedPlan:
    plan: dict  # one row of raw_plans
    tasks: pd.DataFrame  # raw_tasks rows, with from_source
    sections: pd.DataFrame
    differences: pd.DataFrame


@dataclass(frozen=True)
class CopyEvidence:
    """Whether two sources of one period are copies of one plan, and why (or why not)."""

    verdict: str  # "same" | "different" (they contradict each other) | "unproven"
    reason: str


def copy_evidence(new: PlanCopy, existing: PlanCopy) -> CopyEvidence:
    """Positive evidence that `new` and `existing` are copies of one plan, from what their texts say."""
    new_number, old_number = _stated(new, "doc_number"), _stated(existing, "doc_number")
    if new_number and old_number:
        if compact(new_number) == compact(old_number):
            return CopyEvidence("same", f"same document number {old_number}")
        return CopyEvidence("different", f"document number {old_number}, this file has {new_number}")
    new_title, old_title = _stated(new, "title"), _stated(existing, "title")
    if not (new_title and old_title):
        return CopyEvidence("unproven", "this file states neither the same document number nor the same title")
    if compact(new_title) != compact(old_title):
        return CopyEvidence("different", f"title {old_title!r}, this file has {new_title!r}")
    matched = len(align_tasks(new.tasks, existing.tasks, same_only=True))
    shorter = min(len(new.tasks), len(existing.tasks))  # an excerpt is measured by what it holds
    if shorter and matched >= COPY_TASK_SHARE * shorter:
        return CopyEvidence("same", f"same title, {matched} of {shorter} tasks match")
    return CopyEvidence("unproven", f"same title, but only {matched} of its {shorter} tasks match one to one")


def identity_conflict(new: PlanCopy, siblings: list[PlanCopy]) -> str | None:
    """Why `new` is not a copy of the plan its `siblings` (the loaded copies of its period) make, or None."""
    # the best copy first, so a refusal names the copy that makes the plan
    verdicts = [(sibling, copy_evidence(new, sibling)) for sibling in sorted(siblings, key=copy_preference)]
    if not verdicts:
        return None
    refusal = next(((s, e) for s, e in verdicts if e.verdict == "different"), None)
    if refusal is None and any(e.verdict == "same" for _, e in verdicts):
        return None
    sibling, evidence = refusal or verdicts[0]
    return (f"{sibling.name} holds another plan for {sibling.source['plan_id']} ({evidence.reason}); "
            f"refused as another plan claiming {sibling.source['plan_id']}")


def _stated(copy: PlanCopy, field: str) -> str | None:
    """The copy's value for `field` if its own text prints it (not when it was filled in from the catalogue)."""
    value = copy.source.get(field)
    if not value:
        return None
    return value if compact(value) in compact(copy.source.get("normalized_text") or "") else None


# ---- which copy wins --------------------------------------------------------------------

def copy_preference(copy: PlanCopy, official_urls: frozenset[str] = frozenset()) -> tuple:
    """Sort key, best copy first: the most complete (more tasks, then shown complete, then more headings),
    then one read from an official address in the catalogue, then the earliest loaded."""
    loaded = copy.loaded_at or dt.datetime.max  # the copy being loaded now came last
    return (-len(copy.tasks), not bool(copy.source["complete"]), -len(copy.sections),
            copy.source.get("location") not in official_urls, loaded, copy.name)


def merge_copies(copies: list[PlanCopy], official_urls: frozenset[str] = frozenset()) -> MergedPlan:
    ordered = sorted(copies, key=lambda copy: copy_preference(copy, official_urls))
    primary = ordered[0]
    plan_id = primary.source["plan_id"]
    keyed = [_with_merged_key(primary, copy) for copy in ordered]
    tasks = _merge_tasks(primary, keyed)
    plan = {"plan_id": plan_id, "period_start": primary.source["period_start"],
            "period_end": primary.source["period_end"],
            **{field: _first(ordered, field) for field in PLAN_FIELDS},
            "addressees": next((list(c.source["addressees"]) for c in ordered if len(c.source["addressees"])), []),
            # a plan is complete when one of its copies shows the whole document
            "complete": any(bool(c.source["complete"]) for c in ordered),
            "notes": [note for c in ordered for note in c.source["notes"]]}
    return MergedPlan(plan, tasks, primary.sections.reset_index(drop=True), _differences(keyed, plan_id))


def _first(copies: list[PlanCopy], field: str):
    return next((c.source[field] for c in copies if c.source.get(field) is not None), None)


def _with_merged_key(primary: PlanCopy, copy: PlanCopy) -> tuple[PlanCopy, pd.DataFrame]:
    """The copy's tasks with `merged_key` (the primary copy's key of the same task, None if it has none)
    and `same_reading` (whether the two readings are the same text, truncation aside)."""
    tasks = copy.tasks.reset_index(drop=True)
    merged_key = pd.Series([None] * len(tasks), dtype=object)
    same = pd.Series([False] * len(tasks), dtype=bool)
    primary_tasks = primary.tasks.reset_index(drop=True)
    for mine, theirs, is_same in align_tasks(tasks, primary_tasks):
        merged_key[mine], same[mine] = primary_tasks.at[theirs, "task_key"], is_same
    return copy, tasks.assign(merged_key=merged_key, same_reading=same)


def _merge_tasks(primary: PlanCopy, keyed: list[tuple[PlanCopy, pd.DataFrame]]) -> pd.DataFrame:
    """The primary copy's tasks, each read from the best copy with the same reading: a complete
    reading beats one cut short, then the copy order decides."""
    readings = pd.concat([tasks[tasks["same_reading"]].assign(from_source=copy.name, copy_rank=rank)
                          for rank, (copy, tasks) in enumerate(keyed)], ignore_index=True)
    best = (readings.sort_values(["merged_key", "truncated", "copy_rank"], kind="stable")
            .drop_duplicates("merged_key").set_index("merged_key"))
    merged = primary.tasks.reset_index(drop=True).copy()
    chosen = best.loc[merged["task_key"]]
    for column in [*READING_COLUMNS, "from_source"]:
        merged[column] = chosen[column].tolist()
    return merged.sort_values("position").reset_index(drop=True)


# ---- aligning two copies' tasks ---------------------------------------------------------

def align_tasks(tasks: pd.DataFrame, other: pd.DataFrame, same_only: bool = False) -> list[tuple]:
    """One-to-one pairs (row in `tasks`, row in `other`, same reading?) of the same task in two copies.

    A task is known by its text first and its place in the numbering (numbering run and number, which
    do not depend on headings) second. Same place and same reading pair first; then a task pairs with
    the most similar same reading a few numbers away (a copy that lost a task and renumbered the rest,
    an excerpt that starts later); what is left pairs by place alone, as a different reading of the same
    task. `same_only` keeps only the pairs whose readings agree.
    """
    mine, theirs = _readings(tasks), _readings(other)
    pairs: dict[int, tuple[int, bool]] = {}
    by_place = {reading.place: row for row, reading in enumerate(theirs)}
    for row, reading in enumerate(mine):
        match = by_place.get(reading.place)
        if match is not None and reading.similarity(theirs[match]) >= SAME_TASK_SIMILARITY:
            pairs[row] = (match, True)
    used = {match for match, _ in pairs.values()}
    by_number: dict[int, list[int]] = {}
    for row, reading in enumerate(theirs):
        by_number.setdefault(reading.place[1], []).append(row)
    for row in (r for r in range(len(mine)) if r not in pairs):
        match = _nearby_same_reading(mine[row], theirs, by_number, used)
        if match is not None:
            pairs[row] = (match, True)
            used.add(match)
    for row, reading in enumerate(mine):
        match = by_place.get(reading.place)
        if row not in pairs and match is not None and match not in used:
            pairs[row] = (match, False)
            used.add(match)
    result = [(row, match, same) for row, (match, same) in sorted(pairs.items())]
    return [pair for pair in result if pair[2]] if same_only else result


def _nearby_same_reading(reading: _Reading, theirs: list[_Reading], by_number: dict[int, list[int]],
                         used: set[int]) -> int | None:
    """The row of the most similar unused reading of `theirs` within ALIGNMENT_WINDOW numbers of
    `reading` (any numbering run), if it is the same reading."""
    number = reading.place[1]
    rows = (row for n in range(number - ALIGNMENT_WINDOW, number + ALIGNMENT_WINDOW + 1)
            for row in by_number.get(n, ()) if row not in used)
    score, match = max(((reading.similarity(theirs[row]), row) for row in rows), default=(0.0, None))
    return match if match is not None and score >= SAME_TASK_SIMILARITY else None


@dataclass(frozen=True)
class _Reading:
    """A task as alignment sees it: its place in the numbering and (the start of) its compact text."""

    place: tuple[int, int]  # (numbering run, number)
    text: str
    truncated: bool

    def similarity(self, other: _Reading) -> float:
        """0-100; a reading cut short is compared with the other's start."""
        a, b = self.text, other.text
        if self.truncated or other.truncated:
            shorter = min(len(a), len(b))
            a, b = a[:shorter], b[:shorter]
        return ratio(a, b)


def _readings(tasks: pd.DataFrame) -> list[_Reading]:
    numbers = [int(n) for n in tasks["task_no"]]
    return [_Reading(place, compact(text[:2 * COMPARED_CHARACTERS])[:COMPARED_CHARACTERS], bool(truncated))
            for place, text, truncated
            in zip(zip(numbering_runs(numbers), numbers), tasks["text"], tasks["truncated"])]


# ---- where copies read differently ------------------------------------------------------

def _differences(keyed: list[tuple[PlanCopy, pd.DataFrame]], plan_id: str) -> pd.DataFrame:
    rows = []
    for i, (first, first_tasks) in enumerate(keyed):
        for second, second_tasks in keyed[i + 1:]:
            rows.extend(_task_differences(first.name, first_tasks, second.name, second_tasks, plan_id))
    (primary, primary_tasks), secondaries = keyed[0], keyed[1:]
    for copy, tasks in secondaries:
        rows.extend(_unshared_tasks(primary.name, primary_tasks, copy.name, tasks, plan_id))
    return pd.DataFrame(rows, columns=DIFFERENCE_COLUMNS)


def _unshared_tasks(primary_name: str, primary_tasks: pd.DataFrame, name: str, tasks: pd.DataFrame,
                    plan_id: str) -> list[dict]:
    """A task that only one of two copies reads, where the other copy's numbering reaches past it.

    The merged plan keeps the primary copy's tasks, so a task only a secondary copy has is not in it:
    recorded here, it is never dropped silently. A task the primary has beyond where a secondary copy
    stops (an excerpt) is not a difference: that copy says nothing there."""
    rows = []
    only_secondary = tasks[tasks["merged_key"].isna()]
    for task in only_secondary.itertuples(index=False):
        rows.append(_unshared_row(plan_id, task.task_key, primary_name, name, "", task.text,
                                  f"only in {name}: task {task.task_no}"))
    reached = set(tasks["merged_key"].dropna())
    last_position = tasks.loc[tasks["merged_key"].notna(), "merged_key"].map(
        dict(zip(primary_tasks["task_key"], primary_tasks["position"]))).max()
    for task in primary_tasks.itertuples(index=False):
        if task.task_key not in reached and pd.notna(last_position) and task.position < last_position:
            rows.append(_unshared_row(plan_id, task.task_key, primary_name, name, task.text, "",
                                      f"only in {primary_name}: task {task.task_no}"))
    return rows


def _unshared_row(plan_id, task_key, source_a, source_b, text_a, text_b, diff) -> dict:
    return {"plan_id": plan_id, "task_key": task_key, "source_a": source_a, "source_b": source_b,
            "text_a": text_a, "text_b": text_b, "diff": diff}


def _task_differences(name_a: str, tasks_a: pd.DataFrame, name_b: str, tasks_b: pd.DataFrame,
                      plan_id: str) -> list[dict]:
    joined = tasks_a.dropna(subset=["merged_key"]).merge(tasks_b.dropna(subset=["merged_key"]),
                                                         on="merged_key", suffixes=("_a", "_b"))
    rows = []
    for task in joined.itertuples(index=False):
        text_a, text_b = compact(task.text_a), compact(task.text_b)
        if task.truncated_a or task.truncated_b:
            shorter = min(len(text_a), len(text_b))
            text_a, text_b = text_a[:shorter], text_b[:shorter]
        if text_a != text_b:
            rows.append({"plan_id": plan_id, "task_key": task.merged_key, "source_a": name_a,
                         "source_b": name_b, "text_a": task.text_a, "text_b": task.text_b,
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
