"""The link-plans flow and `ipplans link`: a new year is linked against the lineages already in the
warehouse, the links between the plans before it stay exactly as written, and --rebuild matches
everything again. Real flows on the session's Prefect server, a real DuckDB file."""

from __future__ import annotations

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.commands import register_all
from tests.expectations.helpers import content

register_all(app)
EARLIER = ("2015.law-bridge.txt", "2016.showlaw.txt", "2020.gov.md")


def invoke(*args):
    return CliRunner().invoke(app, [*map(str, args)], catch_exceptions=False)


def stored_links(db, to_plans: tuple[str, ...]) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select * from raw_task_links where list_contains(?, to_plan) "
                           "order by to_plan, to_task_key, from_plan, from_task_key", [list(to_plans)]).fetchall()
    finally:
        con.close()


def linked_plans(db) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [row[0] for row in con.execute("select plan_id from raw_linked_plans order by position").fetchall()]
    finally:
        con.close()


@pytest.fixture
def linked(prefect_server, db_path, shared_plans):
    """A warehouse with 2015, 2016 and 2020 ingested and linked."""
    result = invoke("ingest", *(shared_plans / name for name in EARLIER), "--db", db_path)
    assert result.exit_code == 0, result.output
    assert "matched  2016, 2020 (all from scratch)" in result.output
    return db_path


@pytest.mark.prefect
def test_a_new_year_is_linked_against_the_existing_lineages(linked, shared_plans):
    before = stored_links(linked, ("2016", "2020"))
    assert before  # the earlier plans do link
    result = invoke("ingest", shared_plans / "2021-2022.cnipa.txt", "--db", linked)
    assert result.exit_code == 0, result.output
    assert "matched  2021-2022 (3 plans kept as linked before)" in result.output
    assert stored_links(linked, ("2016", "2020")) == before
    assert stored_links(linked, ("2021-2022",))  # 2020's first task continues into 2021-2022
    assert linked_plans(linked) == ["2015", "2016", "2020", "2021-2022"]


@pytest.mark.prefect
def test_link_with_nothing_new_keeps_everything_and_changes_nothing(linked):
    before = content(linked)
    result = invoke("link", "--db", linked)
    assert result.exit_code == 0, result.output
    assert "matched  nothing new" in result.output
    assert content(linked) == before


@pytest.mark.prefect
def test_rebuild_matches_every_plan_again_to_the_same_result(linked):
    before = content(linked)
    result = invoke("link", "--rebuild", "--db", linked)
    assert result.exit_code == 0, result.output
    assert "matched  2016, 2020 (all from scratch)" in result.output
    assert content(linked) == before  # the same plans, matched from scratch: the same links and ids


@pytest.mark.prefect
def test_link_on_a_missing_warehouse_fails_clearly(prefect_server, tmp_path):
    result = CliRunner().invoke(app, ["link", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code != 0
    assert "none.duckdb" in result.output
