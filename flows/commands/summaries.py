"""How the commands that run flows show their progress and print what a run did.

`RichProgress` is the `flows.progress.Progress` the CLI passes to the flows: a rich bar per step,
and the runtime's notes (where the inputs came from, a local server being started) as lines. The
`print_*` functions turn the summaries the library functions return into the lines a person reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from flows.commands.options import data_console
from flows.progress import Progress as FlowProgress

# names in the summaries are data: a file name with a newline or an escape code is shown escaped
console = data_console()
error_console = data_console(stderr=True)


class RichProgress(FlowProgress):
    """One rich bar per step the flows announce; notes printed as lines above the bars."""

    __slots__ = ("bars", "progress")

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

    def note(self, line: str) -> None:
        print_line(line)


@contextmanager
def progress_bars() -> Iterator[RichProgress]:
    columns = (TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        yield RichProgress(progress)


def print_run_summary(summary) -> None:
    """What `ipplans run` or `ingest` did: loads (with each input's origin), links, inbox, reports, UI."""
    from flows.runtime import NothingNew

    if isinstance(summary, NothingNew):
        return  # the runtime has said so, as a note
    origins = {item.location: item.origin for item in summary.inputs}
    ingest = summary.ingest
    print_ingest_summary(ingest, origins)
    loaded = [r for r in ingest.results if r.status != "unchanged"]
    print_line(f"plans loaded: {len({r.plan_id for r in loaded})}, tasks: {sum(r.task_count for r in loaded)}")
    if summary.links is not None:
        print_link_summary(summary.links)
    elif not ingest.changed:
        print_line("links: unchanged (nothing new to match)")
    for move in summary.inbox:
        reason = f" ({move.reason})" if move.reason else ""
        print_line(f"  inbox    {Path(move.file).name} → {move.moved_to}{reason}")
    for error in summary.errors:
        print_line(f"  FAILED   {error}", style="red", stderr=True)
    if summary.reports_dir is not None:
        _print_reports(summary)
    print_ui(summary)


def print_ingest_summary(summary, origins: dict[str, str]) -> None:
    """One line per source: what happened to it and where it came from (bundled sample, shared plans,
    inbox, catalogue, command line), then the totals."""
    def origin(location: str | None) -> str:
        return f" [{origins[location]}]" if location in origins else ""

    for result in summary.results:
        tasks = f"{result.task_count} task" + ("" if result.task_count == 1 else "s")
        print_line(f"  {result.status:9} {result.source_name} → plan {result.plan_id} ({tasks})"
                   f"{origin(summary.locations.get(result.source_name))}")
    for skipped in summary.skipped:
        print_line(f"  unchanged {skipped.source_name} (skipped: {skipped.reason}){origin(skipped.location)}")
    for warning in summary.warnings:
        print_line(f"  warning  {warning}", style="yellow")
    for failure in summary.failures:
        print_line(f"  FAILED   {failure}{origin(failure.location)}", style="red", stderr=True)
    loaded = sum(1 for r in summary.results if r.status != "unchanged")
    unchanged = len(summary.results) - loaded + len(summary.skipped)
    print_line(f"{loaded} loaded, {unchanged} unchanged, {len(summary.failures)} failed")


def _print_reports(summary) -> None:
    if summary.reports is not None:
        overview = Path(summary.reports_dir) / "overview.html"
        print_line(f"reports: {overview} ({len(summary.reports.paths)} files written; Prefect artifacts: "
                   f"{', '.join(summary.reports.artifact_keys)})")
    else:
        why = "an earlier step failed" if summary.errors else "nothing changed"
        print_line(f"reports: not rebuilt ({why}); see {summary.reports_dir}")


def print_link_summary(links) -> None:
    """Totals, and which plans were matched against the lineages kept from the last matching."""
    print_line(f"links: {links.links}, lineages: {links.lineages}, plan changes: {links.plan_changes}")
    if links.matched_plans:
        kept = f"{links.kept_plans} plans kept as linked before" if links.kept_plans > 1 else "all from scratch"
        print_line(f"  matched  {', '.join(links.matched_plans)} ({kept})")
    else:
        print_line("  matched  nothing new (every plan kept as linked before)")
    for warning in links.warnings:
        print_line(f"  warning  {warning}", style="yellow")


def print_ui(summary) -> None:
    if getattr(summary, "prefect_ui", None):
        print_line(f"Prefect UI: {summary.prefect_ui} (flow runs, task runs, report artifacts)")


def print_line(text: str, style: str | None = None, stderr: bool = False) -> None:
    (error_console if stderr else console).print(text, markup=False, highlight=False, style=style, soft_wrap=True)
