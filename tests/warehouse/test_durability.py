"""Durability: a killed ingest loses nothing, two writers do not corrupt the file, a writer that cannot
get the file fails clearly, and the run history survives what the loads roll back.

The process tests run the real `ipplans` command in subprocesses against the session's Prefect
server, and stop them with SIGKILL: no cleanup code runs, as after a crash or an OOM kill.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from expectations.reports import ExpectationOutcome, QualityWarning
from sources.inputs import bundled_sample
from tests.expectations.helpers import content, copy_of, data_checksums, link_files, load_files
from warehouse.connection import LOCK_WAIT_SECONDS, WarehouseError, connect, lock_wait_seconds
from warehouse.load import transaction
from warehouse.runs import finish_run, record_warnings, start_run

IPPLANS = str(Path(sys.executable).with_name("ipplans"))
NEW_PLANS = ("2015.law-bridge.txt", "2016.showlaw.txt", "2021-2022.cnipa.txt", "2021-2022.izubei.txt")
KILLS = 5
WAITING = "waiting for another process to release"


def _ingest(db: Path, files, env: dict) -> subprocess.Popen:
    # its own session, so the kill reaches exactly this command and anything it started
    return subprocess.Popen([IPPLANS, "ingest", "--strict", *map(str, files), "--db", str(db)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)


def _finish(process: subprocess.Popen) -> str:
    output, _ = process.communicate(timeout=600)
    return output


@pytest.fixture
def env(prefect_server) -> dict:
    return {**os.environ, "PREFECT_API_URL": prefect_server}


@pytest.fixture
def warehouse(tmp_path) -> Path:
    db = tmp_path / "warehouse.duckdb"
    load_files(db, bundled_sample())
    link_files(db)  # as a run leaves it: a plan loaded but not linked would be linked first by the next run
    return db


@pytest.mark.prefect
@pytest.mark.slow
def test_a_killed_ingest_leaves_the_previous_state_and_the_next_run_completes(env, warehouse, tmp_path,
                                                                              shared_plans):
    files = [shared_plans / name for name in NEW_PLANS]
    reference = copy_of(warehouse, tmp_path / "reference.duckdb")
    started = time.monotonic()
    process = _ingest(reference, files, env)
    assert process.wait(timeout=600) == 0, _finish(process)
    duration = time.monotonic() - started  # only to spread the kills over a run, never asserted
    complete, previous, previous_content = content(reference), data_checksums(warehouse), content(warehouse)

    seed = random.randrange(1_000_000)
    rng, killed = random.Random(seed), 0
    for attempt in range(KILLS):
        process = _ingest(warehouse, files, env)
        try:
            # A run that completes makes every later one a no-op, so kill well inside the duration.
            process.wait(timeout=rng.uniform(0.15, 0.85) * duration)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            killed += 1
        state = content(warehouse)  # the file opens and every table reads
        where = f"after kill {attempt + 1} (random seed {seed})"
        # the load and the matching are two transactions: each part is either before or after
        for part in (_loaded, _linked):
            assert part(state) in (part(previous_content), part(complete)), (
                f"a partial {part.__name__[1:]} state is visible {where}: tables differing from the previous "
                f"state {_differing(part(state), part(previous_content))}, from the complete state "
                f"{_differing(part(state), part(complete))}")
        if state == previous_content:
            assert data_checksums(warehouse) == previous, f"the previous state changed {where}"
    assert killed, f"every run finished before its kill (random seed {seed}); nothing was tested"

    process = _ingest(warehouse, files, env)
    assert process.wait(timeout=600) == 0, _finish(process)
    assert content(warehouse) == complete


LINK_TABLES = ("raw_task_links", "raw_task_lineage", "raw_plan_changes", "raw_linked_plans", "raw_plan_link_state")


def _loaded(state: dict) -> dict:
    return {table: rows for table, rows in state.items() if table not in LINK_TABLES}


def _linked(state: dict) -> dict:
    return {table: rows for table, rows in state.items() if table in LINK_TABLES}


def _differing(state: dict, expected: dict) -> list[str]:
    return sorted(table for table in state.keys() | expected.keys() if state.get(table) != expected.get(table))


class _Output:
    """Collects a process's output as it arrives, noting when it says it is waiting for the lock."""

    def __init__(self, process: subprocess.Popen):
        self.lines: list[str] = []
        self.waiting = threading.Event()
        self.thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self.thread.start()

    def _read(self, process: subprocess.Popen) -> None:
        for line in process.stdout:
            self.lines.append(line)
            if WAITING in line:
                self.waiting.set()

    def text(self) -> str:
        self.thread.join()
        return "".join(self.lines)


