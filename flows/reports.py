"""Flow `publish-reports`: year-over-year reports as files and as Prefect artifacts.

For every pair of neighbouring plans (or the pairs given) and for the multi-year overview:
read the report views → render Markdown and self-contained HTML → write `<out>/<stem>.md|.html`
→ publish the Markdown as a Prefect artifact, plus one table artifact listing every report.
The files are the canonical output; artifacts live in Prefect's database, which may be wiped.

Run it: `ipplans report --all`, or from Python `publish_reports(db="data/ipplans.duckdb")`.
`ipplans report FROM TO` writes one pair report through `flows.report_files`, without Prefect.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from flows.report_files import DEFAULT_OUT, build_reports, data_docs_link, report_warehouse, write_report_files
from transforms.reports import RenderedReport


@dataclass
class ReportSummary:
    """What a publish run wrote: file paths, and the keys of its Prefect artifacts."""

    paths: list[str] = field(default_factory=list)
    artifact_keys: list[str] = field(default_factory=list)


def artifact_key(report: RenderedReport, lang: str) -> str:
    """Artifact keys allow lowercase letters, digits and dashes only."""
    return re.sub(r"[^a-z0-9-]+", "-", f"report-{report.stem}-{lang}".lower()).strip("-")


@task(name="render-reports", cache_policy=NO_CACHE)
def render_task(db: str | None, lang: str, pairs: list[tuple[str, str]] | None,
                out: Path | None = None) -> list[RenderedReport]:
    data_docs = data_docs_link(db, out) if out is not None else None
    with report_warehouse(db) as con:
        return build_reports(con, lang, pairs, data_docs=data_docs)


@task(name="write-reports", cache_policy=NO_CACHE)
def write_task(reports: list[RenderedReport], out: Path) -> list[Path]:
    return write_report_files(reports, out)


@task(name="publish-artifacts", cache_policy=NO_CACHE)
def publish_task(reports: list[RenderedReport], out: Path, lang: str) -> list[str]:
    """One Markdown artifact per report and one table artifact listing them all."""
    keys, rows = [], []
    for report in (report for report in reports if report.artifact):
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
    reports = render_task(db, lang, pairs, out_dir)
    paths = write_task(reports, out_dir)
    keys = publish_task(reports, out_dir, lang)
    return ReportSummary(paths=[str(path) for path in paths], artifact_keys=keys)
