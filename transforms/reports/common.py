"""Parts both reports show: tasks grouped under their printed section headings, partial-document
notes and data-quality lines."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from transforms.reports.labels import Labels
from transforms.reports.model import PlanInfo


@dataclass(frozen=True)
class TaskLine:
    no: int
    text: str
    departments: str
    note: str


@dataclass(frozen=True)
class TaskGroup:
    heading: str  # as printed: 二、加大知识产权保护力度 / （一）完善法律法规规章
    tasks: list[TaskLine]


def tasks_by_section(tasks: pd.DataFrame, sections: pd.DataFrame) -> list[TaskGroup]:
    """Group tasks (columns task_no, section_path, text, department_clause, note) by section, in plan order."""
    groups = []
    for path, rows in sorted(tasks.groupby("section_path"), key=lambda item: item[1]["task_no"].min()):
        lines = [TaskLine(int(r.task_no), r.text, text_or_empty(r.department_clause), r.note)
                 for r in rows.sort_values("task_no").itertuples()]
        groups.append(TaskGroup(section_heading(path, sections), lines))
    return groups


def section_heading(path: str, sections: pd.DataFrame) -> str:
    """'2.1' → '二、加大知识产权保护力度 / （一）完善法律法规规章', from the sections of one plan."""
    by_path = {row.section_path: row for row in sections.itertuples()}
    parts = path.split(".")
    heading = []
    for depth in range(1, len(parts) + 1):
        section = by_path.get(".".join(parts[:depth]))
        if section is not None:
            separator = "、" if section.level == 1 else ""
            heading.append(f"{section.number}{separator}{section.title}")
    return " / ".join(heading) or path


def text_or_empty(value: object) -> str:
    """A text column's value, or "" where the frame holds a null (None, NaN or NA)."""
    return value if isinstance(value, str) else ""


def partial_notes(plans: list[PlanInfo], t: Labels) -> list[str]:
    return [t("partial_note", plan=plan.plan_id) for plan in plans if not plan.complete]


def warning_lines(warnings: pd.DataFrame, t: Labels) -> list[tuple[str, str]]:
    """(plan, note) pairs of the data-quality notes (see warehouse.reports.read_warnings)."""
    lines = []
    for row in warnings.itertuples():
        if row.kind == "validation":
            note = text_or_empty(row.message)
        else:
            note = t(f"warning_{row.kind}", detail=row.detail, plan=row.plan_id)
        lines.append((text_or_empty(row.plan_id), note))
    return lines
