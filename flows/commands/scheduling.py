"""CLI command `ipplans serve`: register the scheduled deployments and run them.

A thin call of `ipplans.serve` (`flows.serve.serve`). Prefect is imported only when the command
runs, so registering this command costs the read-only commands nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flows.commands.options import DbOption, Lang, LangOption

OutOption = Annotated[Path | None, typer.Option(help="Report folder (default: reports/ under the current directory)")]
InboxOption = Annotated[Path | None, typer.Option(help="Inbox folder (default: inbox/ beside the DuckDB file)")]
CatalogueOption = Annotated[Path | None, typer.Option(help="Extra catalogue CSV (same columns as the packaged one)")]


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(db: DbOption = None, out: OutOption = None, inbox: InboxOption = None,
          catalogue_file: CatalogueOption = None, lang: LangOption = Lang.zh) -> None:
    """Serve the daily pipeline and weekly reports deployments until stopped (needs `prefect server start`).

    Example: PREFECT_API_URL=http://127.0.0.1:4200/api ipplans serve
    """
    from flows import api

    try:
        api.serve(db=db, out=out, inbox=inbox, catalogue_file=catalogue_file, lang=lang.value)
    except (RuntimeError, ImportError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
