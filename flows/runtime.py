"""Running flows from the command line: Prefect settings for a CLI run, progress bars, summaries.

With `PREFECT_API_URL` set, runs go to that server (fast: ~0.3 s per flow run);
otherwise Prefect starts its temporary local server for the process (slower start).
Flow heartbeats are switched off for CLI runs: they add about a second per flow run
and only matter for long-running deployments. Prefect is imported only inside these
functions, so read-only commands never pay for it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from flows.steps import ProgressListener, progress_to

console = Console()
error_console = Console(stderr=True)


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
    """`ipplans ingest`: only the paths given; linked and recorded like a run, no reports."""
    return _run_pipeline_flow(paths, str(db), strict=strict, use_inbox=False, reports=False, command="ingest")


def run_pipeline(paths: list[str], db: Path, out: Path | None = None, strict: bool = False, *,
                 catalogue: bool = False, catalogue_file: Path | None = None, inbox: Path | None = None,
                 overrides: Path | None = None, lang: str = "zh", dask: str | None = None):
    """`ipplans run`: the bundled sample, ../shared/plans and `paths`, through the pipeline flow."""
    from flows.steps import bundled_sample, shared_plan_files

    inputs = [str(bundled_sample()), *(str(p) for p in shared_plan_files()), *paths]
    options = {"out": out, "inbox": inbox, "catalogue_file": catalogue_file, "overrides": overrides}
    options = {key: str(value) for key, value in options.items() if value is not None}
    return _run_pipeline_flow(inputs, str(db), strict=strict, catalogue=catalogue, lang=lang, dask=dask, **options)


def run_link(db: Path, overrides: Path | None = None, rebuild: bool = False):
    """`ipplans link`: the link-plans flow on its own; prints what it matched. None if it failed."""
    with prefect_for_cli(), _progress_bars():
        from flows.link import link_plans

        state = link_plans(db=str(db), overrides=str(overrides) if overrides else None, rebuild=rebuild,
                           return_state=True)
        outcome = state.result(raise_on_failure=False)
    if isinstance(outcome, BaseException):
        _line(f"FAILED   link: {outcome}", style="red", stderr=True)
        return None
    print_link_summary(outcome)
    return outcome


def _run_pipeline_flow(inputs: list[str], db: str, **parameters):
    """Run the pipeline flow for the CLI and print its summary, also when a source or step failed."""
    with prefect_for_cli(), _progress_bars():
        from flows.pipeline import PipelineFailed, pipeline

        state = pipeline(inputs, db=db, return_state=True, **parameters)
        outcome = state.result(raise_on_failure=False)
    if isinstance(outcome, PipelineFailed):
        outcome = outcome.summary
    elif isinstance(outcome, BaseException):
        raise outcome
    print_pipeline_summary(outcome)
    return outcome


class _RichListener(ProgressListener):
    """One rich bar per step the flows announce."""

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
