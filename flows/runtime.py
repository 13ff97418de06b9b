"""Running flows from the command line: which Prefect server, the quick check, progress, summaries.

Before any flow starts, `run_pipeline` and `run_ingest` compare the inputs with the warehouse
(flows/freshness.py): with nothing new they say so and return without importing Prefect.
Otherwise the flows run on the server `flows.server.api_for_flows` names (PREFECT_API_URL,
else the local server, started in the background when it is not running; `temporary_server`
falls back to Prefect's temporary in-process server). Flow heartbeats are switched off for
CLI runs: they add about a second per flow run and only matter for long-running deployments.
A load starts the Great Expectations worker first (expectations/worker.py): the validation
service beside the local server, which keeps GX imported between commands, or else a process of
its own whose import overlaps Prefect's.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from flows.commands.options import data_console
from flows.workspace import Workspace

# names in the summaries are data: a file name with a newline or an escape code is shown escaped
console = data_console()
error_console = data_console(stderr=True)


@contextmanager
def prefect_for_cli(temporary_server: bool = False) -> Iterator[str | None]:
    """Prefect set up for a command: quiet console logs, no heartbeats, the API chosen once.
    Yields the API URL (None: Prefect's temporary server)."""
    from flows.server import api_for_flows

    # console logs from every task would drown the summary; the runs are in the UI
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_FLOW_RUNS_LEVEL", "CRITICAL")
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_TASK_RUNS_LEVEL", "CRITICAL")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    api_url = api_for_flows(temporary=temporary_server, announce=_line)
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    updates = {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    if api_url:
        updates[PREFECT_API_URL] = api_url
    with temporary_settings(updates=updates):
        yield api_url


@dataclass
class NothingNew:
    """A run the quick check found nothing for: no flow ran."""

    inputs: int
    run_id: str | None = None
    ok: bool = True


def run_ingest(paths: list[str], db: Path, strict: bool = False, *, temporary_server: bool = False):
    """`ipplans ingest`: only the paths given; linked and recorded like a run, no reports."""
    from sources.inputs import collect_inputs

    workspace = Workspace.at(db)
    inputs = collect_inputs(paths)
    return _run_pipeline_flow(workspace, inputs, reports=False, command="ingest", temporary_server=temporary_server,
                              paths=paths, db=str(db), strict=strict, use_inbox=False)


def run_pipeline(paths: list[str], db: Path, out: Path | None = None, strict: bool = False, *,
                 catalogue: bool = False, catalogue_file: Path | None = None, inbox: Path | None = None,
                 overrides: Path | None = None, lang: str = "zh", dask: str | None = None,
                 temporary_server: bool = False):
    """`ipplans run`: the bundled sample, ../shared/plans, the inbox and `paths`, through the pipeline flow."""
    from sources.inputs import collect_inputs

    workspace = Workspace.at(db, inbox=inbox, reports=out, overrides=overrides)
    inputs = collect_inputs(paths, defaults=True, inbox=workspace.inbox, catalogue=catalogue,
                            catalogue_file=catalogue_file)
    options = {"out": out, "inbox": inbox, "catalogue_file": catalogue_file, "overrides": overrides}
    options = {key: str(value) for key, value in options.items() if value is not None}
    return _run_pipeline_flow(workspace, inputs, reports=True, command="run", temporary_server=temporary_server,
                              paths=paths, db=str(db), strict=strict, defaults=True, catalogue=catalogue,
                              lang=lang, dask=dask, **options)


def run_link(db: Path, overrides: Path | None = None, rebuild: bool = False, *, temporary_server: bool = False):
    """`ipplans link`: the link-plans flow on its own; prints what it matched. None if it failed."""
    from expectations.worker import worker_running
    from flows.server import validation_service

    with worker_running(validation_service(temporary_server)), prefect_for_cli(temporary_server) as api_url, \
            _progress_bars():
        from flows.link import link_plans

        state = link_plans(db=str(db), overrides=str(overrides) if overrides else None, rebuild=rebuild,
                           return_state=True)
        outcome = state.result(raise_on_failure=False)
    if isinstance(outcome, BaseException):
        _line(f"FAILED   link: {outcome}", style="red", stderr=True)
        return None
    print_link_summary(outcome)
    _print_ui(api_url)
    return outcome


def run_remove(source: str, db: Path, overrides: Path | None = None, *, temporary_server: bool = False):
    """`ipplans remove`: the remove-source flow; prints what went and what was matched again. None if it failed."""
    from warehouse.connection import open as open_warehouse
    from warehouse.load import loaded_sha256

    with open_warehouse(db, "read") as con:  # a name that is not loaded fails here, before Prefect starts
        if loaded_sha256(con, source) is None:
            raise LookupError(f"no source named {source!r} in {db} (see `ipplans sources`)")
    from expectations.worker import worker_running
    from flows.server import validation_service

    with worker_running(validation_service(temporary_server)), prefect_for_cli(temporary_server) as api_url:
        from flows.remove import remove

        state = remove(source=source, db=str(db), overrides=str(overrides) if overrides else None,
                       return_state=True)
        outcome = state.result(raise_on_failure=False)
    if isinstance(outcome, BaseException):
        _line(f"FAILED   remove: {outcome}", style="red", stderr=True)
        return None
    removed = outcome.removed
    what = (f"and plan {removed.plan_id}, its last copy" if removed.plan_removed
            else f"plan {removed.plan_id} merged again from {removed.copies_left} copies")
    _line(f"removed  {removed.source_name} ({what})")
    print_link_summary(outcome.links)
    _print_ui(api_url)
    return outcome


def _run_pipeline_flow(workspace: Workspace, inputs, *, reports: bool, command: str, temporary_server: bool,
                       **parameters):
    """The quick check, then (when there is work) the pipeline flow; prints the summary either way."""
    from flows.freshness import check_freshness

    started = time.perf_counter()
    _line(describe_origins(inputs))
    freshness = check_freshness(workspace, inputs, reports=reports)
    if freshness.up_to_date:
        return _nothing_new(workspace, inputs, freshness, command, time.perf_counter() - started)
    from expectations.worker import worker_running
    from flows.server import validation_service

    with worker_running(validation_service(temporary_server)), prefect_for_cli(temporary_server) as api_url, _progress_bars():
        _import_matcher_in_background()
        from flows.pipeline import PipelineFailed, pipeline

        state = pipeline(return_state=True, reports=reports, command=command, **parameters)
        outcome = state.result(raise_on_failure=False)
    if isinstance(outcome, PipelineFailed):
        outcome = outcome.summary
    elif isinstance(outcome, BaseException):
        raise outcome
    print_pipeline_summary(outcome)
    _print_ui(api_url)
    return outcome


def _nothing_new(workspace: Workspace, inputs, freshness, command: str, seconds: float) -> NothingNew:
    from warehouse.connection import open as open_warehouse
    from warehouse.runs import finish_run, start_run

    records = [{"source": item.location, "origin": item.origin, "sha256": freshness.digests.get(item.location)}
               for item in inputs]
    message = f"nothing new: {len(inputs)} inputs unchanged, links and reports current"
    with open_warehouse(workspace.db, "write") as con:
        run_id = start_run(con, command, records)
        finish_run(con, run_id, "ok", message)
    _line(f"{message} ({seconds:.1f} s; no flow run)")
    return NothingNew(len(inputs), run_id)


def describe_origins(inputs) -> str:
    """One line: how many inputs came from where (bundled sample, shared plans, inbox, catalogue, command line)."""
    from collections import Counter

    counts = Counter(item.origin for item in inputs)
    return "inputs: " + (", ".join(f"{count} {origin}" for origin, count in counts.items()) or "none")


def _import_matcher_in_background() -> None:
    """The matcher's import (~1 s) runs while this thread waits on the Prefect API and the GX worker."""
    import importlib
    import threading

    threading.Thread(target=importlib.import_module, args=("transforms.matching.matcher",), daemon=True).start()


def _print_ui(api_url: str | None) -> None:
    from flows.server import ui_url

    if api_url:
        _line(f"Prefect UI: {ui_url(api_url)}/runs (flow runs, task runs, report artifacts)")


class _RichListener:
    """One rich bar per step the flows announce (a flows.steps.ProgressListener)."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.bars: dict[str, int] = {}

    def start(self, step: str, total: int) -> None:
        if step in self.bars:
            self.progress.reset(self.bars[step], total=total)
        else:
            self.bars[step] = self.progress.add_task(step, total=total)

    def advance(self, step: str, amount: int = 1) -> None:
        if step in self.bars:
            self.progress.advance(self.bars[step], amount)


@contextmanager
def _progress_bars() -> Iterator[None]:
    from flows.steps import progress_to  # pandas and DuckDB's loaders: only when a flow runs

    columns = (TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress, progress_to(_RichListener(progress)):
        yield


def print_ingest_summary(summary) -> None:
    for result in summary.results:
        tasks = f"{result.task_count} task" + ("" if result.task_count == 1 else "s")
        _line(f"  {result.status:9} {result.source_name} → plan {result.plan_id} ({tasks})")
    for skipped in summary.skipped:
        _line(f"  unchanged {skipped.source_name} (skipped: {skipped.reason})")
    for warning in summary.warnings:
        _line(f"  warning  {warning}", style="yellow")
    for failure in summary.failures:
        _line(f"  FAILED   {failure}", style="red", stderr=True)
    loaded = sum(1 for r in summary.results if r.status != "unchanged")
    unchanged = len(summary.results) - loaded + len(summary.skipped)
    _line(f"{loaded} loaded, {unchanged} unchanged, {len(summary.failures)} failed")


def print_pipeline_summary(summary) -> None:
    """What `ipplans run` did, in a few lines: loads, skips, links, failures, warnings, reports."""
    ingest = summary.ingest
    print_ingest_summary(ingest)
    loaded = [r for r in ingest.results if r.status != "unchanged"]
    _line(f"plans loaded: {len({r.plan_id for r in loaded})}, tasks: {sum(r.task_count for r in loaded)}")
    if summary.links is not None:
        print_link_summary(summary.links)
    elif not ingest.changed:
        _line("links: unchanged (nothing new to match)")
    for move in summary.inbox:
        reason = f" ({move.reason})" if move.reason else ""
        _line(f"  inbox    {Path(move.file).name} → {move.moved_to}{reason}")
    for error in summary.errors:
        _line(f"  FAILED   {error}", style="red", stderr=True)
    if summary.reports_dir is None:
        return
    if summary.reports is not None:
        overview = Path(summary.reports_dir) / "overview.html"
        _line(f"reports: {overview} ({len(summary.reports.paths)} files written; Prefect artifacts: "
              f"{', '.join(summary.reports.artifact_keys)})")
    else:
        why = "an earlier step failed" if summary.errors else "nothing changed"
        _line(f"reports: not rebuilt ({why}); see {summary.reports_dir}")


def print_link_summary(links) -> None:
    """Totals, and which plans were matched against the lineages kept from the last matching."""
    _line(f"links: {links.links}, lineages: {links.lineages}, plan changes: {links.plan_changes}")
    if links.matched_plans:
        kept = f"{links.kept_plans} plans kept as linked before" if links.kept_plans > 1 else "all from scratch"
        _line(f"  matched  {', '.join(links.matched_plans)} ({kept})")
    else:
        _line("  matched  nothing new (every plan kept as linked before)")
    for warning in links.warnings:
        _line(f"  warning  {warning}", style="yellow")


def _line(text: str, style: str | None = None, stderr: bool = False) -> None:
    (error_console if stderr else console).print(text, markup=False, highlight=False, style=style, soft_wrap=True)
