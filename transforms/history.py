"""The history of one line of work (lineage) across the plans (pure; no I/O).

Input: the lineage's tasks in plan order (rows of the `rpt_lineage_appearances` view) and every loaded
plan. Output: each appearance with its wording, the character-level differences from the previous
appearance (`transforms.reports.textdiff`), its stage and whether the stage advanced there
(`transforms.stages.advances`), its departments; and every plan or year from the first appearance to
the latest loaded plan, saying whether the line is present, absent from a complete plan, absent from a
plan loaded only in part (the task may be in the missing part), or whether no plan is loaded for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from transforms.reports.textdiff import Piece, char_diff
from transforms.stages import advances

YEAR_STATUSES = ("present", "absent", "partial", "not_loaded")


class HistoryError(ValueError):
    """The line of work asked for cannot be found; the message says what to give instead."""


@dataclass(frozen=True)
class AppearanceRow:
    """One task of the lineage in one plan (a row of rpt_lineage_appearances)."""

    lineage_id: str
    plan_id: str
    year: int
    task_key: str
    task_no: int
    text: str
    department_clause: str | None
    departments: tuple[str, ...]             # as printed
    department_line_names: tuple[str, ...]   # the present-day body of each, in printed order
    lead_department: str | None              # registry short name of the first named department
    lead_line: str | None
    stage: str | None
    stage_order: int | None
    stage_word: str | None
    reads_finished: bool


@dataclass(frozen=True)
class PlanSpan:
    plan_id: str
    period_start: int
    period_end: int
    complete: bool


@dataclass(frozen=True)
class Appearance:
    row: AppearanceRow
    advanced: bool               # the stage went beyond every earlier appearance's stage here
    before: tuple[Piece, ...]    # the previous appearance's text, removed characters marked (empty: first)
    after: tuple[Piece, ...]     # this text, added characters marked (all 'same' for the first)


@dataclass(frozen=True)
class YearStatus:
    label: str                   # a plan id (2021-2022) or a year with no plan loaded (2018)
    plan_id: str | None
    status: str                  # one of YEAR_STATUSES


@dataclass(frozen=True)
class LineageHistory:
    lineage_id: str
    appearances: tuple[Appearance, ...]
    years: tuple[YearStatus, ...]

    @property
    def plans(self) -> list[str]:
        return list(dict.fromkeys(a.row.plan_id for a in self.appearances))


def lineage_history(lineage_id: str, rows: list[AppearanceRow], plans: list[PlanSpan]) -> LineageHistory:
    """Appearances with differences and stages, and the status of every plan or year since the first."""
    rows = sorted(rows, key=lambda r: (r.year, r.task_no))
    plan_ids = list(dict.fromkeys(r.plan_id for r in rows))
    per_plan_order = [max((r.stage_order for r in rows if r.plan_id == p and r.stage_order is not None),
                          default=None) for p in plan_ids]
    advanced_plans = {p for p, moved in zip(plan_ids, advances(per_plan_order)) if moved}
    appearances = []
    for index, row in enumerate(rows):
        earlier = [r for r in rows[:index] if r.plan_id != row.plan_id]
        if not earlier:
            before, after = (), (Piece(row.text, "same"),)
        else:
            old, new = char_diff(_first_of_plan(earlier), row.text)
            before, after = tuple(old), tuple(new)
        is_first_of_plan = index == 0 or rows[index - 1].plan_id != row.plan_id
        appearances.append(Appearance(row, row.plan_id in advanced_plans and is_first_of_plan, before, after))
    return LineageHistory(lineage_id, tuple(appearances), year_statuses(set(plan_ids), rows[0].year, plans))


def year_statuses(present: set[str], first_year: int, plans: list[PlanSpan]) -> tuple[YearStatus, ...]:
    """From `first_year` to the end of the latest plan: each loaded plan, and each year no plan covers."""
    plans = sorted(plans, key=lambda p: p.period_start)
    last_year = max((p.period_end for p in plans), default=first_year)
    covering = {year: p for p in plans for year in range(p.period_start, p.period_end + 1)}
    statuses, seen = [], set()
    for year in range(first_year, last_year + 1):
        plan = covering.get(year)
        if plan is None:
            statuses.append(YearStatus(str(year), None, "not_loaded"))
        elif plan.plan_id not in seen:
            seen.add(plan.plan_id)
            status = "present" if plan.plan_id in present else "absent" if plan.complete else "partial"
            statuses.append(YearStatus(plan.plan_id, plan.plan_id, status))
    return tuple(statuses)


def stage_label(appearance: Appearance) -> str:
    """The stage as shown: 推进, with ↑ where it advanced and ✓ where it reads as finished (— if none)."""
    row = appearance.row
    return (row.stage or "—") + (" ↑" if appearance.advanced else "") + (" ✓" if row.reads_finished else "")


def lead_label(row: AppearanceRow, brackets: tuple[str, str] = ("（", "）")) -> str:
    """The lead department, with the body carrying its line today when that is another: 农业部（农业农村部）."""
    lead = row.lead_department or "—"
    if row.lead_line and row.lead_line != row.lead_department:
        lead += f"{brackets[0]}{row.lead_line}{brackets[1]}"
    return lead


def _first_of_plan(earlier: list[AppearanceRow]) -> str:
    """The text of the previous plan's first task of the line (a split line holds several)."""
    last_plan = earlier[-1].plan_id
    return next(r.text for r in earlier if r.plan_id == last_plan)
