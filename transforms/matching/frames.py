"""Build the matcher's input frame from parsed plans (pure).

Copies of one plan (same plan_id, e.g. a Simplified and a Traditional copy of
2021–2022) become one plan: for each task the most complete copy wins (not
truncated, then the longest text), as the warehouse does when it merges copies.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

import pandas as pd

from transforms.models import ParsedPlan, Task

TASK_COLUMNS = (
    "plan_id", "period_start", "period_end", "task_key", "task_no", "position", "section_path",
    "section_title", "text", "departments", "lineage_ids", "cited_titles", "truncated", "plan_complete",
)


class _Resolution(Protocol):
    lineage_id: str | None


class DepartmentResolver(Protocol):
    def resolve(self, raw_name: str, year: int) -> _Resolution | None: ...


def tasks_frame(plans: Iterable[ParsedPlan], registry: DepartmentResolver | None) -> pd.DataFrame:
    """One row per task of every plan, columns TASK_COLUMNS (see transforms/matching/features.py)."""
    rows = []
    for plan_id, copies in _copies_by_plan(plans).items():
        sections = {s.path: s.title for copy in copies for s in copy.sections}
        metadata = copies[0].metadata
        complete = any(copy.complete for copy in copies)  # one whole copy shows the whole plan
        for task in _best_copy_of_each_task(copies):
            rows.append({
                "plan_id": plan_id, "period_start": metadata.period_start, "period_end": metadata.period_end,
                "task_key": task.task_key, "task_no": task.task_no, "position": task.position,
                "section_path": task.section_path, "section_title": section_title(sections, task.section_path),
                "text": task.text, "departments": list(task.departments),
                "lineage_ids": [lineage_id(registry, name, metadata.period_start) for name in task.departments],
                "cited_titles": list(task.cited_titles), "truncated": task.truncated,
                "plan_complete": complete,
            })
    return pd.DataFrame(rows, columns=list(TASK_COLUMNS))


def _copies_by_plan(plans: Iterable[ParsedPlan]) -> dict[str, list[ParsedPlan]]:
    grouped: dict[str, list[ParsedPlan]] = {}
    for plan in plans:
        grouped.setdefault(plan.plan_id, []).append(plan)
    return grouped


def _best_copy_of_each_task(copies: list[ParsedPlan]) -> list[Task]:
    best: dict[str, Task] = {}
    for copy in copies:
        for task in copy.tasks:
            current = best.get(task.task_key)
            if current is None or _completeness(task) > _completeness(current):
                best[task.task_key] = task
    return sorted(best.values(), key=lambda t: t.position)


def _completeness(task: Task) -> tuple[bool, int]:
    return (not task.truncated, len(task.text))


def section_title(sections: dict[str, str], section_path: str) -> str:
    """Level-1 title, plus " / " and the level-2 title when the task sits in a sub-section."""
    parts = (section_path or "").split(".")
    level1 = sections.get(parts[0], "")
    if len(parts) < 2:
        return level1
    return f"{level1} / {sections.get('.'.join(parts[:2]), '')}"


def lineage_id(registry: DepartmentResolver | None, name: str, year: int) -> str | None:
    """Present-day department line of a printed name, or None when the registry does not know it."""
    if registry is None:
        return None
    try:
        resolved = registry.resolve(name, year)
    except (KeyError, LookupError, ValueError):
        return None
    return getattr(resolved, "lineage_id", None) if resolved is not None else None
