"""Flow `report`: year-over-year reports as Markdown and self-contained HTML files.

For every pair of neighbouring plans (or the pairs given), the multi-year overview and the
history page of every line of work: read the report views and render them
(`flows.report_files.build_reports`), then write `<workspace.reports>/<stem>.md|.html`
(`write_report_files`). The files are the canonical output; the `publish` flow (flows/publish.py)
makes Prefect artifacts of them.

Run it: `ipplans report --all` (then `publish`), or `report(Workspace.at("data/ipplans.duckdb"))`.
"""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from flows.parameters import flow
from flows.progress import SILENT, Progress
from flows.report_files import ReportSummary, build_reports, data_docs_link, write_report_files, written
from flows.workspace import Workspace
from warehouse.connection import open as open_warehouse

REPORT = "report"


render_task = task(build_reports, name="render-reports", cache_policy=NO_CACHE)
write_task = task(write_report_files, name="write-reports", cache_policy=NO_CACHE)


@flow(name="report")
def report(workspace: Workspace | None = None, lang: str = "zh", pairs: list[tuple[str, str]] | None = None,
           progress: Progress | None = None) -> ReportSummary:
    """Write every pair report (default: neighbouring plans), the overview and the lineage pages."""
    workspace, progress = workspace or Workspace.at(), progress or SILENT
    progress.start(REPORT, 1)
    with open_warehouse(workspace.db, "read") as con:  # reports never hold the writer's lock
        rendered = render_task(con, lang, pairs, data_docs=data_docs_link(workspace))
    paths = write_task(rendered, workspace.reports)
    progress.advance(REPORT)
    return written(rendered, paths, workspace.reports)
