"""Running flows from the command line: Prefect settings for a CLI run, and the summary.

With `PREFECT_API_URL` set, runs go to that server (fast: ~0.3 s per flow run);
otherwise Prefect starts its temporary local server for the process (slower start).
Flow heartbeats are switched off for CLI runs: they add about a second per flow run
and only matter for long-running deployments.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console

console = Console()


@contextmanager
def prefect_for_cli() -> Iterator[None]:
    # console logs from every task would drown the summary; the runs are in the UI
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_FLOW_RUNS_LEVEL", "CRITICAL")
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_TASK_RUNS_LEVEL", "CRITICAL")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


def run_ingest(paths: list[str], db: Path, strict: bool = False):
    with prefect_for_cli():
        from flows.ingest import ingest_sources

        summary = ingest_sources(paths, db=str(db), strict=strict)
    print_ingest_summary(summary)
    return summary


def run_pipeline(paths: list[str], db: Path, out: Path | None = None, strict: bool = False):
    from flows.steps import bundled_sample, shared_plan_files

    inputs = [str(bundled_sample()), *(str(p) for p in shared_plan_files()), *paths]
    return run_ingest(inputs, db=db, strict=strict)


def print_ingest_summary(summary) -> None:
    for result in summary.results:
        console.print(f"  {result.status:9} {result.source_name} → plan {result.plan_id} "
                      f"({result.task_count} tasks)", markup=False, highlight=False)
    for warning in summary.warnings:
        console.print(f"  warning  {warning}", markup=False, highlight=False, style="yellow")
    for failure in summary.failures:
        console.print(f"  FAILED   {failure}", markup=False, highlight=False, style="red")
    loaded = sum(1 for r in summary.results if r.status != "unchanged")
    console.print(f"{loaded} loaded, {len(summary.results) - loaded} unchanged, {len(summary.failures)} failed",
                  markup=False, highlight=False)
