"""The data each suite checks, as pandas DataFrames ("batches" in GX terms).

The suites in `expectations/gx/expectations/*.json` use only built-in expectations, so
anything that needs context (which numbering run a task is in, whether a department is
among the addressees, how a plan compares with the previous one) is worked out here as
a plain column. One function per suite builds its frame. The frames are built either
from a `PlanLoad` about to be written (the gate) or from what the warehouse holds
(`validate_loaded`), so both check exactly the same columns.

| suite            | one row per                              | built from                        |
|------------------|------------------------------------------|-----------------------------------|
| plan_tasks       | task of one source copy, or of the plan  | copy tasks; merged tasks          |
| plan_header      | source copy                              | copy source row + plan addressees |
| plan_departments | department name in a copy's task clauses | copy tasks + plan addressees      |
| plan_shape       | measure compared with the previous plan  | merged sections and tasks         |
| task_links       | link between two tasks                   | task_links view + plan periods    |
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from sources.registry import load_department_registry
from transforms.departments import addressed_departments, resolve_task_departments
from transforms.frames import PlanCopy, numbering_runs
from warehouse.load import PlanLoad, plan_copies
from warehouse.quality import (loaded_plans, plan_before, plan_sections, plan_tasks, published_links,
                               task_section_paths)

CLAUSES_REQUIRED_FROM = 2016  # plans before 2016 print no (…负责) department clauses


@dataclass(frozen=True, eq=False)
class Batch:
    """One frame to check with one suite, and what it is about."""

    suite: str
    plan_id: str | None
    source_name: str | None  # None when the frame is about the whole (merged) plan
    frame: pd.DataFrame


@dataclass(frozen=True, eq=False)
class PlanShape:
    """What the shape comparison needs of a plan: its sections and where its tasks sit."""

    plan_id: str
    complete: bool
    sections: pd.DataFrame  # section_path, level, number
    task_sections: list[str]  # section_path of every task


def task_frame(tasks: pd.DataFrame, period_start: int) -> pd.DataFrame:
    """Tasks in document order, with their numbering run and the number each should have."""
    tasks = tasks.sort_values("position").reset_index(drop=True)
    runs, expected = _numbering(tasks["task_no"].tolist())
    return pd.DataFrame({
        "plan_id": tasks["plan_id"], "task_key": tasks["task_key"], "task_no": tasks["task_no"],
        "numbering_run": runs, "expected_no": pd.Series(expected, dtype="float64"),
        "text": tasks["text"], "department_clause": tasks["department_clause"],
        "truncated": tasks["truncated"].astype(bool),
        "clause_required": ~tasks["truncated"].astype(bool) & (period_start >= CLAUSES_REQUIRED_FROM),
    })


def _numbering(numbers: list[int]) -> tuple[list[int], list[int | None]]:
    """Numbering run of each task, and the number it should have (None for a repeat).

    A run is the whole document, or (when numbering restarts) the tasks from a `1.` to
    the next `1.`. A repeated number is left to the uniqueness check, so it does not
    also count as a gap.
    """
    runs, expected = numbering_runs(numbers), []
    last, seen, run = 0, set(), 0
    for number, number_run in zip(numbers, runs):
        if number_run != run:
            run, last, seen = number_run, 0, set()
        if number in seen:
            expected.append(None)
            continue
        expected.append(last + 1)
        seen.add(number)
        last = number
    return runs, expected


def header_frame(source: dict, tasks: pd.DataFrame, addressee_count: int, this_year: int,
                 members_unknown: tuple[str, ...] = ()) -> pd.DataFrame:
    """The copy's period, completeness and the plan's addressee count, as one row; `members_unknown`
    names collective addressees whose members in the plan's year the registry does not know."""
    start, end = int(source["period_start"]), int(source["period_end"])
    return pd.DataFrame([{
        "plan_id": source["plan_id"], "period_start": start, "period_end": end,
        "period_length": end - start, "years_ahead": end - this_year,
        "complete": bool(source["complete"]),
        "partial_reason": None if source["complete"] else _partial_reason(source, tasks),
        # a copy whose tasks name no department has nothing to compare with an addressee list
        "addressee_count": addressee_count if _names_departments(tasks) else None,
        "addressee_members_unknown": "、".join(members_unknown) or None,
    }])


def _names_departments(tasks: pd.DataFrame) -> bool:
    return "departments" not in tasks or any(len(names) for names in tasks["departments"] if names is not None)


