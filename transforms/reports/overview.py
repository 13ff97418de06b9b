"""The multi-year overview: `Overview` tables in, Markdown and HTML text out.

It shows the plans (with links to the pair reports), continuity per year pair, the timeline
of lines of work with their gaps, the longest-running lines, and tasks per department line
per year.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from markupsafe import Markup

from transforms.reports.charts import timeline_chart, workload_bars
from transforms.reports.common import partial_notes, warning_lines
from transforms.reports.labels import Labels
from transforms.reports.model import OVERVIEW_STEM, Overview, RenderedReport, lineage_stem, pair_stem
from transforms.reports.templating import render

LONGEST_LINES = 10        # rows of the longest-running table
TIMELINE_LINES = 60       # rows of the timeline chart; the longest lines come first
DEPARTMENT_LINES = 15     # department lines in the chart (the busiest over all years)
STALLED_APPEARANCES = 3   # a line seen in this many plans without its stage advancing has stalled (issue 15)


@dataclass(frozen=True)
class PairRow:
    from_plan: str
    to_plan: str
    stem: str
    continued: int
    new: int
    dropped: int
    from_task_count: int
    rate: float
    partial: bool


@dataclass(frozen=True)
class ProgressRow:
    """A line of work in the progress lists, linked to its history page."""

    href: str          # relative to the report folder, without suffix
    text: str          # its latest wording
    appearances: int
    stages: str        # 推进 → 推进 → 推进 ("—": no stage word)
    last_advance_plan: str
    last_plan: str


@dataclass(frozen=True)
class DepartmentRow:
    name: str
    cells: list[str]  # per plan: "tasks (led)" or ""


def render_overview(overview: Overview, lang: str = "zh") -> RenderedReport:
    t = Labels(lang)
    title = t("overview_title")
    context = overview_context(overview, t) | {"title": title, "lang": lang, "t": t}
    return RenderedReport(stem=OVERVIEW_STEM, title=title, markdown=render("overview.md.j2", **context),
                          html=render("overview.html.j2", **context))


def overview_context(overview: Overview, t: Labels) -> dict:
    """Everything the overview templates show, computed once for Markdown and HTML alike."""
    multi_plan = overview.spans[overview.spans["plans_present"] >= 2]
    department_rows, department_svg = _departments(overview)
    return {
        "overview": overview,
        "partial_notes": partial_notes(overview.plans, t),
        "pairs": [_pair_row(row) for row in overview.pairs.itertuples()],
        "single_plan_lines": int((overview.spans["plans_present"] < 2).sum()),
        "timeline_svg": _timeline(overview, t),
        "longest": list(multi_plan.head(LONGEST_LINES).itertuples()),
        "lineage_stem": lineage_stem,
        "progress": progress_lists(overview.progress),
        "stalled_count": STALLED_APPEARANCES,
        "department_rows": department_rows,
        "department_svg": department_svg,
        "warnings": warning_lines(overview.warnings, t),
    }


def progress_lists(progress: pd.DataFrame) -> dict[str, list[ProgressRow]]:
    """Lines found in two or more plans that stalled, advanced, or whose last appearance reads as finished."""
    lines = progress[progress["appearances"] >= 2]
    chosen = {
        "stalled": lines[(lines["appearances"] >= STALLED_APPEARANCES) & ~lines["stage_advanced"].astype(bool)],
        "advanced": lines[lines["stage_advanced"].astype(bool)],
        "finished": lines[lines["reads_finished"].astype(bool)],
    }
    return {key: [_progress_row(row) for row in frame.sort_values(["appearances", "first_year"], ascending=[False, True],
                                                                   kind="stable").itertuples()]
            for key, frame in chosen.items()}


def _progress_row(row) -> ProgressRow:
    stages = " → ".join(stage if isinstance(stage, str) else "—" for stage in row.stages)
    last_advance = row.last_advance_plan if isinstance(row.last_advance_plan, str) else ""
    return ProgressRow(lineage_stem(row.lineage_id), row.last_text, int(row.appearances), stages, last_advance,
                       row.last_plan)


def _pair_row(row) -> PairRow:
    return PairRow(row.from_plan, row.to_plan, pair_stem(row.from_plan, row.to_plan), int(row.continued),
                   int(row.new), int(row.dropped), int(row.from_task_count),
                   float(row.continuity_rate) if pd.notna(row.continuity_rate) else 0.0,
                   not (row.from_complete and row.to_complete))


def _timeline(overview: Overview, t: Labels) -> Markup | None:
    lines = overview.spans[overview.spans["plans_present"] >= 2].head(TIMELINE_LINES)
    if lines.empty:
        return None
    # earliest line on top, so the chart reads like a calendar
    ordered = lines.sort_values(["first_year", "last_year", "last_task_no"])
    return timeline_chart(ordered, overview.timeline, overview.plans, t)


def _departments(overview: Overview) -> tuple[list[DepartmentRow], Markup | None]:
    """Table rows (every line) and bar chart (the busiest lines) of tasks per department line per plan."""
    frame = overview.department_years
    if frame.empty:
        return [], None
    years = {plan.year: plan.plan_id for plan in overview.plans}
    named = frame.pivot_table(index="lineage_name", columns="year", values="tasks_named", aggfunc="sum", fill_value=0)
    led = frame.pivot_table(index="lineage_name", columns="year", values="tasks_led", aggfunc="sum", fill_value=0)
    named = named.reindex(columns=list(years), fill_value=0)
    led = led.reindex(index=named.index, columns=list(years), fill_value=0)
    order = named.sum(axis=1).sort_values(ascending=False, kind="stable").index
    rows = [DepartmentRow(name, [f"{named.at[name, y]} ({led.at[name, y]})" if named.at[name, y] else ""
                                 for y in years]) for name in order]
    busiest = order[:DEPARTMENT_LINES]
    chart = workload_bars(list(busiest), named.loc[busiest].astype(int).to_numpy().tolist(), list(years.values()))
    return rows, chart
