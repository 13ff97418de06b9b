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
from sources.inputs import bundled_sample
from tests import plan_copies
from tests.conftest import warehouse_checksums
from tests.expectations.helpers import copy_of, link_files, load_files, query, write
from tests.flows.prefect_runs import latest_run_tree

register_all(app)
IPPLANS = str(Path(sys.executable).with_name("ipplans"))
pytestmark = pytest.mark.prefect


def invoke(*args):
    return CliRunner().invoke(app, [str(arg) for arg in args], env={"COLUMNS": "300"})


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


def _large_plan(sections: int = 5, sub_sections: int = 10, tasks: int = 60) -> str:
    """A plan of sections × sub-sections × tasks, numbered from 1 in each sub-section."""
    numerals = "一二三四五六七八九十"
    lines = ["# 2020年深入实施国家知识产权战略加快建设知识产权强国推进计划", ""]
    for s in range(sections):
        lines += [f"{numerals[s]}、第{s + 1}部分工作", ""]
        for k in range(sub_sections):
            lines += [f"（{numerals[k]}）第{s + 1}部分第{k + 1}方面", ""]
            lines += [f"{n}. 推进第{s + 1}部分第{k + 1}方面第{n}项工作，完善相关机制，加强统筹协调。（知识产权局负责）\n"
                      for n in range(1, tasks + 1)]
    return "\n".join(lines)


def _log_bytes_of_one_open(db: Path, scratch: Path) -> int:
    """How much DuckDB logs when ipplans opens this warehouse for writing (it updates the views)."""
    from warehouse.connection import connect

    copy = copy_of(db, scratch / "measure.duckdb")
    log = scratch / "measure.duckdb.wal"
    con = connect(copy)
    try:
        return log.stat().st_size if log.exists() else 0  # nothing logged when the schema is current
    finally:
        con.close()


def test_a_commit_that_fails_reports_nothing_loaded_and_links_nothing(prefect_server, tmp_path, shared_plans):
    db = tmp_path / "warehouse.duckdb"
    load_files(db, shared_plans / "2016.showlaw.txt")
    link_files(db)
    before = warehouse_checksums(db)
    plan = write(tmp_path, "2020.large.md", _large_plan())
    # A file-size limit (as a full disk would) that lets the run's few small writes through and makes the
    # load's commit fail: DuckDB cannot write the log of 3000 tasks.
    limit_kib = (4 * _log_bytes_of_one_open(db, tmp_path) + 64 * 1024) // 1024
    env = {**os.environ, "PREFECT_API_URL": prefect_server}
    done = subprocess.run(["bash", "-c", f'ulimit -f {limit_kib}; exec "$@"', "ipplans", IPPLANS, "ingest",
                           str(plan), "--db", str(db)], env=env, capture_output=True, text=True, timeout=600)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "Traceback" not in output
    assert "FAILED   2020.large.md: not written to the warehouse" in output, output
    assert "loaded    2020.large.md" not in output and "0 loaded, 0 unchanged, 1 failed" in output
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


def _plans_linked(db: Path) -> list[str]:
    result = invoke("plans", "--db", db, "--csv")
    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()
    column = header.split(",").index("linked")
    return [",".join([row.split(",")[0], row.split(",")[column]]) for row in rows]


@pytest.mark.gx
def test_any_command_that_reads_links_a_half_done_plan_first(prefect_server, db_path, shared_plans):
    load_files(db_path, shared_plans / "2016.showlaw.txt", bundled_sample())  # what a kill before the link leaves
    assert _plans_linked(db_path) == ["2016,False", "2020,False"]  # plans shows the state, repairs nothing
    listed = invoke("tasks", "2016", "--db", db_path, "--csv")
    assert listed.exit_code == 0 and "Traceback" not in listed.output
    assert ("plans 2016, 2020 were loaded but not linked (a run stopped before its link step): linking them "
            "first") in listed.stderr
    assert listed.stdout.startswith("task_key,task_no,text")  # the CSV itself stays data
    assert _plans_linked(db_path) == ["2016,True", "2020,True"]
    again = invoke("sql", "select count(*) from task_links", "--db", db_path, "--csv")
    assert again.exit_code == 0 and "linking them first" not in again.stderr


@pytest.mark.gx
def test_a_plan_loaded_but_not_linked_is_shown_failed_and_linked_by_the_next_run(prefect_server, db_path,
                                                                                 shared_plans):
    load_files(db_path, shared_plans / "2016.showlaw.txt", bundled_sample())  # what a kill before the link leaves
    assert _plans_linked(db_path) == ["2016,False", "2020,False"]
    validated = invoke("validate", "--db", db_path)
    assert validated.exit_code == 1
    assert "plans loaded but not linked" in validated.output and "plan 2016, plan 2020" in validated.output
    refused = invoke("ingest", write(db_path.parent, "empty.txt", ""), "--db", db_path)
    assert refused.exit_code == 1 and "FAILED   empty.txt" in refused.output
    assert _plans_linked(db_path) == ["2016,True", "2020,True"]  # the next command linked them
    assert latest_run_tree() == (("ingest", "COMPLETED"), [("link", "COMPLETED")])  # inside its one run
    assert query(db_path, "select count(*) from task_links where from_plan = '2016' and to_plan = '2020'") != [(0,)]
    assert invoke("validate", "--db", db_path).exit_code == 0
    # a copy that changes the plan's tasks, loaded by itself, makes the plan unlinked again
    edited = db_path.parent / "2020.gov.md"
    edited.write_text(bundled_sample().read_text(encoding="utf-8").replace("全面改革创新试验", "全面创新改革试验"),
                      encoding="utf-8")
    load_files(db_path, edited)
    assert _plans_linked(db_path) == ["2016,True", "2020,False"]
    assert invoke("link", "--db", db_path).exit_code == 0
    assert _plans_linked(db_path) == ["2016,True", "2020,True"]