def _partial_reason(source: dict, tasks: pd.DataFrame) -> str:
    """What the parser found missing; for a copy read back from the warehouse, where it ends."""
    if source.get("partial_reason"):
        return source["partial_reason"]
    ordered = tasks.sort_values("position")
    cut = ordered.loc[ordered["truncated"].astype(bool), "task_key"]
    if len(cut):
        return f"ends inside task {cut.iloc[-1]}"
    last = ordered["task_key"].iloc[-1] if len(ordered) else "?"
    return f"ends after task {last}, with nothing to show that the document is complete"


MENTION_COLUMNS = ["plan_id", "task_key", "position", "raw_name", "department_id", "kind", "year", "existed",
                   "addressed"]


def mention_frame(tasks: pd.DataFrame, addressees: list[str], year: int, registry=None) -> pd.DataFrame:
    """Department names in one copy's task clauses, resolved as of `year`.

    The copy's own names are resolved (not the merged plan's rows), so a copy cannot hide an
    unknown name behind a sibling copy the merge prefers. A collective addressee (联席会议各成员单位)
    counts as its members of that year. `addressed` is None where there is nothing to compare with (no
    addressee list, a collective addressee whose members are not known, or a name that does not
    resolve); `existed` is None
    for a name that does not resolve.
    """
    registry = registry or load_department_registry()  # cached: read once per process
    records = tasks[["plan_id", "task_key", "departments"]].to_dict("records")
    mentions = resolve_task_departments(records, registry, year)
    coverage = addressed_departments(addressees, registry, year)
    addressed_ids = coverage.department_ids
    # a collective addressee whose members that year are not known: no comparison (one note says so)
    compare = bool(addressees) and not coverage.unexpanded
    rows = []
    for mention in mentions:
        resolved = mention["kind"] != "unknown"
        existed = registry.department(mention["department_id"]).valid_in(year) if resolved else None
        addressed = None
        if compare and resolved:
            addressed = mention["kind"] == "collective" or mention["department_id"] in addressed_ids
        rows.append({**{c: mention[c] for c in MENTION_COLUMNS[:6]}, "year": year, "existed": existed,
                     "addressed": addressed})
    return pd.DataFrame(rows, columns=MENTION_COLUMNS).astype({"existed": "object", "addressed": "object"})


SHAPE_COLUMNS = ["measure", "current", "previous", "previous_plan", "change"]


def shape_frame(current: PlanShape, previous: PlanShape | None) -> pd.DataFrame:
    """Counts compared with the previous plan; empty (nothing to compare) unless both are complete."""
    if previous is None or not (current.complete and previous.complete):
        return pd.DataFrame(columns=SHAPE_COLUMNS).astype({"change": "float64"})
    now, before = _counts(current), _counts(previous)
    rows = [{"measure": measure, "current": now[measure], "previous": before[measure],
             "previous_plan": previous.plan_id,
             "change": now[measure] / before[measure] - 1 if before[measure] else None}
            for measure in now if measure in before]
    return pd.DataFrame(rows, columns=SHAPE_COLUMNS).astype({"change": "float64"})


def _counts(shape: PlanShape) -> dict[str, int]:
    sections = shape.sections
    level1 = sections[sections["level"] == 1].sort_values("section_path", key=lambda s: s.astype(int))
    counts = {"sections": len(level1), "sub-sections": int((sections["level"] == 2).sum()),
              "tasks": len(shape.task_sections)}
    per_section = pd.Series([path.split(".")[0] for path in shape.task_sections]).value_counts()
    for path in level1["section_path"]:
        # sections are compared by position (一 with 一): the plans keep a similar order of themes
        counts[f"tasks in section {path}"] = int(per_section.get(path, 0))
    return counts


LINK_COLUMNS = ["from_plan", "from_task_key", "from_task_no", "to_plan", "to_task_key", "to_task_no", "score",
                "kind", "plans_loaded", "within_plan", "years_forward", "from_side", "to_side"]


