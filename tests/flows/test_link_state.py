"""Links follow the data: a run matches again when tasks or curated overrides changed since the
last matching, also when nothing new was ingested (a run killed between load and link, an edit
to the overrides file), and not otherwise."""

from __future__ import annotations

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.commands import register_all
from tests.expectations.helpers import load_files

register_all(app)


def ingest(db, *paths):
    return CliRunner().invoke(app, ["ingest", *map(str, paths), "--db", str(db)], catch_exceptions=False)


def links(db) -> set[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return set(con.execute("select from_plan, from_task_no, to_plan, to_task_no from task_links").fetchall())
    finally:
        con.close()


@pytest.mark.prefect
def test_loaded_but_never_linked_plans_are_linked_by_the_next_clean_run(prefect_server, db_path, shared_plans):
    files = [shared_plans / "2016.showlaw.txt", shared_plans / "2020.gov.md"]
    load_files(db_path, *files)  # as if a run died after its load
    assert links(db_path) == set()
    result = ingest(db_path, *files)
    assert result.exit_code == 0, result.output
    assert "unchanged 2016.showlaw.txt" in result.output
    assert ("2016", 2, "2020", 23) in links(db_path)


@pytest.mark.prefect
def test_an_edited_overrides_file_is_applied_without_new_data(prefect_server, db_path, shared_plans):
    files = [shared_plans / "2016.showlaw.txt", shared_plans / "2020.gov.md"]
    assert ingest(db_path, *files).exit_code == 0
    assert ("2016", 2, "2020", 23) in links(db_path)
    (db_path.parent / "link_overrides.csv").write_text(
        "from_plan,from_task,to_plan,to_task,decision,note\n2016,2,2020,23,reject,reviewed: different task\n",
        encoding="utf-8")
    result = ingest(db_path, *files)
    assert result.exit_code == 0, result.output
    assert ("2016", 2, "2020", 23) not in links(db_path)
    again = ingest(db_path, *files)
    assert again.exit_code == 0, again.output
    assert "links and reports current" in again.output  # nothing new: the rejection stays applied
    assert ("2016", 2, "2020", 23) not in links(db_path)
