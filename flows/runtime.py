"""Running flows for a command: the quick check first, then the flows on the Prefect server chosen once.

Before any flow starts, `run_flows` compares the inputs with the warehouse (flows/freshness.py):
with nothing new it records the no-op in the run history and returns `NothingNew` without
importing Prefect. Otherwise the flows run on the server `flows.server.api_for_flows` names
(PREFECT_API_URL, else the local server, started in the background when it is not running;
`temporary_server` falls back to Prefect's temporary in-process server). Flow heartbeats are
switched off for these runs: they add about a second per flow run and only matter for
long-running deployments. A load starts the Great Expectations worker first
(expectations/worker.py): the validation service beside the local server, which keeps GX
imported between commands, or else a process of its own whose import overlaps Prefect's.

Nothing here prints: messages go to the `Progress` passed in (`note`), and every result carries
`prefect_ui`, the address where its flow runs are seen.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flows.progress import SILENT, Progress
from flows.settings import RunSettings
from flows.workspace import Workspace


@contextmanager
def prefect_session(temporary_server: bool = False, progress: Progress = SILENT) -> Iterator[str | None]:
    """Prefect set up for a command: quiet console logs, no heartbeats, the API chosen once.
    Yields the API URL (None: Prefect's temporary server)."""
    from flows.server import api_for_flows

    # console logs from every task would drown the summary; the runs are in the UI
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_FLOW_RUNS_LEVEL", "CRITICAL")
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_TASK_RUNS_LEVEL", "CRITICAL")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    api_url = api_for_flows(temporary=temporary_server, announce=progress.note)
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    updates = {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    if api_url:
        updates[PREFECT_API_URL] = api_url
    with temporary_settings(updates=updates):
        yield api_url


@dataclass
class NothingNew:
    """A run the quick check found nothing for: no flow ran."""

    inputs: list
    run_id: str | None = None
    message: str = ""
    ok: bool = True
    prefect_ui: str | None = None


def run_flows(command: str, settings: RunSettings, workspace: Workspace, *, fetch_policy=None,
              temporary_server: bool = False, progress: Progress = SILENT):
    """The quick check, then (when there is work) the jobs: the pipeline flow for `run`, the ingest
    flow (with its link subflow) for `ingest`. Returns the PipelineSummary (also of a run that failed)
    or NothingNew."""
    import time

    from warehouse.connection import held_open, prepare_location

    started = time.perf_counter()
    prepare_location(workspace.db)  # a --db under a regular file is named as the warehouse's problem
    if not workspace.db.exists():  # a first run always has work: the server starts while the check runs
        from flows.server import start_early

        start_early(temporary_server)
    with held_open(workspace.db):  # one connection for the whole command (its ~8 opens share it)
        return _check_then_run(command, settings, workspace, fetch_policy, temporary_server, progress, started)


def _check_then_run(command: str, settings: RunSettings, workspace: Workspace, fetch_policy,
                    temporary_server: bool, progress: Progress, started: float):
    import time

    from flows.freshness import check_freshness
    from sources.inputs import describe_origins

    inputs = settings.inputs(workspace.inbox)
    progress.note(describe_origins(inputs))
    freshness = check_freshness(workspace, inputs, reports=settings.reports != "never", fetch_policy=fetch_policy)
    if freshness.up_to_date:
        return _nothing_new(workspace, inputs, freshness, command, time.perf_counter() - started, progress)
    from expectations.worker import worker_running
    from flows.server import start_early, validation_service

    start_early(temporary_server)  # before the GX worker: the validation service then starts beside it
    service = validation_service(temporary_server)
    with worker_running(service), prefect_session(temporary_server, progress) as api_url:
        _import_matcher_in_background()
        from flows.pipeline import PipelineFailed, pipeline, run_jobs

        try:
            if command == "run":
                summary = pipeline(settings, workspace, fetch_policy, progress)
            else:  # no pipeline flow around the jobs: the run is the ingest flow (the link flow inside)
                summary = run_jobs(command, settings, workspace, fetch_policy, progress)
        except PipelineFailed as failed:
            summary = failed.summary
    summary.prefect_ui = ui_for(api_url)
    return summary


def run_flow(flow, *args, warehouse: Path, temporary_server: bool = False, progress: Progress = SILENT,
             **kwargs):
    """One flow on the chosen server (its validations in the GX service beside a local server ipplans
    started, else in a helper process), the `warehouse` file held open for it (one connection);
    returns its result with `prefect_ui` set, or raises its error."""
    from expectations.worker import worker_running
    from flows.server import start_early, validation_service
    from warehouse.connection import held_open

    start_early(temporary_server)
    service = validation_service(temporary_server)
    with held_open(warehouse), worker_running(service), prefect_session(temporary_server, progress) as api_url:
        state = flow(*args, **kwargs, return_state=True)
        outcome = state.result(raise_on_failure=False)
    if isinstance(outcome, BaseException):
        raise outcome
    if hasattr(outcome, "prefect_ui"):
        outcome.prefect_ui = ui_for(api_url)
    return outcome


def _nothing_new(workspace: Workspace, inputs, freshness, command: str, seconds: float,
                 progress: Progress) -> NothingNew:
    from sources.inputs import input_records
    from warehouse.connection import open as open_warehouse
    from warehouse.runs import finish_run, start_run

    message = f"nothing new: {len(inputs)} inputs unchanged, links and reports current"
    with open_warehouse(workspace.db, "write") as con:
        run_id = start_run(con, command, input_records(inputs, freshness.digests))
        finish_run(con, run_id, "ok", message)
    progress.note(f"{message} ({seconds:.1f} s; no flow run)")
    return NothingNew(inputs, run_id, message)


def _import_matcher_in_background() -> None:
    """The matcher's import (~1 s) runs while this thread waits on the Prefect API and the GX worker."""
    import importlib
    import threading

    threading.Thread(target=importlib.import_module, args=("transforms.matching.matcher",), daemon=True).start()


def ui_for(api_url: str | None) -> str | None:
    """The Prefect UI page of the runs on the server at `api_url` (None: the temporary server, no UI)."""
    from flows.server import ui_url

    return f"{ui_url(api_url)}/runs" if api_url else None
