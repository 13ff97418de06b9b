"""`ipplans search` (and `ipplans history`) on a real warehouse of the shared plans."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.commands import register_all
from tests.transforms.reports.real_warehouse import build_real_warehouse

register_all(app)
runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory, shared_plans):
    return build_real_warehouse(tmp_path_factory.mktemp("analysis-cli") / "w.duckdb", shared_plans)


def invoke(*args):
    return runner.invoke(app, [str(arg) for arg in args], catch_exceptions=False)


def test_search_csv_ranks_the_named_document_first(db):
    result = invoke("search", "專利法", "--db", db, "--csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["plan_id"], r["task_no"], r["match"]) for r in rows] == [
        ("2016", "1", "phrase"), ("2020", "22", "document"), ("2021-2022", "1", "phrase")]
    assert {r["lineage_id"] for r in rows} == {rows[0]["lineage_id"]} and rows[0]["rank"] == "1"
    assert "【《专利法》】" in rows[1]["highlighted"]


def test_search_json_groups_by_lineage(db):
    result = invoke("search", "商业秘密", "--db", db, "--json")
    assert result.exit_code == 0
    groups = json.loads(result.output)
    tasks = sorted((hit["plan_id"], hit["task_no"]) for group in groups for hit in group["hits"])
    assert tasks == [("2020", 24), ("2020", 44), ("2021-2022", 1)]
    hit = next(hit for group in groups for hit in group["hits"] if hit["task_no"] == 44)
    assert [hit["text"][s:e] for s, e in hit["highlights"]] == ["商业秘密", "商业秘密"]
    assert hit["departments"] == ["市场监管总局"] and hit["department_lines"] == ["samr"]


def test_search_table_names_the_lines_of_work(db):
    result = invoke("search", "商业秘密", "--department", "工商总局", "--db", db)
    assert result.exit_code == 0
    assert "2 tasks in 2 lines of work" in result.output


def test_search_errors_are_clear(db, tmp_path):
    for args, message in ((["--department", "不存在的部门"], "no department is called"),
                          (["--csv", "--json"], "not both")):
        result = invoke("search", "商业秘密", "--db", db, *args)
        assert result.exit_code == 1 and message in result.output
    result = invoke("search", "商业秘密", "--db", tmp_path / "missing.duckdb")
    assert result.exit_code == 1 and "no warehouse" in result.output


def test_search_imports_neither_prefect_nor_great_expectations(db):
    import subprocess
    import sys

    code = ("import sys; from flows.cli import main; sys.argv = ['ipplans', 'search', '商业秘密', '--csv', "
            f"'--db', {str(db)!r}]\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'prefect', 'great_expectations'}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines()[-1] == "[]"


def test_history_json_follows_the_line_through_the_plans(db):
    result = invoke("history", "2016:1", "--db", db, "--json")
    assert result.exit_code == 0
    found = json.loads(result.output)
    assert [(a["plan_id"], a["task_no"], a["stage"]) for a in found["appearances"]] == [
        ("2016", 1, "推进"), ("2020", 22, "推进"), ("2021-2022", 1, "推进")]
    assert found["appearances"][1]["lead_department"] == "市场监管总局"
    assert {"op": "del", "text": "积极推进"} in found["appearances"][1]["removed_from_previous"]
    assert [y["status"] for y in found["years"]] == ["present", "not_loaded", "not_loaded", "not_loaded",
                                                     "present", "present"]


def test_history_table_marks_the_advance_and_the_gaps(db):
    result = runner.invoke(app, ["history", "2016:4", "--db", str(db)], env={"COLUMNS": "160"})
    assert result.exit_code == 0
    assert "推进 ↑" in result.output and "农业部 (农业农村部)" in result.output
    assert "2017       no plan loaded" in result.output
    assert "2021-2022  not in the part loaded (partial plan)" in result.output


def test_history_of_an_unknown_task_fails_cleanly(db):
    result = invoke("history", "2016:99", "--db", db)
    assert result.exit_code == 1 and "no task 99 in plan '2016'" in result.output


def test_search_out_writes_a_report_page_beside_the_reports(db, tmp_path):
    result = invoke("search", "商业秘密", "--db", db, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["search_商业秘密.html", "search_商业秘密.md"]
    html = (tmp_path / "search_商业秘密.html").read_text(encoding="utf-8")
    assert html.count("<mark>商业秘密</mark>") == 4  # 2020:24 once, 2020:44 twice, 2021-2022:1 once
    assert 'href="lineages/' in html  # 2021-2022:1 continues the patent-law line: its history page
