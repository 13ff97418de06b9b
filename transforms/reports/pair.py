"""The year-over-year report on two plans: `PairReport` tables in, Markdown and HTML text out.

The report reads top to bottom: headline counts and the flow chart, the side-by-side 任务对照
(continued tasks with character-level differences), new and dropped tasks by section,
responsibility shifts (institutional reforms labelled as such), stage advances, department
workload, and data-quality notes.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from markupsafe import Markup

from transforms.reports.charts import COLOURS, flow_chart, workload_bars
from transforms.reports.common import TaskGroup, partial_notes, tasks_by_section, text_or_empty, warning_lines
from transforms.reports.labels import Labels
from transforms.reports.model import PAIR_COUNT_KEYS, PairReport, RenderedReport, lineage_stem, pair_stem
from transforms.reports.templating import pieces_html, pieces_markdown, render
from transforms.reports.textdiff import char_diff

WORKLOAD_LINES = 15  # department lines drawn in the workload chart (the busiest)


@dataclass(frozen=True)
class ComparedTask:
    """One row of the 任务对照 table: an earlier task and its continuation, differences marked."""

    from_no: int
    to_no: int
    kind: str          # link kind, or 'via_lineage'
    kind_label: str
    from_html: Markup
    to_html: Markup
    from_markdown: str
    to_markdown: str
    from_departments: str
    to_departments: str
    history: str       # the line's history page, relative to the report folder, without suffix ("" if none)


@dataclass(frozen=True)
class Shift:
    """One responsibility shift along a continued task."""

    from_no: int
    to_no: int
    shift: str         # lead_changed | joined | left | reform
    label: str
    before: str
    after: str
    line: str          # present-day body of the department line, if known
    involves_lead: bool


def render_pair_report(report: PairReport, lang: str = "zh") -> RenderedReport:
    t = Labels(lang)
    title = t("pair_title", from_plan=report.from_plan.plan_id, to_plan=report.to_plan.plan_id)
    context = pair_context(report, t) | {"title": title, "lang": lang, "t": t}
    return RenderedReport(stem=pair_stem(report.from_plan.plan_id, report.to_plan.plan_id), title=title,
                          markdown=render("pair.md.j2", **context), html=render("pair.html.j2", **context))


def pair_context(report: PairReport, t: Labels) -> dict:
    """Everything the pair templates show, computed once for Markdown and HTML alike."""
    compared = compared_tasks(report.tasks, t)
    tasks = report.tasks
    return {
        "report": report,
        "counts": [(key, t(key), report.counts.get(key, 0)) for key in PAIR_COUNT_KEYS],
        "partial_notes": partial_notes([report.from_plan, report.to_plan], t),
        "flow_svg": flow_chart(tasks, report.from_plan, report.to_plan, t),
        "compared": compared,
        "new_groups": _groups(tasks[tasks["change"] == "new"], "to", report, t),
        "dropped_groups": _groups(tasks[tasks["change"] == "dropped"], "from", report, t),
        "shifts": shifts(report.department_shifts, t),
        "stage_advanced": [row for row in compared if row.kind == "stage_advanced"],
        "workload_svg": _workload_chart(report),
        "workload_rows": list(report.workload[["lineage_name", "from_tasks", "to_tasks"]].itertuples(index=False)),
        "colours": COLOURS,
        "warnings": warning_lines(report.warnings, t),
    }


def compared_tasks(tasks: pd.DataFrame, t: Labels) -> list[ComparedTask]:
    rows = []
    for task in tasks[tasks["change"] == "continued"].itertuples():
        kind = task.kind if isinstance(task.kind, str) else "via_lineage"
        old, new = char_diff(task.from_text, task.to_text)
        rows.append(ComparedTask(
            from_no=int(task.from_task_no), to_no=int(task.to_task_no), kind=kind, kind_label=t(kind),
            from_html=pieces_html(old), to_html=pieces_html(new),
            from_markdown=pieces_markdown(old), to_markdown=pieces_markdown(new),
            from_departments=text_or_empty(task.from_department_clause),
            to_departments=text_or_empty(task.to_department_clause),
            history=lineage_stem(task.lineage_id) if isinstance(task.lineage_id, str) else "",
        ))
    return rows


def shifts(frame: pd.DataFrame, t: Labels) -> list[Shift]:
    return [Shift(int(row.from_task_no), int(row.to_task_no), row.shift, t(row.shift),
                  text_or_empty(row.from_name) or "—", text_or_empty(row.to_name) or "—",
                  text_or_empty(row.lineage_name), bool(row.involves_lead))
            for row in frame.itertuples()]


def _groups(frame: pd.DataFrame, side: str, report: PairReport, t: Labels) -> list[TaskGroup]:
    plan_id = report.from_plan.plan_id if side == "from" else report.to_plan.plan_id
    columns = {f"{side}_{name}": name for name in ("task_no", "section_path", "text", "department_clause")}
    tasks = frame.rename(columns=columns)
    notes = ["；".join(_task_notes(returns_from, truncated, t))
             for returns_from, truncated in zip(frame["returns_from"], frame[f"{side}_truncated"])]
    return tasks_by_section(tasks.assign(note=notes), report.sections[report.sections["plan_id"] == plan_id])


def _task_notes(returns_from: object, truncated: object, t: Labels) -> list[str]:
    notes = [t("resumes", plan=returns_from)] if isinstance(returns_from, str) else []
    if pd.notna(truncated) and bool(truncated):
        notes.append(t("truncated"))
    return notes


def _workload_chart(report: PairReport) -> Markup | None:
    if report.workload.empty:
        return None
    busiest = report.workload.head(WORKLOAD_LINES)
    values = busiest[["from_tasks", "to_tasks"]].astype(int).to_numpy().tolist()
    return workload_bars(busiest["lineage_name"].tolist(), values,
                         [report.from_plan.plan_id, report.to_plan.plan_id])
