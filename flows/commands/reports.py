"""CLI command `ipplans report`: year-over-year reports as Markdown and self-contained HTML.

    ipplans report 2016 2020          one pair of plans (plain Python: flows.report_files.write_pair_report)
    ipplans report --all              every pair of neighbouring plans + the overview, published as
                                      Prefect artifacts too (the flow flows.reports.publish_reports)

Files go to `--out DIR`, by default `reports/` under the current directory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flows.commands.options import DbOption, Lang, LangOption, TemporaryServerOption, data_console, fail
from warehouse.connection import WarehouseError

DEFAULT_OUT = Path("reports")  # the same default as flows.report_files (imported only when a report is written)


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
    if all_pairs and (from_plan or to_plan):
        fail("give two plans or --all, not both")
    if not all_pairs and not (from_plan and to_plan):
        fail("give two plans (ipplans report FROM TO) or --all")
    artifact_keys: list[str] = []
    try:
        if all_pairs:
            paths, artifact_keys = _publish_all(db, out, lang.value, temporary_server)
        else:
            from flows.report_files import write_pair_report

            paths = [str(path) for path in write_pair_report(db, from_plan, to_plan, out, lang.value)]
    except WarehouseError as exc:
        fail(str(exc))
    console = data_console()
    for path in paths:
        console.print(f"  wrote {path}")
    if artifact_keys:
        console.print(f"  Prefect artifacts: {', '.join(artifact_keys)}")


def _publish_all(db: Path | None, out: Path, lang: str, temporary_server: bool) -> tuple[list[str], list[str]]:
    """The publish-reports flow, with Prefect set up as for every CLI run."""
    from flows.runtime import prefect_for_cli

    with prefect_for_cli(temporary_server):
        from flows.reports import publish_reports

        summary = publish_reports(db=str(db) if db else None, out=str(out), lang=lang)
    return summary.paths, summary.artifact_keys
