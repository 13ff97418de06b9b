"""Run history: when each run started and finished, what it read, how it ended, what it warned about.

    with recorded_run(db, "ingest", [{"source": "2020.gov.md", "sha256": "ab12…"}]) as run:
        ...                                       # the loads, each in its own transaction
        run.record_warnings(summary.warnings)     # the gate's QualityWarnings, or dicts
        run.finish("partial", "4 loaded, 1 failed")  # else "ok"; an exception records "failed"

(`start_run`, `record_warnings` and `finish_run` are the same steps on an open connection.)

Call these outside a load's transaction, so each commits on its own: a run killed
mid-load then stays in `raw_runs` with no outcome (the `runs` view shows it as
'unfinished') while the load itself is rolled back.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

OUTCOMES = ("ok", "failed", "partial")
WARNING_COLUMNS = ["run_id", "plan_id", "source_name", "expectation", "message"]


def start_run(con: duckdb.DuckDBPyConnection, command: str, inputs: list[dict]) -> str:
    """Record a run as started and return its id; `inputs` holds one {"source", "sha256"} per input
    (extra keys, such as where an input came from, are kept as given)."""
    for item in inputs:
        if not isinstance(item, dict) or not ({"source", "location"} & item.keys()):
            raise ValueError(f"each input must be a dict with a 'source' (and its 'sha256'), not {item!r}")
    run_id = uuid.uuid4().hex
    con.execute("insert into raw_runs (run_id, command, started_at, inputs) values (?, ?, ?, ?)",
                [run_id, command, _now(), json.dumps(inputs, ensure_ascii=False, default=str)])
    return run_id


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, outcome: str, message: str | None) -> None:
    """Record how a run ended: outcome is ok, failed or partial (some sources failed)."""
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
    updated = con.execute("update raw_runs set finished_at = ?, outcome = ?, message = ? where run_id = ?",
                          [_now(), outcome, message, run_id]).fetchall()
    if updated[0][0] != 1:
        raise ValueError(f"no run {run_id!r} in raw_runs")


def record_warnings(con: duckdb.DuckDBPyConnection, run_id: str, warnings: list[dict]) -> None:
    """Store a run's data-quality warnings: dicts with plan_id, source_name, expectation and message.

    The gate's warnings (`expectations.reports.QualityWarning`) may be passed as they are: anything
    with a `row()` method is stored as that dict, any other text as a bare message.
    """
    if not warnings:
        return
    import pandas as pd  # only when there are warnings: a run with nothing new never imports it

    rows = [_warning_row(warning) for warning in warnings]
    frame = pd.DataFrame([{**{c: row.get(c) for c in WARNING_COLUMNS}, "run_id": run_id} for row in rows],
                         columns=WARNING_COLUMNS, dtype="object")
    con.register("warnings_to_insert", frame)  # one bulk insert; executemany is very slow in DuckDB
    try:
        con.execute("insert into raw_validation_warnings by name select * from warnings_to_insert")
    finally:
        con.unregister("warnings_to_insert")


def _warning_row(warning) -> dict:
    if isinstance(warning, dict):
        return warning
    if callable(getattr(warning, "row", None)):
        return warning.row()
    return {"message": str(warning)}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class RunRecord:
    """The run being recorded by `recorded_run`: record its warnings as they come, set its outcome."""

    def __init__(self, db, run_id: str):
        self.db, self.run_id = db, run_id
        self.outcome, self.message = "ok", None

    def record_warnings(self, warnings: list) -> None:
        if warnings:
            with _open(self.db) as con:
                record_warnings(con, self.run_id, warnings)

    def finish(self, outcome: str, message: str | None) -> None:
        """How the run ended, written when the `with` block is left (ok unless said otherwise)."""
        self.outcome, self.message = outcome, message


@contextmanager
def recorded_run(db, command: str, inputs: list[dict]) -> Iterator[RunRecord]:
    """One run in the history: started on entry, finished on exit (failed, with the error, when the
    block raises). Each write is its own short transaction, outside the loads' transactions."""
    with _open(db) as con:
        run = RunRecord(db, start_run(con, command, inputs))
    try:
        yield run
    except BaseException as exc:
        with _open(db) as con:
            finish_run(con, run.run_id, "failed", f"{type(exc).__name__}: {exc}")
        raise
    with _open(db) as con:
        finish_run(con, run.run_id, run.outcome, run.message)


def _open(db):
    from warehouse.connection import open as open_warehouse

    return open_warehouse(db, "write")
