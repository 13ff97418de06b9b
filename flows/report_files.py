"""Report files without Prefect: read the report views, render, write `<out>/<stem>.md|.html`.

`ipplans report FROM TO` uses these directly; the `report` flow (flows/report.py) runs
`build_reports` and `write_report_files` as its tasks.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import quote

import duckdb

from flows.workspace import Workspace
from transforms.reports import RenderedReport, render_overview, render_pair_report
from transforms.reports.lineage import render_lineage_page
from warehouse.analysis import read_lineage_histories
from warehouse.connection import open as open_warehouse
from warehouse.reports import consecutive_pairs, read_overview_data, read_pair_report_data


@dataclass(frozen=True)
class WrittenReport:
    """A report written to files, as the `publish` flow takes it."""

    stem: str
    title: str
    markdown: str  # path of the .md file
    html: str  # path of the .html file
    artifact: bool = True  # published as a Prefect artifact (lineage pages are too many to publish)


@dataclass
class ReportSummary:
    """What a report run wrote (every file), and the keys of the Prefect artifacts once published."""

    paths: list[str] = field(default_factory=list)
    reports: list[WrittenReport] = field(default_factory=list)
    artifact_keys: list[str] = field(default_factory=list)
    prefect_ui: str | None = None  # where the flow runs are seen (set by flows.runtime)


def build_reports(con: duckdb.DuckDBPyConnection, lang: str, pairs: list[tuple[str, str]] | None = None,
                  overview: bool = True, data_docs: str | None = None) -> list[RenderedReport]:
    """Render the pair reports (default: every pair of neighbouring plans), the overview (which links
    to the Data Docs at `data_docs`, see `data_docs_link`, when given), and the history page of every
    line of work found in two or more plans."""
    chosen = consecutive_pairs(con) if pairs is None else pairs
    reports = [render_pair_report(read_pair_report_data(con, a, b), lang) for a, b in chosen]
    if overview:
        reports.append(render_overview(replace(read_overview_data(con), data_docs=data_docs), lang))
    # every pair report and the overview link to the history pages of the lines they show
    reports += [render_lineage_page(history, lang) for history in read_lineage_histories(con)]
    return reports


def data_docs_link(workspace: Workspace) -> str:
    """Where the overview in `workspace.reports` finds the Data Docs of this warehouse (`ipplans validate
    --docs` builds them in `workspace.gx_results`), as a relative link: reports and warehouse may move
    together."""
    from expectations.suites import data_docs_index

    index = data_docs_index(workspace.gx_results).resolve()
    return quote(Path(os.path.relpath(index, workspace.reports.resolve())).as_posix())


def write_report_files(reports: list[RenderedReport], out: Path) -> list[Path]:
    """Write `<stem>.md` and `<stem>.html` for each report; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for report in reports:
        for suffix, text in ((".md", report.markdown), (".html", report.html)):
            path = out / f"{report.stem}{suffix}"
            path.parent.mkdir(parents=True, exist_ok=True)  # lineage pages go to a subfolder
            path.write_text(text, encoding="utf-8")
            paths.append(path)
    return paths


def write_pair_report(workspace: Workspace, from_plan: str, to_plan: str, lang: str = "zh") -> ReportSummary:
    """The report on two plans, as Markdown and HTML files in `workspace.reports` (no Prefect involved)."""
    with open_warehouse(workspace.db, "read") as con:  # reports never hold the writer's lock
        reports = build_reports(con, lang, [(from_plan, to_plan)], overview=False)
    return written(reports, write_report_files(reports, workspace.reports), workspace.reports)


def written(reports: list[RenderedReport], paths: list[Path], out: Path) -> ReportSummary:
    """What `write_report_files` wrote, as the summary of a report run (and the `publish` flow's input)."""
    return ReportSummary(paths=[str(path) for path in paths],
                         reports=[WrittenReport(r.stem, r.title, str(out / f"{r.stem}.md"), str(out / f"{r.stem}.html"),
                                                r.artifact) for r in reports])
