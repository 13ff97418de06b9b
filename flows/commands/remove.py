"""CLI command `ipplans remove SOURCE`: take a source loaded by mistake out again.

A thin wrapper around the `remove-source` flow (flows/remove.py), run like every flow command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flows.commands.options import DbOption, TemporaryServerOption, db_path, fail


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
    from flows.runtime import run_remove
    from warehouse.connection import WarehouseError

    try:
        summary = run_remove(source, db_path(db), overrides=overrides, temporary_server=temporary_server)
    except (WarehouseError, LookupError) as error:
        fail(str(error))
    if summary is None:
        raise typer.Exit(1)
