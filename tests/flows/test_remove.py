"""`ipplans remove SOURCE`: afterwards the warehouse equals one where the file was never loaded."""

from __future__ import annotations

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.commands import register_all

register_all(app)
pytestmark = pytest.mark.prefect

# What a reader sees, lineage ids left out (they stay stable, so they may differ from a fresh history).
VIEWS = {
    "plans": "select * from plans",
    "sources": "select source_name, plan_id, sha256, format, script, task_count, complete from sources",
    "sections": "select * from sections",
    "tasks": "select * from tasks",
    "source_differences": "select * from source_differences",
    "task_departments": "select * exclude (lineage_id) from task_departments",
    "task_links": "select from_plan, from_task_key, to_plan, to_task_key, kind, score from task_links",
    "plan_changes": "select * from plan_changes",
}


def invoke(*args):
    return CliRunner().invoke(app, [str(arg) for arg in args], catch_exceptions=False)


def snapshot(db) -> dict[str, list]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {name: sorted(map(repr, con.execute(sql).fetchall())) for name, sql in VIEWS.items()}
    finally:
        con.close()


def ingest(db, files) -> None:
    result = invoke("ingest", *files, "--db", db)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("removed", ["2015.law-bridge.txt", "2021-2022.izubei.txt"])
def test_removing_a_source_leaves_what_a_warehouse_without_it_holds(prefect_server, tmp_path, shared_plans, removed):
    """A plan's only copy (2015: the plan goes) and one of two copies (2021-2022: merged from the other)."""
    files = sorted(p for p in shared_plans.iterdir() if p.suffix in (".txt", ".md") and p.name != "README.md")
    never, loaded = tmp_path / "never" / "w.duckdb", tmp_path / "loaded" / "w.duckdb"
    ingest(never, [f for f in files if f.name != removed])
    ingest(loaded, files)
    assert snapshot(loaded) != snapshot(never)

    result = invoke("remove", removed, "--db", loaded)
    assert result.exit_code == 0, result.output
    assert f"removed  {removed}" in result.output
    assert snapshot(loaded) == snapshot(never)
    con = duckdb.connect(str(loaded), read_only=True)
    try:
        assert con.execute("select command, outcome from runs order by started_at desc limit 1").fetchall() == [
            ("remove", "ok")]
    finally:
        con.close()


def test_removing_an_unknown_source_fails_clearly_and_changes_nothing(prefect_server, tmp_path, shared_plans):
    db = tmp_path / "w.duckdb"
    ingest(db, [shared_plans / "2016.showlaw.txt"])
    before = snapshot(db)
    result = CliRunner().invoke(app, ["remove", "nosuch.txt", "--db", str(db)])
    assert result.exit_code == 1
    assert "no source named 'nosuch.txt'" in result.output and "Traceback" not in result.output
    assert snapshot(db) == before
