"""The data-quality gate: check a plan before it is written, and re-check what is loaded.

`check_plan_load` runs inside the load's transaction, after `prepare_load` and before
`write_load` (see `flows/ingest.py`); `check_link_load` runs inside the matching's transaction,
after the links are written (see `flows/link.py`). Both have one contract: a failed blocking
expectation raises `QualityError`, which rolls the transaction back, so the warehouse stays
exactly as it was; warnings are returned for the run summary (and `warehouse.runs.record_warnings`).
`validate_loaded` and `check_links` re-check what is loaded and return the reports (`ipplans validate`).

    from expectations.gate import check_plan_load, check_link_load, validate_loaded, check_links
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from expectations.batches import link_batch, load_batches, loaded_batches
from expectations.reports import ExpectationOutcome, QualityWarning, ValidationReport
from expectations.suites import run_batches
from transforms.models import PlanError
from warehouse.load import PlanLoad


class QualityError(PlanError):
    """A source whose plan fails a blocking expectation; the message lists each failure with examples.

    "2020.gov.md: task numbers have a duplicate: task_no 12 (2.1.12, 2.2.12)"
    """

    def __init__(self, source: str, reports: list[ValidationReport]):
        failures = [outcome for report in reports for outcome in report.failures]
        super().__init__(source, "; ".join(outcome.describe() for outcome in failures))
        self.reports = reports

    def __reduce__(self):
        # exceptions may be pickled (Prefect task states, Dask); rebuild from the parts
        return QualityError, (self.source, self.reports)


def check_plan_load(con: duckdb.DuckDBPyConnection, load: PlanLoad) -> list[str]:
    """Validate the rows a load is about to write; returns warnings, raises QualityError on a blocking failure."""
    reports = run_batches(load_batches(con, load))
    name = load.copy.name
    if not all(report.success for report in reports):
        raise QualityError(name, reports)
    return [QualityWarning(name, report.plan_id, outcome) for report in reports for outcome in report.warnings]


def check_link_load(con: duckdb.DuckDBPyConnection) -> list[QualityWarning]:
    """Validate the links just written (before their commit); returns warnings, raises QualityError on a
    blocking failure."""
    report = check_links(con)
    if not report.success:
        raise QualityError(report.suite, [report])
    return [QualityWarning(report.suite, None, outcome) for outcome in report.warnings]


def validate_loaded(con: duckdb.DuckDBPyConnection, plan_id: str | None = None, *,
                    results_dir: Path | None = None) -> list[ValidationReport]:
    """Re-run the plan suites on every loaded plan (or one); results kept in `results_dir` feed
    the Data Docs (see suites.results_dir_for)."""
    return run_batches(loaded_batches(con, plan_id), results_dir=results_dir)


def check_links(con: duckdb.DuckDBPyConnection, *, results_dir: Path | None = None) -> ValidationReport:
    """Run the link suite on the `task_links` view; with no links table yet, an empty, successful report."""
    batch = link_batch(con)
    if batch is None:
        return ValidationReport("task_links", None, None, True, ())
    return run_batches([batch], results_dir=results_dir)[0]


def check_link_state(con: duckdb.DuckDBPyConnection) -> ValidationReport:
    """Every loaded plan linked as it stands; a plan loaded after the last matching (a run stopped
    between its load and its link step) fails, naming the plan, until the next run or `ipplans link`."""
    from warehouse.link_state import unlinked_plans

    unlinked = unlinked_plans(con)
    outcome = ExpectationOutcome(
        "plans_linked", True, not unlinked,
        "plans loaded but not linked (a run stopped before its link step; `ipplans link` or the next run "
        "links them)" if unlinked else "every loaded plan is linked as it stands",
        tuple(f"plan {plan_id}" for plan_id in unlinked))
    return ValidationReport("link_state", None, None, outcome.success, (outcome,))
