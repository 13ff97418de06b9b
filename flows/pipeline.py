"""Flow `pipeline`: everything new since the last run — ingest, then link, then reports.

Reads: the files waiting in the inbox (`inbox/` beside the DuckDB file), the official
pages of the plan catalogue (with `catalogue=True`; `catalogue_file` adds or overrides
catalogue rows) and the paths/URLs given. Writes: the warehouse (sources, links), the
run history (`warehouse.runs`), the report files, and moves each inbox file to
`processed/` or to `rejected/` with a reason file.

Sources whose content is already loaded are skipped before parsing; matching runs only
when the tasks or the curated overrides changed since the last matching; reports are
rebuilt after new links (or when the report folder is still empty). When a source or a
step fails, the run is recorded as partial or failed and the flow raises `PipelineFailed`
(so the Prefect run shows Failed); its `.summary` says what was done.

Run it: `ipplans run` (adds the bundled sample and ../shared/plans), `ipplans serve`
(daily deployment), or `pipeline(paths=["plan.md"], db="data/ipplans.duckdb", out="reports")`.
Read/parse go to a Dask cluster with `dask="tcp://scheduler:8786"` (or `"local"`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, get_run_logger

from flows.ingest import IngestSummary, ingest_sources
from flows.link import LinkSummary, link_plans
from flows.workspace import DEFAULT_REPORTS as DEFAULT_OUT  # not flows.report_files: no renderer for an ingest
from flows.steps import check_run_files, inbox_dir, open_warehouse, progress_advance, progress_start, warehouse_path
from sources.fetch import FetchPolicy
from sources.inputs import INBOX, Input, collect_inputs, file_sha256
from warehouse.connection import WarehouseError
from warehouse.runs import recorded_run

REPORT = "report"


@dataclass(frozen=True)
class InboxMove:
    file: str  # as it was in the inbox
    moved_to: str
    reason: str | None = None  # why it was rejected


@dataclass
class PipelineSummary:
    """What one pipeline run did; `ipplans run` prints it."""

    run_id: str | None = None
    ingest: IngestSummary = field(default_factory=IngestSummary)
    links: LinkSummary | None = None
    reports: object = None  # flows.reports.ReportSummary, when reports were published
    reports_dir: str | None = None  # None: this run does not write reports (`ipplans ingest`)
    inbox: list[InboxMove] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "link: …", "report: …"

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
def pipeline(paths: list[str] | None = None, db: str | None = None, out: str | None = None, strict: bool = False,
             inbox: str | None = None, catalogue: bool = False, catalogue_file: str | None = None,
             overrides: str | None = None, lang: str = "zh", dask: str | None = None,
             fetch_policy: FetchPolicy | None = None, use_inbox: bool = True,
             reports: bool = True, command: str = "run", defaults: bool = False) -> PipelineSummary:
    """Ingest inbox + catalogue + paths, link if anything changed, publish reports, record the run.

    `ipplans run` adds `defaults=True` (the bundled sample and ../shared/plans); `ipplans ingest`
    runs it with `use_inbox=False, reports=False`: only the paths given.
    """
    check_run_files(db, catalogue_file, overrides)  # a bad catalogue or overrides file stops the run here
    inbox_folder = Path(inbox) if inbox else inbox_dir(db)
    inputs = collect_inputs(paths or [], defaults=defaults, inbox=inbox_folder if use_inbox else None,
                            catalogue=catalogue, catalogue_file=catalogue_file)
    summary = PipelineSummary(reports_dir=str(Path(out) if out else DEFAULT_OUT) if reports else None)
    try:
        with recorded_run(warehouse_path(db), command, describe_inputs(inputs)) as run:
            summary.run_id = run.run_id
            if _half_done(db):  # plans loaded by a run that stopped before its link step: link them first
                summary.links = _step(summary, "link", link_plans, db=db, overrides=overrides)
            summary.ingest = _ingest(inputs, db, strict, catalogue_file, fetch_policy, dask)
            summary.inbox = settle_inbox(inbox_folder, inputs, summary.ingest)
            # a refused source leaves the warehouse as it was: stale links are healed by a clean run only
            if summary.ingest.changed or (summary.ingest.ok and _links_stale(db, overrides)):
                summary.links = _step(summary, "link", link_plans, db=db, overrides=overrides)
            run.record_warnings(summary.warnings)  # before the reports, which show them
            if reports and _reports_due(summary, db):
                summary.reports = _step(summary, REPORT, _publish_reports, db, summary.reports_dir, lang)
            run.finish(summary.outcome, summary.describe())
    except WarehouseError as exc:  # e.g. a full disk: what was committed stands, the summary says so
        if summary.run_id is None:
            raise  # not even the run's start could be recorded
        summary.errors.append(f"run history: not recorded ({exc})")
    if not summary.ok:
        raise PipelineFailed(summary)
    return summary


def settle_inbox(inbox: Path, inputs: list[Input], ingest: IngestSummary) -> list[InboxMove]:
    """Move each inbox file that was dealt with: loaded or unchanged → processed/, failed → rejected/.

    A file left out of a rolled-back strict batch stays in the inbox for the next run.
    """
    from sources.inbox import settle

    failed = {failure.location: failure.problem for failure in ingest.failures}
    settled = set(ingest.settled)
    moves = []
    for item in inputs:
        if item.origin != INBOX or (item.location not in failed and item.location not in settled):
            continue
        moved_to, reason = settle(Path(item.location), inbox, failed.get(item.location))
        moves.append(InboxMove(item.location, str(moved_to or "(left in the inbox)"), reason))
    return moves


def _ingest(inputs: list[Input], db, strict, catalogue_file, fetch_policy, dask: str | None) -> IngestSummary:
    ingest = ingest_sources if dask is None else ingest_sources.with_options(task_runner=_dask_runner(dask))
    return ingest([item.location for item in inputs], db=db, strict=strict, catalogue_file=catalogue_file,
                  fetch_policy=fetch_policy)


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
        get_run_logger().error("%s step failed: %s", name, exc)
        summary.errors.append(f"{name}: {exc}")
        return None


def _half_done(db: str | None) -> bool:
    """Whether some plan was loaded after the last matching (shown as `plans.linked = false`)."""
    from warehouse.connection import open as open_warehouse_as
    from warehouse.link_state import unlinked_plans

    with open_warehouse_as(warehouse_path(db), "read") as con:  # the run's record has written the schema
        return bool(unlinked_plans(con))


def _links_stale(db: str | None, overrides: str | None) -> bool:
    """Tasks or overrides changed since the last matching, e.g. a run killed between load and link."""
    from flows.steps import links_stale, overrides_file, read_overrides_text

    with open_warehouse(warehouse_path(db)) as con:
        return links_stale(con, read_overrides_text(overrides or overrides_file(db)))


def _reports_due(summary: PipelineSummary, db) -> bool:
    """After new links (and no failed step), or when the overview is missing or older than the last
    load or matching (e.g. after an `ipplans ingest`, which writes no reports)."""
    from flows.freshness import reports_current
    from warehouse.freshness import last_change

    if summary.errors:
        return False
    if summary.links is not None:
        return True
    with open_warehouse(warehouse_path(db)) as con:
        return not reports_current(Path(summary.reports_dir), last_change(con))


def _publish_reports(db: str | None, out: str, lang: str):
    from flows.reports import publish_reports

    progress_start(REPORT, 1)
    reports = publish_reports(db=db, out=out, lang=lang)
    progress_advance(REPORT)
    return reports


# ---- run history -------------------------------------------------------------------------

def describe_inputs(inputs: list[Input]) -> list[dict]:
    """One record per input with the sha256 of its bytes (pages: None, their bytes arrive during the run)."""
    return [{"source": item.location, "origin": item.origin, "sha256": file_sha256(item.location)}
            for item in inputs]
