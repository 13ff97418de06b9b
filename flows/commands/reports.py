"""CLI command `ipplans report`: year-over-year reports as Markdown and self-contained HTML.

    ipplans report 2016 2020          one pair of plans, without Prefect (api.report("2016", "2020"))
    ipplans report --all              every pair of neighbouring plans + the overview, then published as
                                      Prefect artifacts (the report and publish flows: api.report(all_pairs=True))

Files go to `--out DIR`, by default `reports/` under the current directory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flows.commands.options import DbOption, Lang, LangOption, TemporaryServerOption, data_console, fail
from flows.workspace import DEFAULT_REPORTS as DEFAULT_OUT
from warehouse.connection import WarehouseError


def register(app: typer.Typer) -> None:
    app.command("report")(report)


FromArgument = Annotated[str | None, typer.Argument(metavar="FROM", help="Earlier plan id, e.g. 2016")]
ToArgument = Annotated[str | None, typer.Argument(metavar="TO", help="Later plan id, e.g. 2020")]
AllOption = Annotated[bool, typer.Option(
    "--all", help="Every pair of neighbouring plans and the overview, also published as Prefect artifacts")]
OutOption = Annotated[Path, typer.Option(
    "--out", help="Folder for the report files (default: reports/ under the current directory)")]


def report(from_plan: FromArgument = None, to_plan: ToArgument = None, all_pairs: AllOption = False,
           out: OutOption = DEFAULT_OUT, lang: LangOption = Lang.zh, db: DbOption = None,
           temporary_server: TemporaryServerOption = False) -> None:
    """Write year-over-year change reports (Markdown and HTML) for two plans, or with --all for all of them.

    Example: ipplans report 2016 2020 --out reports
    """
    from flows import api

    try:
        summary = api.report(from_plan, to_plan, all_pairs=all_pairs, db=db, out=out, lang=lang.value,
                                 temporary_server=temporary_server)
    except (ValueError, WarehouseError) as exc:
        fail(str(exc))
    console = data_console()
    for path in summary.paths:
        console.print(f"  wrote {path}")
    if summary.artifact_keys:
        console.print(f"  Prefect artifacts: {', '.join(summary.artifact_keys)}")
