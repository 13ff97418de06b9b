"""Hardening: `ipplans sql` cannot write or reach outside files, and no value is pasted into SQL or a shell.

(Hostile inputs to ingest, including fetched pages that are too large or redirect to file://, are in
test_corpus.py.)
"""

from __future__ import annotations

import ast

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.commands import register_all
from tests.conftest import ROOT, warehouse_checksums

register_all(app)

# {target} is a path in the test's tmp_path that the statement would create if it were allowed
REFUSED = {
    "insert": "insert into raw_plans (plan_id, period_start, period_end, complete) values ('x', 2020, 2020, true)",
    "update": "update raw_tasks set text = ''",
    "create table": "create table evil as select 1",
    "drop after a select": "select 1; drop table raw_tasks",
    "copy to a file": "copy (select * from tasks) to '{target}'",
    "export database": "export database '{target}'",
    "attach a file": "attach '{target}' as other",
    "install an extension": "install httpfs",
    "load an extension": "load httpfs",
    "re-enable outside files": "set enable_external_access = true",
    "read an outside file": "select * from read_text('/etc/passwd')",
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_sql_refuses_writes_and_outside_files(preloaded_db, tmp_path, name):
    target = tmp_path / "escaped"
    before = warehouse_checksums(preloaded_db)
    result = CliRunner().invoke(app, ["sql", REFUSED[name].format(target=target), "--db", str(preloaded_db)])
    assert result.exit_code == 1
    assert "query failed" in result.output + str(result.exception)
    assert warehouse_checksums(preloaded_db) == before
    assert not target.exists()


def test_sql_still_reads_the_views_including_json(preloaded_db):
    result = CliRunner().invoke(app, ["sql", "select count(*) as n, json_array_length('[1, 2]') as j from tasks",
                                      "--db", str(preloaded_db), "--csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["n,j", "100,2"]


# Identifiers may be interpolated: variables holding table or column names or fixed clauses, and
# UPPER_CASE module constants (e.g. ', '.join(LINK_COLUMNS)). Anything else is a value.
IDENTIFIERS = {"table", "view", "where", "column", "columns"}
PACKAGES = ("flows", "sources", "transforms", "warehouse", "expectations")
SQL_METHODS = {"execute", "sql", "query"}


def _interpolated(call: ast.Call) -> list[ast.expr]:
    first = call.args[0] if call.args else None
    if isinstance(first, ast.JoinedStr):
        return [part.value for part in first.values if isinstance(part, ast.FormattedValue)]
    if isinstance(first, (ast.BinOp, ast.Call)):  # "..." + name, "...".format(...), "..." % (...)
        return [first]
    return []


def _is_identifier(expression: ast.expr) -> bool:
    names = [node.id for node in ast.walk(expression) if isinstance(node, ast.Name)]
    return bool(names) and all(name in IDENTIFIERS or name.isupper() for name in names)


def test_no_value_is_pasted_into_sql_or_a_shell():
    problems = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name in SQL_METHODS:
                    problems += [f"{where}: {ast.unparse(value)} in SQL" for value in _interpolated(node)
                                 if not _is_identifier(value)]
                if any(keyword.arg == "shell" for keyword in node.keywords) or name in ("system", "popen"):
                    problems.append(f"{where}: shell command")
    assert problems == [], "pass values as parameters (?), never inside the SQL or a shell command"
