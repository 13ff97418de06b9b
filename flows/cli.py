"""The `ipplans` command line. Each command is a thin call of the `flows.api` function of the same
name (`ipplans plans` → `api.plans()`), then prints what it returned.

Commands that only read the warehouse (`plans`, `tasks`, `sql`, …) never import
Prefect or Great Expectations; commands that run flows (`ingest`, `run`) do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from typer.core import TyperGroup

from flows import api
from flows.commands import register_all
from flows.commands.options import (CsvOption, DbOption, Lang, LangOption, TemporaryServerOption, data_console,
                                    db_path, fail, print_csv)
from flows.commands.summaries import print_run_summary, progress_bars
from warehouse.listings import Rows


class NamedErrors(TyperGroup):
    """The one boundary where an expected failure of any command (a bad warehouse, catalogue or
    override file, a damaged DuckDB file) becomes `error: …` on stderr and exit 1, never a traceback.
    Failures of single sources never get here: the flows report them by name and go on."""

    def invoke(self, ctx):
        from transforms.models import PlanError
        from warehouse.connection import WarehouseError, damaged, is_damage

        try:
            return super().invoke(ctx)
        except (WarehouseError, PlanError) as exc:
            fail(str(exc))
        except Exception as exc:
            if not is_damage(exc):
                raise  # a bug: its traceback is what a report of it needs
            fail(str(damaged(None, exc)))

    def resolve_command(self, ctx, args):
        """Group.invoke resolves the command once, just before it runs it: the one public place that
        sees the command and its own arguments. Shell completion resolves too, resiliently: no repair then."""
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None and not ctx.resilient_parsing:
            _link_half_done_first(name, command, rest, ctx)
        return name, command, rest


def _link_half_done_first(name: str, command, args: list[str], ctx) -> None:
    """Before the command runs, link what a stopped run left loaded but not linked (flows/repair.py)."""
    from flows.repair import link_half_done, needs_repair_check

    if not needs_repair_check(name):
        return
    # parsed without running anything (and without failing on bad arguments: the command reports those)
    params = command.make_context(name, list(args), parent=ctx, resilient_parsing=True).params
    if "db" not in params:
        return
    if not link_half_done(db_path(params["db"]), temporary_server=bool(params.get("temporary_server")),
                          announce=data_console(stderr=True).print):
        fail("linking the plans a stopped run left unlinked failed: nothing else was done")


app = typer.Typer(help="Compare China's yearly national IP-strategy promotion plans across years.",
                  no_args_is_help=True, pretty_exceptions_enable=False, rich_markup_mode=None, cls=NamedErrors)
console = data_console()  # names and texts are data: no markup, control characters escaped



@app.command()
def ingest(paths: Annotated[list[str], typer.Argument(help="Plan files (.md .txt .html .docx .pdf) or http(s) URLs")],
           db: DbOption = None,
           strict: Annotated[bool, typer.Option(help="Load nothing if any source fails")] = False,
           temporary_server: TemporaryServerOption = False) -> None:
    """Read, parse, check and load plans into the warehouse, then link them.

    Example: ipplans ingest ../shared/plans/2020.gov.md
    """
    with progress_bars() as progress:
        summary = api.ingest(paths, db=db, strict=strict, temporary_server=temporary_server, progress=progress)
    print_run_summary(summary)
    _exit_on_failure(summary)


@app.command()
def run(paths: Annotated[list[str] | None, typer.Argument(help="More plan files or URLs")] = None,
        db: DbOption = None,
        out: Annotated[Path | None, typer.Option(help="Report folder (default: reports/ under the current directory)")] = None,
        strict: Annotated[bool, typer.Option(help="Load nothing if any source fails")] = False,
        catalogue: Annotated[bool, typer.Option(help="Also fetch every official URL in the plan catalogue")] = False,
        catalogue_file: Annotated[Path | None, typer.Option(help="A CSV of more known plans (same columns as the packaged catalogue)")] = None,
        inbox: Annotated[Path | None, typer.Option(help="Inbox folder (default: data/inbox beside the DuckDB file)")] = None,
        overrides: Annotated[Path | None, typer.Option(help="Reviewed link decisions (default: link_overrides.csv beside the DuckDB file)")] = None,
        lang: LangOption = Lang.zh,
        dask: Annotated[str | None, typer.Option(help="Read and parse on a Dask cluster: 'local' or tcp://host:8786")] = None,
        temporary_server: TemporaryServerOption = False) -> None:
    """The main job: ingest the bundled 2020 plan, ../shared/plans, the inbox and PATHS; link tasks; write reports.

    Example: ipplans run
    """
    with progress_bars() as progress:
        summary = api.run(paths or [], db=db, out=out, strict=strict, catalogue=catalogue,
                              catalogue_file=catalogue_file, inbox=inbox, overrides=overrides, lang=lang.value,
                              dask=dask, temporary_server=temporary_server, progress=progress)
    print_run_summary(summary)
    _exit_on_failure(summary)


@app.command()
def plans(db: DbOption = None, csv: CsvOption = False) -> None:
    """List the plans in the warehouse.

    Example: ipplans plans
    """
    _print(api.plans(db=db), as_csv=csv)


@app.command()
def tasks(plan: Annotated[str, typer.Argument(help="Plan id, e.g. 2020 or 2021-2022")], db: DbOption = None,
          csv: CsvOption = False) -> None:
    """List the tasks of one plan with their departments.

    Example: ipplans tasks 2020
    """
    found = api.tasks(plan, db=db)
    if not found.rows:
        fail(f"no plan {plan!r} in the warehouse (see `ipplans plans`)")
    _print(found, as_csv=csv)


@app.command()
def sources(plan: Annotated[str | None, typer.Argument(help="Only this plan")] = None, db: DbOption = None,
            csv: CsvOption = False,
            differences: Annotated[bool, typer.Option(
                "--differences", help="List only where copies of one plan read differently")] = False) -> None:
    """List the source files of each plan, and where copies of one plan read differently.

    Example: ipplans sources 2021-2022
    """
    copies, differing = api.sources(plan, db=db)
    if differences:
        _print(differing, as_csv=csv)
        return
    _print(copies, as_csv=csv)
    if differing.rows and csv:  # one table per CSV output: the other is a flag away
        data_console(stderr=True).print(f"copies differ in {len(differing.rows)} tasks: see `ipplans sources "
                                        f"--differences --csv`")
    elif differing.rows:
        console.print("Where copies differ:")
        _print(differing)


@app.command()
def sql(query: Annotated[str, typer.Argument(help="A SELECT over the documented views")],
        db: DbOption = None, csv: CsvOption = False) -> None:
    """Run a read-only SQL query on the warehouse; statements that write are refused.

    Example: ipplans sql "select plan_id, task_count from plans"
    """
    import duckdb

    try:
        result = api.sql(query, db=db)
    except duckdb.Error as exc:  # a damaged file is a WarehouseError naming it, reported by NamedErrors
        fail(f"query failed: {exc}")
    _print(result, as_csv=csv)


def _print(result: Rows, as_csv: bool = False) -> None:
    columns, rows = result
    if as_csv:
        print_csv(columns, rows)
        return
    table = Table(*columns, show_lines=False)
    for row in rows:
        table.add_row(*("" if value is None else str(value) for value in row))
    console.print(table)


def _exit_on_failure(summary) -> None:
    if not summary.ok:
        raise typer.Exit(1)


def main() -> None:
    register_all(app)
    app()


def console_main() -> None:
    """The `ipplans` program: `main()`, then the process ends without the interpreter's teardown."""
    try:
        main()
    except SystemExit as done:
        _exit_now(done.code)
    _exit_now(0)


def _exit_now(code) -> None:
    """Exit without tearing the interpreter down: once Prefect, pandas and the matcher are imported,
    freeing every module and object costs about a second, as much as the rest of a no-op run. What a
    normal exit does first still runs, in its order: threads are joined and their exit callbacks run
    (Prefect drains its log and event queues to the API there), then the atexit handlers; the output
    is flushed. The warehouse connection was closed by its command."""
    import atexit
    import os
    import sys
    import threading

    shutdown, run_exit_handlers = getattr(threading, "_shutdown", None), getattr(atexit, "_run_exitfuncs", None)
    if shutdown is None or run_exit_handlers is None:  # another Python: the ordinary exit
        sys.exit(code)
    shutdown()
    run_exit_handlers()
    if code is not None and not isinstance(code, int):  # sys.exit("message"): said on stderr, exit 1
        print(code, file=sys.stderr)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # e.g. a closed pipe: nothing more can be said on it
            pass
    os._exit(code if isinstance(code, int) else 0 if code is None else 1)