def link_frame(links: pd.DataFrame) -> pd.DataFrame:
    """Links with the facts the link suite checks; `links` carries from_start/to_start (plan periods)."""
    frame = links.copy()
    frame["plans_loaded"] = frame["from_start"].notna() & frame["to_start"].notna()
    frame["within_plan"] = frame["from_plan"] == frame["to_plan"]
    across = frame["plans_loaded"] & ~frame["within_plan"]
    frame["years_forward"] = (frame["to_start"] - frame["from_start"]).where(across).astype("float64")
    # a declared split may fan out from one task, a declared merge may fan in to one task
    frame["from_side"] = _side(frame, "from", "to", "→").where(frame["kind"] != "split", None)
    frame["to_side"] = _side(frame, "to", "from", "←").where(frame["kind"] != "merged", None)
    return frame[LINK_COLUMNS].astype({"score": "float64"})


def _side(frame: pd.DataFrame, this: str, other: str, arrow: str) -> pd.Series:
    """"2019:1.1 → 2020": a task and the plan at the other end; unique unless a task fans out (or in)."""
    text = frame[f"{this}_plan"] + ":" + frame[f"{this}_task_key"] + f" {arrow} " + frame[f"{other}_plan"]
    return text.astype(object)


# Batches of a load about to be written --------------------------------------------------------

def load_batches(con: duckdb.DuckDBPyConnection, load: PlanLoad, this_year: int | None = None,
                 registry=None) -> list[Batch]:
    """The four plan suites' batches for a prepared load (the previous plan is read from `con`)."""
    merged = load.plan.merged
    year = int(merged.plan["period_start"])
    current = PlanShape(load.plan.plan_id, bool(merged.plan["complete"]), merged.sections,
                        merged.tasks["section_path"].tolist())
    return [*copy_batches(load.copy, list(merged.plan["addressees"]), this_year, registry),
            merged_tasks_batch(load.plan.plan_id, merged.tasks, year),
            Batch("plan_shape", load.plan.plan_id, None, shape_frame(current, previous_shape(con, year)))]


def merged_tasks_batch(plan_id: str, tasks: pd.DataFrame, period_start: int) -> Batch:
    """The plan's merged tasks: each copy may be sound while their merge is not (a task twice)."""
    return Batch("plan_tasks", plan_id, None, task_frame(tasks, int(period_start)))


def copy_batches(copy: PlanCopy, addressees: list[str], this_year: int | None = None,
                 registry=None) -> list[Batch]:
    """The batches about one source copy; `addressees` are its plan's (merged from all copies)."""
    plan_id, year = copy.source["plan_id"], int(copy.source["period_start"])
    this_year = this_year or dt.date.today().year
    registry = registry or load_department_registry()
    unknown = addressed_departments(addressees, registry, year).unexpanded
    return [
        Batch("plan_tasks", plan_id, copy.name, task_frame(copy.tasks, year)),
        Batch("plan_header", plan_id, copy.name,
              header_frame(copy.source, copy.tasks, len(addressees), this_year, unknown)),
        Batch("plan_departments", plan_id, copy.name, mention_frame(copy.tasks, addressees, year, registry)),
    ]


# Batches of what the warehouse holds ------------------------------------------------------------

def loaded_batches(con: duckdb.DuckDBPyConnection, plan_id: str | None = None,
                   this_year: int | None = None, registry=None) -> list[Batch]:
    """The plan suites' batches for every loaded plan (or one), rebuilt from the raw tables."""
    batches = []
    for plan in loaded_plans(con, plan_id):
        for copy in plan_copies(con, plan["plan_id"]):
            batches += copy_batches(copy, list(plan["addressees"] or []), this_year, registry)
        batches.append(merged_tasks_batch(plan["plan_id"], plan_tasks(con, plan["plan_id"]), plan["period_start"]))
        batches.append(Batch("plan_shape", plan["plan_id"], None,
                             shape_frame(loaded_shape(con, plan["plan_id"], plan["complete"]),
                                         previous_shape(con, plan["period_start"]))))
    return batches


def previous_shape(con: duckdb.DuckDBPyConnection, period_start: int) -> PlanShape | None:
    """The latest loaded plan that starts before `period_start`, if any."""
    previous = plan_before(con, period_start)
    return loaded_shape(con, *previous) if previous else None


def loaded_shape(con: duckdb.DuckDBPyConnection, plan_id: str, complete: bool) -> PlanShape:
    return PlanShape(plan_id, bool(complete), plan_sections(con, plan_id), task_section_paths(con, plan_id))


def link_batch(con: duckdb.DuckDBPyConnection) -> Batch | None:
    """The published links (automatic and confirmed, not review candidates), or None before any linking."""
    links = published_links(con)
    return None if links is None else Batch("task_links", None, None, link_frame(links))
