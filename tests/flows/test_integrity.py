"""Integrity through the real `ipplans` command (real Prefect flows, real GX, a real DuckDB file):
copies that merge task by task, files that only claim a year, a commit that fails, and names that
try to forge output lines."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.commands import register_all
from flows.steps import bundled_sample
from tests import plan_copies
from tests.conftest import warehouse_checksums
from tests.expectations.helpers import load_files

register_all(app)
IPPLANS = str(Path(sys.executable).with_name("ipplans"))
pytestmark = pytest.mark.prefect


def invoke(*args):
    return CliRunner().invoke(app, [str(arg) for arg in args], env={"COLUMNS": "300"})


def query(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.gx
def test_a_copy_and_an_anonymous_file_beside_the_plan(prefect_server, db_path, tmp_path):
    copy = write(tmp_path, "2020.copy.md", plan_copies.without_heading())
    anonymous = write(tmp_path, "2020.x.txt", plan_copies.unrelated_tasks())
    result = invoke("ingest", bundled_sample(), copy, anonymous, "--db", db_path)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert ("FAILED   2020.x.txt: 2020.gov.md holds another plan for 2020 (this file states neither the same "
            "document number nor the same title); refused as another plan claiming 2020") in result.output
    assert query(db_path, "select task_count, source_count from plans") == [(100, 2)]
    assert query(db_path, "select count(distinct task_no), min(from_source), max(from_source) from tasks") == [
        (100, "2020.gov.md", "2020.gov.md")]
    validated = invoke("validate", "--db", db_path)
    assert validated.exit_code == 0, validated.output


def test_a_commit_that_fails_reports_nothing_loaded_and_links_nothing(prefect_server, tmp_path, shared_plans):
    db = tmp_path / "warehouse.duckdb"
    load_files(db, shared_plans / "2016.showlaw.txt")
    before = warehouse_checksums(db)
    # the file-size limit lets the run record through, and makes the load's commit fail (as a full disk
    # would): DuckDB cannot write its log
    limit_kib = 200
    env = {**os.environ, "PREFECT_API_URL": prefect_server}
    done = subprocess.run(["bash", "-c", f'ulimit -f {limit_kib}; exec "$@"', "ipplans", IPPLANS, "ingest",
                           str(bundled_sample()), "--db", str(db)],
                          env=env, capture_output=True, text=True, timeout=600)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "Traceback" not in output
    assert "FAILED   2020.gov.md: not written to the warehouse" in output
    assert "loaded    2020.gov.md" not in output and "0 loaded, 0 unchanged, 1 failed" in output
    assert "matched" not in output  # no link step
    assert warehouse_checksums(db) == before
    runs = query(db, "select outcome, message from runs order by started_at")
    assert all("1 sources loaded" not in (message or "") for _, message in runs)


def test_names_that_could_forge_or_hide_lines_are_shown_escaped(prefect_server, db_path, tmp_path):
    forged = "x\n  loaded    2020.gov.md → plan 2020 (100 tasks)\n\x1b[2K.md"
    bad = write(tmp_path, forged, "no plan here\n")
    result = invoke("ingest", bad, "--db", db_path)
    assert result.exit_code == 1
    assert "\x1b" not in result.output
    lines = result.output.splitlines()
    assert not any(line.startswith("  loaded") for line in lines)
    assert any(line.startswith("  FAILED   x\\n  loaded    2020.gov.md") and "\\x1b[2K.md" in line for line in lines)
