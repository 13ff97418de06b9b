"""Tables (pandas DataFrames) built from parsed plans: the shape the warehouse stores.

`copy_frames` turns one parsed source into its rows; `merge_copies` (in
`transforms.merge`) combines the copies of one plan. Column names match the raw
tables in `warehouse/sql/00_raw.sql`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from transforms.models import ParsedPlan

TASK_COLUMNS = ["plan_id", "task_key", "task_no", "printed_no", "position", "section_path", "text",
                "original_text", "department_clause", "departments", "clause_form", "cited_titles",
                "key_task", "truncated"]
SECTION_COLUMNS = ["plan_id", "section_path", "level", "number", "title"]
SOURCE_COLUMNS = ["source_name", "location", "plan_id", "sha256", "format", "encoding", "script", "title",
                  "doc_number", "issued_on", "issuer", "addressees", "task_count", "normalized_text",
                  "complete", "period_start", "period_end", "notes"]


@dataclass(frozen=True)
class PlanCopy:
    """One source of a plan as tables: its source row, its tasks and its sections."""

    source: dict
    tasks: pd.DataFrame
    sections: pd.DataFrame
    loaded_at: dt.datetime | None = None  # when the warehouse received it; None: being loaded now

    @property
    def name(self) -> str:
        return self.source["source_name"]


def copy_frames(parsed: ParsedPlan) -> PlanCopy:
    meta = parsed.metadata
    source = {
        "source_name": parsed.source.name, "location": parsed.source.location, "plan_id": parsed.plan_id,
        "sha256": parsed.source.sha256, "format": parsed.source.format, "encoding": parsed.source.encoding,
        "script": parsed.script, "title": meta.title, "doc_number": meta.doc_number,
        "issued_on": meta.issued_on, "issuer": meta.issuer, "addressees": list(meta.addressees),
        "task_count": len(parsed.tasks), "normalized_text": parsed.normalized_text,
        "complete": parsed.complete, "period_start": meta.period_start, "period_end": meta.period_end,
        "notes": list(parsed.notes),
        # not stored (raw_sources keeps `complete`); the quality gate shows it in the partial-document warning
        "partial_reason": parsed.partial_reason,
    }
    tasks = pd.DataFrame(
        [{**_task_row(task), "plan_id": parsed.plan_id} for task in parsed.tasks], columns=TASK_COLUMNS)
    sections = pd.DataFrame(
        [{"plan_id": parsed.plan_id, "section_path": s.path, "level": s.level, "number": s.number,
          "title": s.title} for s in parsed.sections], columns=SECTION_COLUMNS)
    return PlanCopy(source, tasks, sections)


def _task_row(task) -> dict:
    return {
        "task_key": task.task_key, "task_no": task.task_no, "printed_no": task.printed_no,
        "position": task.position, "section_path": task.section_path, "text": task.text,
        "original_text": task.original_text, "department_clause": task.department_clause,
        "departments": list(task.departments), "clause_form": task.clause_form,
        "cited_titles": list(task.cited_titles), "key_task": task.key_task, "truncated": task.truncated,
    }


def numbering_runs(numbers: list[int]) -> list[int]:
    """The numbering run of each task number, in document order: the whole document, or (where the
    numbering restarts) the tasks from one `1.` to the next."""
    runs, run = [], 0
    for index, number in enumerate(numbers):
        if number == 1 and index > 0:
            run += 1
        runs.append(run)
    return runs
