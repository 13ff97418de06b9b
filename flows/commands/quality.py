"""CLI command `ipplans validate`: re-run the data-quality suites on what the warehouse holds.

A thin call of `ipplans.validate` (`expectations.gate.validate_loaded`, `check_links`,
`check_link_state`); it prints one row per suite run that passed, and one row per expectation
that failed or warned, with example rows. Exit code 1 when a blocking expectation fails.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from flows.commands.options import DbOption, data_console

if TYPE_CHECKING:  # pandas comes with it: only when a validation runs
    from expectations.reports import ValidationReport

STATUS_STYLES = {"ok": "green", "warning": "yellow", "FAILED": "red"}


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)


def validate(
    plan: Annotated[str | None, typer.Argument(help="Only this plan, e.g. 2020 (task links, and whether every "
                                                    "plan is linked, are checked only when no plan is given)")] = None,
    db: DbOption = None,
    docs: Annotated[bool, typer.Option("--docs", help="Also build the Great Expectations Data Docs "
                                                      "(gx/data_docs/local_site/ beside the DuckDB file)")] = False,
) -> None:
    """Check the loaded plans (and task links) against the data-quality suites.

    Example: ipplans validate --docs
    """
    from flows import api

    reports, data_docs = api.validate(plan, db=db, docs=docs)
    console = _console()
    if plan is not None and not reports:
        Console(stderr=True).print(f"error: no plan {plan!r} in the warehouse (see `ipplans plans`)",
                                   style="red", markup=False)
        raise typer.Exit(1)
    console.print(_table(reports))
    console.print(_summary(reports))
    if data_docs is not None:
        console.print(f"Data Docs: {data_docs}", soft_wrap=True)  # a path to copy: never wrapped
    if not all(report.success for report in reports):
        raise typer.Exit(1)


def _console() -> Console:
    console = data_console()  # names and texts are data: no markup, control characters escaped
    if console.is_terminal:
        return console
    # piped: rich assumes 80 columns (or $COLUMNS), too narrow for the example rows
    return data_console(width=max(console.width, 120))


def _table(reports: list[ValidationReport]) -> Table:
    table = Table(title="Data-quality checks")
    table.add_column("plan · source", no_wrap=True)
    table.add_column("suite · expectation", overflow="fold")
    table.add_column("status", no_wrap=True)
    table.add_column("details (example rows)", overflow="fold", ratio=1)
    for report in reports:
        where = f"{report.plan_id or 'all plans'} · {report.source_name or 'merged'}"
        problems = [o for o in report.results if not o.success]
        if not problems:
            checked = f"all {len(report.results)} passed" if report.results else "nothing to check yet"
            table.add_row(where, report.suite, "ok", checked, style=STATUS_STYLES["ok"])
        for outcome in problems:
            status = "FAILED" if outcome.blocking else "warning"
            table.add_row(where, f"{report.suite} · {outcome.expectation}", status, outcome.describe(),
                          style=STATUS_STYLES[status])
    return table


def _summary(reports: list[ValidationReport]) -> str:
    failures = sum(len(report.failures) for report in reports)
    warnings = sum(len(report.warnings) for report in reports)
    plans = len({report.plan_id for report in reports if report.plan_id})
    verdict = f"{failures} blocking failure(s)" if failures else "no blocking failures"
    return f"{plans} plan(s), {len(reports)} suite runs: {verdict}, {warnings} warning(s)"
