"""CLI command `ipplans export`: the warehouse as a spreadsheet workbook and/or CSV files.

    ipplans export --xlsx ipplans.xlsx     plans, tasks, lineages and one sheet per pair of plans
    ipplans export --csv exports/          the same tables, one UTF-8 CSV file (with BOM) each

A thin call of `ipplans.export` (`flows.export_files.export`); no Prefect or Great Expectations.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flows.commands.options import DbOption, data_console, fail

XlsxOption = Annotated[Path | None, typer.Option("--xlsx", metavar="FILE", help="Write an Excel workbook here")]
CsvDirOption = Annotated[Path | None, typer.Option("--csv", metavar="DIR",
                                                   help="Write one CSV file per table into this folder")]


def register(app: typer.Typer) -> None:
    app.command("export")(export)


def export(xlsx: XlsxOption = None, csv: CsvDirOption = None, db: DbOption = None) -> None:
    """Write plans, tasks, lineages and each pair's 任务对照 table for spreadsheets (xlsx and/or CSV).

    Example: ipplans export --xlsx ipplans.xlsx --csv exports
    """
    from flows import api
    from warehouse.connection import WarehouseError

    if xlsx is None and csv is None:
        fail("give --xlsx FILE, --csv DIR, or both")
    try:
        paths = api.export(xlsx=xlsx, csv=csv, db=db)
    except (WarehouseError, OSError) as exc:
        fail(str(exc))
    console = data_console()
    for path in paths:
        console.print(f"  wrote {path}")
