"""The tables a report is made from, and the rendered report: the boundary of transforms.reports.

`warehouse.reports` fills `PairReport` and `Overview` from the report views; the render
functions turn them into Markdown and HTML text without touching files or the warehouse.
Column names of the frames are those of the views named next to each field.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

# Headline counts of a pair report, in the order they are shown (rpt_pair_summary columns)
PAIR_COUNT_KEYS = ("continued", "identical", "reworded", "widened", "narrowed", "split", "merged",
                   "department_changed", "stage_advanced", "via_lineage", "new", "dropped")
# Data-quality notes: kind is validation | truncated | differences | no_links (warehouse.reports.read_warnings)
WARNING_COLUMNS = ["plan_id", "kind", "detail", "message"]
PROGRESS_COLUMNS = ["lineage_id", "first_plan", "last_plan", "first_year", "last_year", "appearances", "stages",
                    "stage_advanced", "last_advance_plan", "plans_since_advance", "last_stage", "reads_finished",
                    "last_text"]
# Link kinds as the matcher names them, in the order charts and tables list them
LINK_KINDS = ("identical", "reworded", "widened", "narrowed", "split", "merged", "department_changed",
              "stage_advanced")


@dataclass(frozen=True)
class PlanInfo:
    """One plan as a report names it (a row of the `plans` view)."""

    plan_id: str
    year: int
    title: str | None
    doc_number: str | None
    task_count: int
    complete: bool


@dataclass(frozen=True)
class PairReport:
    """Everything a year-over-year report on two plans shows."""

    from_plan: PlanInfo
    to_plan: PlanInfo
    counts: dict[str, int]            # PAIR_COUNT_KEYS → count (rpt_pair_summary)
    tasks: pd.DataFrame               # rpt_pair_tasks rows of this pair
    department_shifts: pd.DataFrame   # rpt_pair_department_shifts rows of this pair
    workload: pd.DataFrame            # rpt_pair_department_workload rows of this pair
    sections: pd.DataFrame            # sections of both plans: plan_id, section_path, level, number, title
    warnings: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=WARNING_COLUMNS))


@dataclass(frozen=True)
class Overview:
    """Everything the multi-year overview shows."""

    plans: list[PlanInfo]             # in order of first year
    pairs: pd.DataFrame               # rpt_pair_summary rows of consecutive plans
    timeline: pd.DataFrame            # rpt_lineage_timeline
    spans: pd.DataFrame               # rpt_lineage_spans
    department_years: pd.DataFrame    # rpt_department_line_tasks_by_year
    warnings: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=WARNING_COLUMNS))
    progress: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROGRESS_COLUMNS))  # lineage_progress
    data_docs: str | None = None      # link to the GX Data Docs index, relative to the overview's folder


@dataclass(frozen=True)
class RenderedReport:
    """One report as text: written to `<stem>.md` and `<stem>.html`."""

    stem: str
    title: str
    markdown: str
    html: str
    artifact: bool = True  # also published as a Prefect artifact (lineage pages are too many to publish)


def pair_stem(from_plan: str, to_plan: str) -> str:
    """File name (without suffix) of a pair report; the overview links to it by this name."""
    return f"{from_plan}_{to_plan}"


OVERVIEW_STEM = "overview"
LINEAGE_DIR = "lineages"  # lineage pages go to <out>/lineages/<lineage_id>.md|.html


def lineage_stem(lineage_id: str) -> str:
    """File name (without suffix, relative to the report folder) of a lineage's history page."""
    return f"{LINEAGE_DIR}/{lineage_id}"
