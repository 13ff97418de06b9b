"""`ipplans run` end to end: bundled sample + ../shared/plans + the inbox, on a fresh DuckDB file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.commands import register_all
from tests.flows.conftest import PLAN_2019

register_all(app)
IPPLANS = str(Path(sys.executable).with_name("ipplans"))
pytestmark = pytest.mark.prefect


def invoke(*args):
    return CliRunner().invoke(app, [str(arg) for arg in args], catch_exceptions=False)


def test_run_loads_links_reports_and_then_has_nothing_to_do(prefect_server, tmp_path, shared_plans):
    db, out = tmp_path / "data" / "ipplans.duckdb", tmp_path / "reports"
    (db.parent / "inbox").mkdir(parents=True)
    (db.parent / "inbox" / "2019.txt").write_text(PLAN_2019, encoding="utf-8")

    first = invoke("run", "--db", db, "--out", out)
    assert first.exit_code == 0, first.output
    assert "inputs: 1 bundled sample, 5 shared plans, 1 inbox" in first.output
    assert "loaded    2019.txt → plan 2019 (3 tasks)" in first.output
    assert "plans loaded: 5, tasks: 125" in first.output  # 2015, 2016, 2019, 2020, 2021-2022
    assert "links: " in first.output and "lineages: " in first.output
    assert f"reports: {out}" in first.output and any(out.glob("*.html"))
    assert f"2019.txt → {db.parent / 'inbox' / 'processed' / '2019.txt'}" in first.output

    second = invoke("run", "--db", db, "--out", out)
    assert second.exit_code == 0, second.output
    assert "nothing new: 6 inputs unchanged, links and reports current" in second.output
    assert "no flow run" in second.output
    runs = query(db, "select command, outcome, message from runs order by started_at")
    assert [(command, outcome) for command, outcome, _ in runs] == [("run", "ok"), ("run", "ok")]
    assert runs[-1][2].startswith("nothing new")


def test_a_run_after_nothing_new_imports_neither_prefect_nor_gx_nor_the_matcher(prefect_server, tmp_path,
                                                                               shared_plans):
    db, out = tmp_path / "data" / "ipplans.duckdb", tmp_path / "reports"
    assert invoke("run", "--db", db, "--out", out).exit_code == 0
    env = {key: value for key, value in os.environ.items() if key != "PREFECT_API_URL"}
    env.pop("IPPLANS_TEMPORARY_SERVER", None)  # it must not matter: no server is asked for
    again = subprocess.run([sys.executable, "-X", "importtime", IPPLANS, "run", "--db", str(db), "--out", str(out)],
                           capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "nothing new" in again.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in again.stderr.splitlines() if "|" in line}
    assert not {"prefect", "great_expectations", "transforms.matching.matcher", "transforms.reports", "pandas"} & imported


def test_reports_are_rebuilt_when_an_ingest_loaded_after_them(prefect_server, tmp_path, shared_plans):
    db, out = tmp_path / "data" / "ipplans.duckdb", tmp_path / "reports"
    assert invoke("run", "--db", db, "--out", out).exit_code == 0
    plan = tmp_path / "2019.txt"
    plan.write_text(PLAN_2019, encoding="utf-8")
    assert invoke("ingest", plan, "--db", db).exit_code == 0  # links, but writes no reports

    again = invoke("run", "--db", db, "--out", out)
    assert again.exit_code == 0, again.output
    assert "no flow run" not in again.output and f"reports: {out}" in again.output
    assert "2016_2019.html" in {path.name for path in out.iterdir()}


def query(db, sql):
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()
