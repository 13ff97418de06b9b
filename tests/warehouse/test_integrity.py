"""A plan is what its document says: copies merged into a real DuckDB file task by task, files that
only claim a year refused, and the quality gate (real GX) blocking a merge that holds a task twice."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.commands import register_all
from sources.catalogue import load_catalogue
from sources.registry import load_department_registry
from sources.inputs import bundled_sample
from sources.read import read_source
from tests import plan_copies
from tests.conftest import warehouse_checksums
from tests.expectations.helpers import load_files, query, write
from transforms.models import PlanError
from transforms.parse import parse_plan
from warehouse.connection import connect
from warehouse.load import prepare_load

register_all(app)
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")  # a line break \n is text, these are not


def test_a_copy_without_one_heading_leaves_the_plan_as_it_was(db_path, tmp_path):
    load_files(db_path, bundled_sample())
    before = query(db_path, "select task_key, task_no, text, from_source from tasks order by position")
    load_files(db_path, write(tmp_path, "2020.copy.md", plan_copies.without_heading()))
    assert query(db_path, "select task_count, source_count from plans") == [(100, 2)]
    assert query(db_path, "select task_key, task_no, text, from_source from tasks order by position") == before
    assert query(db_path, "select count(*) from source_differences") == [(0,)]


@pytest.mark.parametrize("name, text", [
    ("2020.x.txt", plan_copies.unrelated_tasks()),
    ("2020.other.md", plan_copies.same_title_other_tasks()),
])
def test_a_file_that_only_claims_the_year_is_refused_and_nothing_changes(db_path, tmp_path, name, text):
    load_files(db_path, bundled_sample())
    before = warehouse_checksums(db_path)
    with pytest.raises(PlanError, match=rf"^{name}: 2020\.gov\.md holds another plan for 2020 \(.*\); "
                                        r"refused as another plan claiming 2020$"):
        load_files(db_path, write(tmp_path, name, text))
    assert warehouse_checksums(db_path) == before


def test_mirrors_and_excerpts_of_the_plan_are_copies(db_path, tmp_path):
    load_files(db_path, bundled_sample(), write(tmp_path, "2020.big5.txt", plan_copies.traditional_mirror()),
               write(tmp_path, "2020.excerpt.txt", plan_copies.excerpt()))
    assert query(db_path, "select task_count, complete, source_count from plans") == [(100, True, 3)]
    assert query(db_path, "select distinct from_source from tasks") == [("2020.gov.md",)]


def test_the_earliest_loaded_copy_wins_whatever_the_file_names(db_path, tmp_path):
    edited = bundled_sample().read_text(encoding="utf-8").replace("全面改革创新试验", "全面创新改革试验")
    load_files(db_path, bundled_sample(), write(tmp_path, "2020.copy.md", edited),
               write(tmp_path, "2020.zcopy.md", edited))
    assert query(db_path, "select distinct from_source from tasks") == [("2020.gov.md",)]
    assert query(db_path, "select text like '%全面改革创新试验%' from tasks where task_no = 2") == [(True,)]
    assert query(db_path, "select count(*) from source_differences") == [(2,)]


def test_section_titles_come_from_the_copy_the_plan_is_made_of(db_path, tmp_path):
    slip = bundled_sample().read_text(encoding="utf-8").replace("改革完善知识产权政策", "改革完善知识产权政册")
    load_files(db_path, bundled_sample(), write(tmp_path, "2020.a.md", slip))  # sorts before 2020.gov.md
    assert query(db_path, "select title from sections where section_path = '1.1'") == [("改革完善知识产权政策",)]
    assert query(db_path, "select distinct section_title from tasks where section_path = '1.1'") == [
        ("深化知识产权领域改革 / 改革完善知识产权政策",)]


def test_a_full_copy_takes_over_from_an_excerpt_loaded_before_it(db_path, tmp_path):
    load_files(db_path, write(tmp_path, "2020.excerpt.txt", plan_copies.excerpt()))
    assert query(db_path, "select task_count, complete from plans") == [(10, False)]
    load_files(db_path, bundled_sample())
    assert query(db_path, "select task_count, complete from plans") == [(100, True)]
    assert query(db_path, "select distinct from_source from tasks") == [("2020.gov.md",)]


# The quality gate on the merged plan ---------------------------------------------------------

def _load_of(con, path: Path):
    registry, catalogue = load_department_registry(), load_catalogue()
    return prepare_load(con, parse_plan(read_source(path), catalogue), registry, catalogue)


@pytest.mark.gx
def test_the_gate_blocks_a_merge_that_holds_a_task_number_twice(db_path, tmp_path):
    from expectations.gate import QualityError, check_plan_load

    load_files(db_path, bundled_sample())
    con = connect(db_path)
    try:
        load = _load_of(con, write(tmp_path, "2020.copy.md", plan_copies.without_heading()))
        tasks = load.plan.merged.tasks
        # what aligning by section path made of it: tasks 13-21 of the copy kept beside the plan's own
        twice = tasks[tasks["task_no"].between(13, 21)].assign(task_key=lambda t: "1.1." + t["task_no"].astype(str))
        broken = dataclasses.replace(load.plan.merged, tasks=pd.concat([tasks, twice], ignore_index=True))
        with pytest.raises(QualityError, match=r"^2020\.copy\.md: task numbers have a duplicate: task_no 13 "):
            check_plan_load(con, dataclasses.replace(load, plan=dataclasses.replace(load.plan, merged=broken)))
        assert check_plan_load(con, load) == []  # the merge itself is sound
    finally:
        con.close()


@pytest.mark.gx
def test_validate_fails_on_a_warehouse_whose_plan_holds_a_task_twice(db_path):
    load_files(db_path, bundled_sample())
    con = duckdb.connect(str(db_path))
    con.execute("insert into raw_tasks select * replace ('1.1.' || task_no as task_key) from raw_tasks "
                "where task_no between 13 and 21")  # the state an earlier ipplans left behind
    con.close()
    result = CliRunner().invoke(app, ["validate", "2020", "--db", str(db_path)], env={"COLUMNS": "300"})
    assert result.exit_code == 1, result.output
    assert "2020 · merged" in result.output and "task numbers have a duplicate" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_task_text_keeps_no_control_characters(db_path, tmp_path):
    text = bundled_sample().read_text(encoding="utf-8")
    at = text.index("\n50. ") + 8
    assert len(text[:at].encode("utf-8")) > 8192  # beyond the part read to tell text from binary
    dirty = text[:at] + "\x00\x1b[8m\x07\x7f\x9b" + text[at:]
    dirty = dirty.replace("\n51. ", "\n\x0b51. ", 1).replace("\n52. ", "\n\u202852. ", 1)
    load_files(db_path, write(tmp_path, "2020.dirty.md", dirty))
    assert query(db_path, "select task_count from plans") == [(100,)]
    stored = query(db_path, "select text, original_text, coalesce(department_clause, '') from raw_source_tasks "
                            "union all select text, original_text, '' from raw_tasks "
                            "union all select normalized_text, title, doc_number from raw_sources")
    assert not [row for row in stored if CONTROL.search("".join(row))]
    clean = tmp_path / "clean.duckdb"
    load_files(clean, bundled_sample())
    assert query(db_path, "select task_no, text from tasks order by position") == \
        query(clean, "select task_no, text from tasks order by position")