@pytest.mark.prefect
@pytest.mark.slow
def test_two_writers_at_once_end_cleanly_and_match_a_sequential_load(env, warehouse, tmp_path, shared_plans):
    batches = ([shared_plans / name for name in NEW_PLANS[:2]], [shared_plans / name for name in NEW_PLANS[2:]])
    sequential = copy_of(warehouse, tmp_path / "sequential.duckdb")
    env = {**env, "IPPLANS_LOCK_WAIT": "300"}
    # Hold the file until both writers are queued for it, so they really compete when it is released.
    holder = duckdb.connect(str(warehouse))
    writers = [_ingest(warehouse, files, env) for files in batches]
    outputs = [_Output(process) for process in writers]
    try:
        for output in outputs:
            assert output.waiting.wait(timeout=300), "a writer went ahead while the file was held"
    finally:
        holder.close()
    for files, process, output in zip(batches, writers, outputs):
        text = output.text()
        process.wait()
        assert process.returncode == 0 or "is in use by another ipplans process" in text, text
        if process.returncode:  # it gave up cleanly: its sources are simply loaded now
            assert _ingest(warehouse, files, env).wait(timeout=600) == 0
    for files in batches:
        process = _ingest(sequential, files, env)
        assert process.wait(timeout=600) == 0, _finish(process)
    # Linking is incremental, so links depend on the order the plans arrived in (which writer won).
    # Matched again from scratch, both files must hold the same links and group the tasks into the
    # same lineages; lineage ids stay as each history gave them (ids are stable, never renumbered).
    for db in (warehouse, sequential):
        process = subprocess.Popen([IPPLANS, "link", "--rebuild", "--db", str(db)], env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert process.wait(timeout=600) == 0, _finish(process)
    without_ids = [{t: rows for t, rows in content(db).items() if t != "raw_task_lineage"}
                   for db in (warehouse, sequential)]
    assert without_ids[0] == without_ids[1]
    assert _lineage_groups(warehouse) == _lineage_groups(sequential)


def _lineage_groups(db: Path) -> set[frozenset]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        groups = con.execute("select list(plan_id || ':' || task_key) from raw_task_lineage group by lineage_id")
        return {frozenset(members) for (members,) in groups.fetchall()}
    finally:
        con.close()


def test_a_reader_that_cannot_get_the_file_fails_clearly_and_changes_nothing(warehouse):
    before = data_checksums(warehouse)
    holder = duckdb.connect(str(warehouse))
    try:
        result = subprocess.run([IPPLANS, "validate", "--db", str(warehouse)], capture_output=True, text=True,
                                env={**os.environ, "IPPLANS_LOCK_WAIT": "0.5"}, timeout=300)
    finally:
        holder.close()
    assert result.returncode == 1
    assert f"{warehouse} is in use by another ipplans process (waited" in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr
    assert data_checksums(warehouse) == before


@pytest.mark.parametrize("value, seconds", [(None, LOCK_WAIT_SECONDS), ("", LOCK_WAIT_SECONDS), ("0", 0.0),
                                            ("2.5", 2.5)])
def test_lock_wait_comes_from_the_environment(monkeypatch, value, seconds):
    if value is None:
        monkeypatch.delenv("IPPLANS_LOCK_WAIT", raising=False)
    else:
        monkeypatch.setenv("IPPLANS_LOCK_WAIT", value)
    assert lock_wait_seconds() == seconds


@pytest.mark.parametrize("value", ["soon", "-1", "nan", "inf"])
def test_a_bad_lock_wait_is_refused(monkeypatch, value):
    monkeypatch.setenv("IPPLANS_LOCK_WAIT", value)
    with pytest.raises(WarehouseError, match="IPPLANS_LOCK_WAIT must be a number of seconds"):
        lock_wait_seconds()


def _runs(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select command, outcome, message, inputs, warning_count from runs").fetchall()
    finally:
        con.close()


def test_a_run_is_recorded_with_its_inputs_outcome_and_warnings(db_path):
    con = connect(db_path)
    run_id = start_run(con, "ingest", [{"source": "O'Brien's plan.txt", "sha256": "ab12"}])
    outcome = ExpectationOutcome("document_complete", False, False, "partial document", ("ends inside task 1.9",))
    record_warnings(con, run_id, [QualityWarning("2016.showlaw.txt", "2016", outcome),
                                  {"plan_id": "2020", "source_name": "2020.gov.md", "expectation": "x",
                                   "message": "m"}])
    finish_run(con, run_id, "partial", "1 loaded, 1 failed")
    warnings = con.execute("select plan_id, source_name, expectation, message from validation_warnings "
                           "order by plan_id").fetchall()
    con.close()
    assert _runs(db_path) == [("ingest", "partial", "1 loaded, 1 failed",
                               '[{"source": "O\'Brien\'s plan.txt", "sha256": "ab12"}]', 2)]
    assert warnings == [("2016", "2016.showlaw.txt", "document_complete", "partial document: ends inside task 1.9"),
                        ("2020", "2020.gov.md", "x", "m")]


def test_finish_run_checks_the_outcome_and_the_run(db_path):
    con = connect(db_path)
    run_id = start_run(con, "run", [])
    with pytest.raises(ValueError, match="outcome must be one of ok, failed, partial"):
        finish_run(con, run_id, "succeeded", None)
    with pytest.raises(ValueError, match="no run 'nope'"):
        finish_run(con, "nope", "ok", None)
    con.close()


def test_a_started_run_survives_a_rolled_back_load(db_path):
    con = connect(db_path)
    start_run(con, "ingest", [{"source": "2020.gov.md", "sha256": None}])
    with pytest.raises(RuntimeError), transaction(con):
        con.execute("insert into raw_plans (plan_id, period_start, period_end, complete) values ('x', 1, 1, true)")
        raise RuntimeError("the load failed")
    assert con.execute("select count(*) from raw_plans").fetchall() == [(0,)]
    con.close()
    assert [row[:2] for row in _runs(db_path)] == [("ingest", "unfinished")]


def test_a_run_killed_before_it_finished_stays_unfinished(db_path):
    script = ("import os, signal, sys; from warehouse.connection import connect; from warehouse.runs import start_run; "
              "con = connect(sys.argv[1]); start_run(con, 'ingest', []); "
              "con.execute('begin transaction'); con.execute('delete from raw_runs'); "
              "os.kill(os.getpid(), signal.SIGKILL)")
    process = subprocess.run([sys.executable, "-c", script, str(db_path)], timeout=300)
    assert process.returncode == -signal.SIGKILL
    assert [row[:2] for row in _runs(db_path)] == [("ingest", "unfinished")]
