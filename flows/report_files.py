"""Report files without Prefect: read the report views, render, write `<out>/<stem>.md|.html`.

`ipplans report FROM TO` uses these directly; the `publish-reports` flow (flows/reports.py)
wraps them as tasks and adds Prefect artifacts.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

import duckdb

from transforms.reports import RenderedReport, render_overview, render_pair_report
from transforms.reports.lineage import render_lineage_page
from warehouse.analysis import read_lineage_histories
from warehouse.connection import default_db_path
from warehouse.connection import open as open_warehouse
from warehouse.reports import consecutive_pairs, read_overview_data, read_pair_report_data

DEFAULT_OUT = Path("reports")  # under the current directory


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


def data_docs_link(db: str | Path | None, out: str | Path) -> str:
    """Where the overview in `out` finds the Data Docs of this warehouse (`ipplans validate --docs`
    builds them beside it), as a relative link: reports and warehouse may move together."""
    from expectations.suites import data_docs_index, results_dir_for

    index = data_docs_index(results_dir_for(Path(db) if db else None)).resolve()
    return quote(Path(os.path.relpath(index, Path(out).resolve())).as_posix())


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


def write_pair_report(db: str | Path | None, from_plan: str, to_plan: str, out: str | Path | None = None,
                      lang: str = "zh") -> list[Path]:
    """The report on two plans, as Markdown and HTML files (no Prefect involved)."""
    with report_warehouse(db) as con:
        reports = build_reports(con, lang, [(from_plan, to_plan)], overview=False)
    return write_report_files(reports, Path(out) if out else DEFAULT_OUT)


@contextmanager
def report_warehouse(db: str | Path | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse, read-only: reports never hold the writer's lock."""
    with open_warehouse(Path(db) if db else default_db_path(), "read") as con:
        yield con
