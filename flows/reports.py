"""Flow `publish-reports`: year-over-year reports as files and as Prefect artifacts.

For every pair of neighbouring plans (or the pairs given) and for the multi-year overview:
read the report views → render Markdown and self-contained HTML → write `<out>/<stem>.md|.html`
→ publish the Markdown as a Prefect artifact, plus one table artifact listing every report.
The files are the canonical output; artifacts live in Prefect's database, which may be wiped.

Run it: `ipplans report --all`, or from Python `publish_reports(db="data/ipplans.duckdb")`.
`ipplans report FROM TO` writes one pair report through `write_pair_report`, without Prefect.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from transforms.reports import RenderedReport, render_overview, render_pair_report
from warehouse.connection import WarehouseError, connect, default_db_path
from warehouse.reports import consecutive_pairs, read_overview_data, read_pair_report_data

DEFAULT_OUT = Path("reports")  # under the current directory


@dataclass
class ReportSummary:
    """What a publish run wrote: file paths, and the keys of its Prefect artifacts."""

    paths: list[str] = field(default_factory=list)
    artifact_keys: list[str] = field(default_factory=list)


def build_reports(con: duckdb.DuckDBPyConnection, lang: str, pairs: list[tuple[str, str]] | None = None,
                  overview: bool = True) -> list[RenderedReport]:
    """Render the pair reports (default: every pair of neighbouring plans) and the overview."""
    chosen = consecutive_pairs(con) if pairs is None else pairs
    reports = [render_pair_report(read_pair_report_data(con, a, b), lang) for a, b in chosen]
    if overview:
        reports.append(render_overview(read_overview_data(con), lang))
    return reports


def write_report_files(reports: list[RenderedReport], out: Path) -> list[Path]:
    """Write `<stem>.md` and `<stem>.html` for each report; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for report in reports:
        for suffix, text in ((".md", report.markdown), (".html", report.html)):
            path = out / f"{report.stem}{suffix}"
            path.write_text(text, encoding="utf-8")
            paths.append(path)
    return paths


def write_pair_report(db: str | Path | None, from_plan: str, to_plan: str, out: str | Path | None = None,
                      lang: str = "zh") -> list[Path]:
    """The report on two plans, as Markdown and HTML files (no Prefect involved)."""
    with report_warehouse(db) as con:
        reports = build_reports(con, lang, [(from_plan, to_plan)], overview=False)
    return write_report_files(reports, Path(out) if out else DEFAULT_OUT)


def artifact_key(report: RenderedReport, lang: str) -> str:
    """Artifact keys allow lowercase letters, digits and dashes only."""
    return re.sub(r"[^a-z0-9-]+", "-", f"report-{report.stem}-{lang}".lower()).strip("-")


@contextmanager
def report_warehouse(db: str | Path | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse, opened so that its report views are current.

    Opening for writing applies `warehouse/sql/*.sql`, so a warehouse written before a report view
    existed gets it; the reports themselves only read.
    """
    path = Path(db) if db else default_db_path()
    if not path.exists():
        raise WarehouseError(f"no warehouse at {path}: run `ipplans run` or `ipplans ingest` first")
    con = connect(path)
    try:
        yield con
    finally:
        con.close()


@task(name="render-reports", cache_policy=NO_CACHE)
def render_task(db: str | None, lang: str, pairs: list[tuple[str, str]] | None) -> list[RenderedReport]:
    with report_warehouse(db) as con:
        return build_reports(con, lang, pairs)


@task(name="write-reports", cache_policy=NO_CACHE)
def write_task(reports: list[RenderedReport], out: Path) -> list[Path]:
    return write_report_files(reports, out)


@task(name="publish-artifacts", cache_policy=NO_CACHE)
def publish_task(reports: list[RenderedReport], out: Path, lang: str) -> list[str]:
    """One Markdown artifact per report and one table artifact listing them all."""
    keys, rows = [], []
    for report in reports:
        key = artifact_key(report, lang)
        html = (out / f"{report.stem}.html").resolve()
        create_markdown_artifact(key=key, markdown=report.markdown, description=f"{report.title} — {html}")
        keys.append(key)
        rows.append({"report": report.title, "artifact": key, "html": str(html),
                     "markdown": str(html.with_suffix(".md"))})
    index_key = f"report-index-{lang}"
    create_table_artifact(key=index_key, table=rows, description="Reports written by publish-reports")
    return [*keys, index_key]


@flow(name="publish-reports")
def publish_reports(db: str | None = None, out: str | None = None, lang: str = "zh",
                    pairs: list[tuple[str, str]] | None = None) -> ReportSummary:
    """Write every pair report (default: neighbouring plans) and the overview; publish them as artifacts."""
    out_dir = Path(out) if out else DEFAULT_OUT
    reports = render_task(db, lang, pairs)
    paths = write_task(reports, out_dir)
    keys = publish_task(reports, out_dir, lang)
    return ReportSummary(paths=[str(path) for path in paths], artifact_keys=keys)
