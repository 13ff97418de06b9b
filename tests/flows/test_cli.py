"""The `ipplans` command line: read-only commands, and ingest refusing bad input.

Ingest runs the real Prefect flow (session server from conftest) into a real DuckDB
file; every refusal must name the file, exit non-zero and leave the warehouse as it was.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.commands import register_all
from sources.read import read_source
from tests.conftest import warehouse_checksums
from sources.inputs import bundled_sample
from tests.expectations.helpers import link_files, load_files, plan_text
from tests.flows.prefect_runs import latest_run_tree
from transforms.parse import parse_plan
from warehouse.connection import connect
from warehouse.load import load_plan

register_all(app)
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(arg) for arg in args], catch_exceptions=False)


@pytest.fixture
def loaded_db(db_path, shared_plans):
    con = connect(db_path)
    for name in ("2020.gov.md", "2021-2022.cnipa.txt", "2021-2022.izubei.txt"):
        load_plan(con, parse_plan(read_source(shared_plans / name)))
    con.close()
    link_files(db_path)  # as a run leaves it: a plan loaded but not linked would be linked first by the next run
    return db_path


def test_plans_lists_each_plan_once(loaded_db):
    result = invoke("plans", "--db", loaded_db, "--csv")
    assert result.exit_code == 0
    assert [line.split(",")[:3] for line in result.output.splitlines()[1:]] == [
        ["2020", "2020年深入实施国家知识产权战略加快建设知识产权强国推进计划", "国知战联办〔2020〕5号"],
        ["2021-2022", "知识产权强国建设纲要和“十四五”规划实施年度推进计划", "国知战联办〔2021〕16号"]]


def test_tasks_of_a_plan(loaded_db):
    result = invoke("tasks", "2020", "--db", loaded_db, "--csv")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 101 and lines[-1].startswith("5.3.100,100,依托全国科技活动周")


def test_tasks_of_an_unknown_plan_fails(loaded_db):
    result = invoke("tasks", "1999", "--db", loaded_db)
    assert result.exit_code == 1


def test_sql_answers_queries_on_the_views(loaded_db):
    result = invoke("sql", "select plan_id, task_count, complete from plans order by plan_id", "--db", loaded_db, "--csv")
    assert result.exit_code == 0
    assert result.output.splitlines() == ["plan_id,task_count,complete", "2020,100,True", "2021-2022,2,False"]


@pytest.mark.parametrize("statement", [
    "insert into raw_plans (plan_id, period_start, period_end, complete) values ('x', 1, 1, true)",
    "delete from raw_tasks",
    "create table evil as select 1",
    "copy (select 1) to '/tmp/ipplans-evil.csv'",
    "select * from read_csv('/etc/passwd')",
])
def test_sql_refuses_writes_and_outside_files(loaded_db, statement):
    before = warehouse_checksums(loaded_db)
    result = invoke("sql", statement, "--db", loaded_db)
    assert result.exit_code == 1
    assert warehouse_checksums(loaded_db) == before


def test_sources_shows_both_copies(loaded_db):
    result = invoke("sources", "2021-2022", "--db", loaded_db, "--csv")
    assert result.exit_code == 0
    assert [line.split(",")[:4] for line in result.output.splitlines()[1:]] == [
        ["2021-2022.cnipa.txt", "2021-2022", "txt", "simplified"],
        ["2021-2022.izubei.txt", "2021-2022", "txt", "traditional"]]


def test_sources_csv_is_one_table_and_differences_are_a_flag_away(db_path, tmp_path):
    # a mirror whose name holds a terminal escape code, reading one task differently (same document number)
    mirror = tmp_path / "2020.\x1b[31mred.md"
    mirror.write_text(plan_text().replace("全面改革创新试验", "全面创新改革试验"), encoding="utf-8")
    load_files(db_path, bundled_sample(), mirror)
    link_files(db_path)
    listed = runner.invoke(app, ["sources", "--db", str(db_path), "--csv"])
    assert listed.exit_code == 0
    assert listed.stdout.splitlines()[0].startswith("source_name,plan_id") and len(listed.stdout.splitlines()) == 3
    assert "\x1b" not in listed.stdout and "2020.\\x1b[31mred.md,2020" in listed.stdout
    assert "copies differ in 1 tasks: see `ipplans sources --differences --csv`" in listed.stderr
    differences = runner.invoke(app, ["sources", "--differences", "--db", str(db_path), "--csv"])
    header, row = differences.stdout.splitlines()
    assert header == "plan_id,task_key,source_a,source_b,diff"
    assert row.startswith("2020,") and "全面{+创新+}改革[-创新-]试验" in row and "\\x1b[31mred.md" in row


def test_read_commands_without_a_warehouse_fail_clearly(tmp_path):
    result = runner.invoke(app, ["plans", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert "no warehouse" in str(result.exception) + result.output


def _bad_inputs(tmp_path, shared_plans) -> dict:
    text = (shared_plans / "2020.gov.md").read_text(encoding="utf-8")
    duplicated = text.replace("13. 研究启动", "12. 研究启动")
    files = {
        "empty.txt": b"",
        "binary.txt": bytes(range(256)) * 40,
        "undecodable.txt": b"\xff\xfe\xfd" + "计划".encode("utf-16-le") * 3 + b"\x80\x81",
        "noplan.html": "<html><body><nav>首页</nav><p>这是一条新闻。</p><p>没有计划。</p></body></html>".encode(),
        "notasks.txt": "2020年推进计划\n本文是一篇评论，没有编号的任务。\n".encode(),
        "duplicate.md": duplicated.encode("utf-8"),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    return {name: tmp_path / name for name in files}


PROBLEMS = {
    "empty.txt": "the file is empty",
    "binary.txt": "binary content",
    "undecodable.txt": "undecodable text|binary content",
    "noplan.html": "no numbered tasks|no main text",
    "notasks.txt": "no numbered tasks",
    "duplicate.md": "duplicate task number 12",
}


@pytest.mark.prefect
@pytest.mark.parametrize("name", list(PROBLEMS))
def test_ingest_refuses_bad_input_and_leaves_the_warehouse_unchanged(prefect_server, loaded_db, tmp_path,
                                                                    shared_plans, name):
    bad = _bad_inputs(tmp_path, shared_plans)[name]
    before = warehouse_checksums(loaded_db)
    result = invoke("ingest", bad, "--db", loaded_db)
    assert result.exit_code == 1
    assert f"FAILED   {name}: " in result.output
    assert any(p in result.output for p in PROBLEMS[name].split("|"))
    assert warehouse_checksums(loaded_db) == before


@pytest.mark.prefect
def test_one_bad_file_does_not_stop_the_good_ones(prefect_server, db_path, tmp_path, shared_plans):
    bad = _bad_inputs(tmp_path, shared_plans)
    result = invoke("ingest", bad["empty.txt"], shared_plans / "2016.showlaw.txt", "--db", db_path)
    assert result.exit_code == 1
    assert "FAILED   empty.txt: the file is empty" in result.output
    assert "loaded    2016.showlaw.txt" in result.output
    con = connect(db_path)
    assert con.execute("select plan_id from plans").fetchall() == [("2016",)]
    con.close()


@pytest.mark.prefect
def test_strict_loads_nothing_when_one_file_fails(prefect_server, loaded_db, tmp_path, shared_plans):
    bad = _bad_inputs(tmp_path, shared_plans)
    before = warehouse_checksums(loaded_db)
    result = invoke("ingest", shared_plans / "2016.showlaw.txt", bad["duplicate.md"], "--db", loaded_db, "--strict")
    assert result.exit_code == 1
    assert warehouse_checksums(loaded_db) == before


@pytest.mark.prefect
def test_ingest_loads_every_shared_plan(prefect_server, db_path, shared_plans):
    files = sorted(p for p in shared_plans.iterdir() if p.suffix in (".md", ".txt") and p.name != "README.md")
    result = invoke("ingest", *files, "--db", db_path)
    assert result.exit_code == 0, result.output
    con = connect(db_path)
    assert con.execute("select plan_id, source_count from plans order by period_start").fetchall() == \
        [("2015", 1), ("2016", 1), ("2020", 1), ("2021-2022", 2)]
    con.close()


@pytest.mark.prefect
def test_ingest_is_one_flow_run_with_the_link_inside(prefect_server, loaded_db, shared_plans):
    result = invoke("ingest", shared_plans / "2016.showlaw.txt", "--db", loaded_db)
    assert result.exit_code == 0, result.output
    assert "links:" in result.output
    assert latest_run_tree() == (("ingest", "COMPLETED"), [("link", "COMPLETED")])


@pytest.mark.prefect
def test_a_failed_link_fails_the_ingest_run_and_the_loads_stand(prefect_server, loaded_db, shared_plans,
                                                                 monkeypatch):
    import flows.link
    from prefect import task

    @task(name="match")
    def match_that_fails(*args, **kwargs):  # the cause is beside the point: how the runs report it is
        raise MemoryError("the matcher ran out of memory")

    monkeypatch.setattr(flows.link, "match_task", match_that_fails)
    result = invoke("ingest", shared_plans / "2016.showlaw.txt", "--db", loaded_db)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "link: the matcher ran out of memory" in result.output
    assert latest_run_tree() == (("ingest", "FAILED"), [("link", "FAILED")])
    con = connect(loaded_db)
    assert con.execute("select plan_id, linked from plans order by period_start").fetchall() == \
        [("2016", False), ("2020", True), ("2021-2022", True)]
    con.close()


@pytest.mark.prefect
def test_two_different_files_with_one_name_are_not_silently_merged(prefect_server, db_path, tmp_path, shared_plans):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "plan.txt").write_bytes((shared_plans / "2016.showlaw.txt").read_bytes())
    (tmp_path / "b" / "plan.txt").write_bytes((shared_plans / "2020.gov.md").read_bytes())
    result = invoke("ingest", tmp_path / "a" / "plan.txt", tmp_path / "b" / "plan.txt", "--db", db_path)
    assert result.exit_code == 1
    assert "another file in this run has the same name" in result.output
    con = connect(db_path)
    assert con.execute("select plan_id from plans").fetchall() == [("2016",)]
    con.close()
