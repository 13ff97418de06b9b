"""Loading parsed plans into a real DuckDB file: copies, idempotence, replacement, refusals."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from sources.catalogue import load_catalogue
from sources.read import read_source
from tests.conftest import warehouse_checksums
from transforms.models import PlanError
from transforms.parse import parse_plan
from warehouse.connection import connect
from warehouse.load import load_plan


def load_files(db_path, *paths):
    con = connect(db_path)
    try:
        return [load_plan(con, parse_plan(read_source(path), load_catalogue())) for path in paths]
    finally:
        con.close()


def query(db_path, sql, params=None):
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_two_copies_become_one_plan_with_two_sources(db_path, shared_plans):
    load_files(db_path, shared_plans / "2021-2022.cnipa.txt", shared_plans / "2021-2022.izubei.txt")
    assert query(db_path, "select plan_id, doc_number, complete, source_count, task_count from plans") == \
        [("2021-2022", "国知战联办〔2021〕16号", False, 2, 2)]
    # task 1 is whole only in the Traditional copy, so that copy supplies it
    assert query(db_path, "select task_no, truncated, from_source from tasks order by task_no") == \
        [(1, False, "2021-2022.izubei.txt"), (2, True, "2021-2022.izubei.txt")]
    assert query(db_path, "select count(*) from source_differences") == [(0,)]


def test_copies_that_read_differently_are_recorded(db_path, shared_plans, tmp_path):
    original = (shared_plans / "2020.gov.md").read_text(encoding="utf-8")
    mirror = tmp_path / "2020-mirror.txt"
    mirror.write_text(original.replace("全面改革创新试验", "全面创新改革试验"), encoding="utf-8")
    load_files(db_path, shared_plans / "2020.gov.md", mirror)
    rows = query(db_path, "select task_key, source_a, source_b, diff from source_differences")
    assert len(rows) == 1
    task_key, source_a, source_b, diff = rows[0]
    assert task_key == "1.1.2" and {source_a, source_b} == {"2020.gov.md", "2020-mirror.txt"}
    assert "改革" in diff and "[-" in diff and "{+" in diff
    assert query(db_path, "select source_count from plans") == [(2,)]


def test_loading_the_same_input_twice_changes_nothing(db_path, shared_plans):
    first = load_files(db_path, shared_plans / "2020.gov.md")
    before = warehouse_checksums(db_path)
    second = load_files(db_path, shared_plans / "2020.gov.md")
    assert [r.status for r in first] == ["loaded"] and [r.status for r in second] == ["unchanged"]
    assert warehouse_checksums(db_path) == before


def test_a_changed_input_replaces_its_plan(db_path, shared_plans, tmp_path):
    path = tmp_path / "2020.gov.md"
    shutil.copy(shared_plans / "2020.gov.md", path)
    load_files(db_path, path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("（中科院负责）\n\n## （二）", "（中科院、知识产权局负责）\n\n## （二）"), encoding="utf-8")
    [result] = load_files(db_path, path)
    assert result.status == "replaced"
    assert query(db_path, "select departments from tasks where task_no = 12") == [(["中科院", "知识产权局"],)]
    assert query(db_path, "select count(*) from tasks") == [(100,)]


def test_a_source_that_now_reads_as_another_year_leaves_its_old_plan(db_path, shared_plans, tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text((shared_plans / "2016.showlaw.txt").read_text(encoding="utf-8"), encoding="utf-8")
    load_files(db_path, path)
    path.write_text(path.read_text(encoding="utf-8").replace("明确2016年", "明确2017年"), encoding="utf-8")
    load_files(db_path, path)
    assert query(db_path, "select plan_id from plans") == [("2017",)]
    assert query(db_path, "select distinct plan_id from tasks") == [("2017",)]


def test_another_plan_for_the_same_period_is_refused_and_nothing_changes(db_path, shared_plans, tmp_path):
    load_files(db_path, shared_plans / "2020.gov.md")
    before = warehouse_checksums(db_path)
    other = tmp_path / "2020-other.md"
    other.write_text((shared_plans / "2020.gov.md").read_text(encoding="utf-8")
                     .replace("国知战联办〔2020〕5号", "国知战联办〔2020〕9号"), encoding="utf-8")
    with pytest.raises(PlanError, match=r"2020-other\.md: 2020\.gov\.md holds another plan for 2020"):
        load_files(db_path, other)
    assert warehouse_checksums(db_path) == before
