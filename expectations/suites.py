"""Run the committed Great Expectations suites on batches, and build the Data Docs.

The GX project lives in `expectations/gx/` and is the source of truth: suites
(`expectations/*.json`), one validation definition and one checkpoint per suite, and a
pandas datasource with one dataframe asset per suite. Nothing here creates or rewrites
those files; to change a rule, edit the suite JSON.

An expectation's `severity` says whether it blocks a load ("critical") or only warns
("warning"); its `meta` holds a stable `name`, the `failure` message and an `example`
template that turns failing rows into text (see `reports.format_examples`).

Validation results and the Data Docs are written only when asked for (`results_dir`), and
never into the project: great_expectations.yml puts them under ${IPPLANS_GX_RESULTS}, which
is set to a folder beside the warehouse (`results_dir_for`), so an installed package stays
read-only.

`import great_expectations` takes about 4 s, so it happens inside `_context()`, on the
first validation of a process, and never when this module is imported.
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from expectations.batches import Batch
from expectations.data_docs import make_offline
from expectations.reports import ExpectationOutcome, ValidationReport, format_examples

PROJECT_DIR = Path(__file__).resolve().parent  # GX puts its project in PROJECT_DIR / "gx"
RESULTS_ENV = "IPPLANS_GX_RESULTS"  # read by great_expectations.yml
# GX creates its results folder when it opens the project, even for runs that keep no results:
# those get a scratch folder, so a load never leaves a gx/ folder anywhere the user did not ask.
_UNKEPT_RESULTS = Path(tempfile.gettempdir()) / "ipplans-gx-unkept"


def results_dir_for(db: Path | None = None) -> Path:
    """Where validation results and Data Docs of a warehouse go: `gx/` beside its DuckDB file."""
    from warehouse.connection import default_db_path

    return Path(db or default_db_path()).parent / "gx"


def run_batches(batches: list[Batch], *, results_dir: Path | None = None) -> list[ValidationReport]:
    """Validate each batch with its suite; with `results_dir`, store the results for the Data Docs.

    In the GX worker process when one runs (expectations/worker.py), else here."""
    from expectations.worker import run_in_worker

    reports = run_in_worker(batches, results_dir)
    return reports if reports is not None else run_batches_here(batches, results_dir=results_dir)


def run_batches_here(batches: list[Batch], *, results_dir: Path | None = None) -> list[ValidationReport]:
    return [run_batch(batch, results_dir=results_dir) for batch in batches]


def run_batch(batch: Batch, *, results_dir: Path | None = None) -> ValidationReport:
    checkpoint = _context(results_dir or _UNKEPT_RESULTS).checkpoints.get(batch.suite)
    parameters = {"dataframe": batch.frame}
    if results_dir is not None:
        # a checkpoint run writes its result to results_dir/validations, where the Data Docs read it
        from great_expectations.core.run_identifier import RunIdentifier

        with _results_in(results_dir):
            result = checkpoint.run(batch_parameters=parameters, run_id=RunIdentifier(run_name=_run_name(batch)))
        suite_result = next(iter(result.run_results.values()))
    else:
        definition = checkpoint.validation_definitions[0]
        suite_result = definition.batch_definition.get_batch(batch_parameters=parameters).validate(
            definition.suite, result_format=checkpoint.result_format)
    outcomes = tuple(_outcome(result) for result in suite_result.results)
    return ValidationReport(batch.suite, batch.plan_id, batch.source_name,
                            all(o.success for o in outcomes if o.blocking), outcomes)


def build_data_docs(results_dir: Path) -> Path:
    """Rebuild the Data Docs site from the results stored in `results_dir`; returns its index page.

    The pages load their styles and scripts from copies inside the site (`data_docs.make_offline`),
    so they open without a network.
    """
    with _results_in(results_dir):
        _context(results_dir).build_data_docs()
    index = data_docs_index(results_dir)
    make_offline(index.parent)
    return index


def data_docs_index(results_dir: Path) -> Path:
    """The index page of the Data Docs built from `results_dir` (the local_site of great_expectations.yml)."""
    return results_dir / "data_docs" / "local_site" / "index.html"


def _outcome(result) -> ExpectationOutcome:
    config = result.expectation_config
    meta = config.meta or {}
    name = meta.get("name", config.type)
    blocking = str(getattr(config.severity, "value", config.severity)) == "critical"
    problem = _exception(result.exception_info)
    if problem is not None:
        # a rule that cannot be evaluated (e.g. a missing column) is a bug: it blocks, whatever its severity
        return ExpectationOutcome(name, True, False, f"{name} could not be evaluated: {problem}")
    if result.success:
        return ExpectationOutcome(name, blocking, True, config.description or name)
    example = meta.get("example", {})
    rows = result.result.get("unexpected_index_list") or []
    examples = format_examples(rows, example.get("label", ""), example.get("row")) if example else ()
    return ExpectationOutcome(name, blocking, False, meta.get("failure", name), examples)


def _exception(info: dict | None) -> str | None:
    """The error that stopped an expectation, if any. GX reports it either directly or per metric."""
    if not info:
        return None
    for entry in [info, *(value for value in info.values() if isinstance(value, dict))]:
        if entry.get("raised_exception"):
            return entry.get("exception_message") or "unknown error"
    return None


def _run_name(batch: Batch) -> str:
    # GX stores results under the run name, in file paths: no path separators
    parts = [batch.suite, batch.plan_id or "all plans", batch.source_name or "merged"]
    return re.sub(r"[/\\]", "_", " · ".join(parts))


@functools.cache
def _context(results_dir: Path):
    """The file-backed GX project with its results in `results_dir`, opened once per process and
    folder (quietly: no analytics, no progress bars)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    with _results_in(results_dir):
        return gx.get_context(mode="file", project_root_dir=PROJECT_DIR)


@contextmanager
def _results_in(results_dir: Path) -> Iterator[None]:
    # GX reads ${IPPLANS_GX_RESULTS} when it opens the results store, but the Data Docs site only
    # when it builds it: both must happen with the variable naming the same folder.
    previous = os.environ.get(RESULTS_ENV)
    os.environ[RESULTS_ENV] = str(Path(results_dir).resolve())
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(RESULTS_ENV, None)
        else:
            os.environ[RESULTS_ENV] = previous
