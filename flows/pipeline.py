"""Flow `pipeline`: everything new since the last run — the ingest, link, report and publish flows.

Reads the inputs `settings` names (`sources.inputs.collect_inputs`: the bundled sample and
../shared/plans with `defaults`, the paths given, the files waiting in `workspace.inbox`, and
the catalogue's official pages with `catalogue`). Writes the warehouse (through `ingest` and
`link`), the run history (`warehouse.runs.recorded_run`), the report files (`report`) and their
Prefect artifacts (`publish`), and files each inbox input away (`sources.inbox.settle_all`).

Sources whose content is already loaded are skipped before parsing; matching runs only when the
tasks or the curated overrides changed since the last matching (`warehouse.link_state`); reports
are rebuilt after new links, or when the overview is older than the last load or matching
(`flows.freshness.reports_current`). When a source or a step fails, the run is recorded as
partial or failed and the flow raises `PipelineFailed` (so the Prefect run shows Failed); its
`.summary` says what was done.

Run it: `ipplans run`, `ipplans serve` (daily deployment), or
`pipeline(RunSettings(paths=["plan.md"]), Workspace.at("data/ipplans.duckdb"))`.
Read/parse go to a Dask cluster with `RunSettings(dask="tcp://scheduler:8786")` (or `"local"`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from prefect import get_run_logger
from prefect.context import FlowRunContext

from flows.freshness import reports_current
from flows.ingest import IngestSummary, LinkFailed, ingest
from flows.link import LinkSummary
from flows.parameters import flow
from flows.progress import SILENT, Progress
from flows.settings import RunSettings
from flows.workspace import Workspace
from sources.fetch import FetchPolicy
from sources.inbox import InboxMove, settle_all
from sources.inputs import INBOX, Input, input_records
from warehouse.connection import WarehouseError
from warehouse.connection import open as open_warehouse
from warehouse.freshness import last_change
from warehouse.runs import recorded_run

if TYPE_CHECKING:  # the report renderer (jinja2, transforms.reports): imported only when reports are written
    from flows.report_files import ReportSummary


@dataclass
class PipelineSummary:
    """What one pipeline run did; `ipplans run` prints it."""

    run_id: str | None = None
    inputs: list[Input] = field(default_factory=list)
    ingest: IngestSummary = field(default_factory=IngestSummary)
    links: LinkSummary | None = None
    reports: ReportSummary | None = None  # when reports were written
    reports_dir: str | None = None  # None: this run writes no reports
    inbox: list[InboxMove] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "link: …", "report: …"
    prefect_ui: str | None = None  # where the flow runs are seen (set by flows.runtime)

    @property
    def ok(self) -> bool:
        return self.ingest.ok and not self.errors

    @property
    def outcome(self) -> str:
        """For the run history: ok, partial (some sources failed, the rest went through) or failed."""
        if self.errors:
            return "failed"
        return "partial" if self.ingest.failures else "ok"

    @property
    def warnings(self) -> list[str]:
        return [*self.ingest.warnings, *(self.links.warnings if self.links else [])]

    def describe(self) -> str:
        loaded = sum(1 for result in self.ingest.results if result.status != "unchanged")
        return (f"{loaded} sources loaded, {len(self.ingest.skipped)} unchanged, "
                f"{len(self.ingest.failures)} failed" + "".join(f"; {error}" for error in self.errors))


class PipelineFailed(RuntimeError):
    """Raised at the end of a run where a source or a step failed; `.summary` has the details."""

    def __init__(self, summary: PipelineSummary):
        super().__init__(summary.describe())
        self.summary = summary


@flow(name="pipeline")
def pipeline(settings: RunSettings | None = None, workspace: Workspace | None = None,
             fetch_policy: FetchPolicy | None = None, progress: Progress | None = None) -> PipelineSummary:
    """Ingest the inputs, link if anything changed, write and publish reports when due, record the run.
    `fetch_policy` sets timeouts and limits for official pages (default: `FetchPolicy()`)."""
    return run_jobs("run", settings or RunSettings(), workspace or Workspace.at(), fetch_policy, progress or SILENT)


def run_jobs(command: str, settings: RunSettings, workspace: Workspace, fetch_policy: FetchPolicy | None,
             progress: Progress) -> PipelineSummary:
    """The pipeline's body, recorded in the run history as `command`. `ipplans ingest` calls it without
    the pipeline flow around it (`RunSettings(paths, inbox=False, reports="never")`): its Prefect run is
    then the ingest flow, with the link flow inside when something changed."""
    workspace.read_overrides(settings.catalogue_file)  # a bad catalogue or overrides file stops the run here
    inputs = settings.inputs(workspace.inbox)
    summary = PipelineSummary(inputs=inputs,
                              reports_dir=None if settings.reports == "never" else str(workspace.reports))
    try:
        with recorded_run(workspace.db, command, input_records(inputs)) as run:
            summary.run_id = run.run_id
            _ingest_and_link(summary, settings, workspace, fetch_policy, progress)
            run.record_warnings(summary.warnings)  # before the reports, which show them
            if _reports_due(summary, settings, workspace):
                _report_and_publish(summary, settings, workspace, progress)
            run.finish(summary.outcome, summary.describe())
    except WarehouseError as exc:  # e.g. a full disk: what was committed stands, the summary says so
        if summary.run_id is None:
            raise  # not even the run's start could be recorded
        summary.errors.append(f"run history: not recorded ({exc})")
    if not summary.ok:
        raise PipelineFailed(summary)
    return summary


def _ingest_and_link(summary: PipelineSummary, settings: RunSettings, workspace: Workspace,
                     fetch_policy: FetchPolicy | None, progress: Progress) -> None:
    """Ingest, which links what changed and what a stopped run left unlinked (its link subflow), then
    file the inbox away."""
    ingest_flow = ingest if settings.dask is None else ingest.with_options(task_runner=_dask_runner(settings.dask))
    try:
        summary.ingest = ingest_flow([item.location for item in summary.inputs], workspace, strict=settings.strict,
                                     catalogue_file=settings.catalogue_file, fetch_policy=fetch_policy,
                                     progress=progress, link_changes=True)
    except LinkFailed as failed:  # the loads stand: the inbox is settled, the run fails at the end
        summary.ingest = failed.summary
        _logger().error("link step failed: %s", failed.summary.link_error)
        summary.errors.append(str(failed))
    summary.inbox = settle_inbox(workspace, summary.inputs, summary.ingest)
    summary.links = summary.ingest.links


def _report_and_publish(summary: PipelineSummary, settings: RunSettings, workspace: Workspace,
                        progress: Progress) -> None:
    from flows.publish import publish
    from flows.report import report

    summary.reports = _step(summary, "report", report, workspace, settings.lang, progress=progress)
    if summary.reports is not None:
        summary.reports.artifact_keys = _step(summary, "publish", publish, summary.reports.reports,
                                              settings.lang) or []


def settle_inbox(workspace: Workspace, inputs: list[Input], ingest_summary: IngestSummary) -> list[InboxMove]:
    """The inbox inputs this ingest dealt with (loaded, unchanged or failed), moved out of the inbox."""
    failed = {failure.location: failure.problem for failure in ingest_summary.failures}
    dealt_with = set(ingest_summary.settled) | set(failed)
    return settle_all(workspace.inbox, [item.location for item in inputs
                                        if item.origin == INBOX and item.location in dealt_with], failed)


def _dask_runner(dask: str):
    """A Dask task runner for read/parse: "local" starts a cluster on this machine, else a scheduler address."""
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError as exc:
        raise ImportError("running on Dask needs prefect-dask: pip install 'ipplans[dask]'") from exc
    return DaskTaskRunner() if dask == "local" else DaskTaskRunner(address=dask)


def _step(summary: PipelineSummary, name: str, function, *args, **kwargs):
    """Run a later step; its failure is recorded in the summary so the run can still be recorded."""
    try:
        return function(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 — reported by step name, and the run fails at the end
        _logger().error("%s step failed: %s", name, exc)
        summary.errors.append(f"{name}: {exc}")
        return None


def _logger():
    """The flow run's logger (seen in the Prefect UI) inside the pipeline flow; else this module's."""
    return get_run_logger() if FlowRunContext.get() else logging.getLogger(__name__)


def _reports_due(summary: PipelineSummary, settings: RunSettings, workspace: Workspace) -> bool:
    """Always or never as `settings.reports` says; when due: after new links (and no failed step), or when
    the overview is missing or older than the last load or matching (e.g. after an `ipplans ingest`)."""
    if settings.reports == "never" or summary.errors:
        return False
    if settings.reports == "always" or summary.links is not None:
        return True
    with open_warehouse(workspace.db, "read") as con:
        return not reports_current(workspace.reports, last_change(con))
