"""CLI command `ipplans remove SOURCE`: take a source loaded by mistake out again.

A thin call of `ipplans.remove`, which runs the `remove` flow (flows/remove.py) like every flow command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flows.commands.options import DbOption, TemporaryServerOption, fail


def register(app: typer.Typer) -> None:
    app.command("remove")(remove)


def remove(
    source: Annotated[str, typer.Argument(help="The source's name, as `ipplans sources` lists it")],
    db: DbOption = None,
    overrides: Annotated[Path | None, typer.Option(
        "--overrides", help="Curated link decisions (default: link_overrides.csv beside the DuckDB file)")] = None,
    temporary_server: TemporaryServerOption = False,
) -> None:
    """Remove one source (and its plan when it was the plan's last copy), then link again; recorded as a run.

    Example: ipplans remove 2016.showlaw.txt
    """
    from flows import api
    from flows.commands.summaries import print_line, print_link_summary, print_ui
    from warehouse.connection import WarehouseError

    try:
        summary = api.remove(source, db=db, overrides=overrides, temporary_server=temporary_server)
    except (WarehouseError, LookupError) as error:
        fail(str(error))
    except Exception as error:  # noqa: BLE001 — the flow failed: said by step, as every flow command does
        print_line(f"FAILED   remove: {error}", style="red", stderr=True)
        raise typer.Exit(1) from error
    removed = summary.removed
    what = (f"and plan {removed.plan_id}, its last copy" if removed.plan_removed
            else f"plan {removed.plan_id} merged again from {removed.copies_left} copies")
    print_line(f"removed  {removed.source_name} ({what})")
    print_link_summary(summary.links)
    print_ui(summary)
