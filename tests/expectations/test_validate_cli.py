"""`ipplans validate` on a warehouse: exit 1 on a blocking failure, the Data Docs, clear refusals."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.commands import register_all
from tests.expectations.test_data_docs import check_offline_site

pytestmark = pytest.mark.gx
register_all(app)


def invoke(*args):
    return CliRunner().invoke(app, [str(arg) for arg in args], env={"COLUMNS": "300"})


def _squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)  # rich may wrap long lines


def test_validate_fails_on_a_blocking_problem_in_the_warehouse(preloaded_db):
    con = duckdb.connect(str(preloaded_db))
    con.execute("update raw_source_tasks set text = text || '《' where task_key = '3.2.60'")
    con.close()
    result = invoke("validate", "2020", "--db", preloaded_db)
    assert result.exit_code == 1
    assert _squashed("FAILED │ a task has an unbalanced 《》: task 3.2.60") in _squashed(result.output)


def test_validate_builds_the_data_docs(preloaded_db):
    result = invoke("validate", "--db", preloaded_db, "--docs")
    assert result.exit_code == 0, result.output
    index = Path(_squashed(result.output).split("DataDocs:")[1])
    assert index.name == "index.html" and index.is_file()
    assert index == preloaded_db.parent / "gx" / "data_docs" / "local_site" / "index.html"
    check_offline_site(index)  # every style and script the pages load is a file inside the site


def test_validate_an_unknown_plan_fails(preloaded_db):
    assert invoke("validate", "1999", "--db", preloaded_db).exit_code == 1


def test_validate_without_a_warehouse_fails_clearly(tmp_path):
    result = invoke("validate", "--db", tmp_path / "none.duckdb")
    assert result.exit_code == 1
    assert "no warehouse" in str(result.exception) + result.output
