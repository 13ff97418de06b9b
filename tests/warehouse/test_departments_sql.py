"""Department tables and views in a real DuckDB warehouse, filled from the real registry and plans."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sources.registry import load_department_registry
from transforms.departments import resolve_addressees, resolve_task_departments
from warehouse.connection import connect
from warehouse.departments import (unknown_departments, write_plan_addressees, write_registry,
                                   write_task_departments)

PLANS = Path(__file__).resolve().parents[2] / ".." / "shared" / "plans"
CLAUSE = re.compile(r"[（(]([^（）()]+?)(?:按职责分别)?负责[）)]")


@pytest.fixture()
def con(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    yield con
    con.close()


@pytest.fixture(scope="module")
def registry():
    return load_department_registry()


def plan_tasks(plan_id: str, file_name: str) -> list[dict]:
    """One task per line that ends in a department clause (its last one), keyed by line order."""
    lines = (PLANS / file_name).read_text(encoding="utf-8").splitlines()
    clauses = [CLAUSE.findall(line)[-1] for line in lines if CLAUSE.search(line)]
    return [{"plan_id": plan_id, "task_key": f"{i:03d}", "departments": clause.split("、")}
            for i, clause in enumerate(clauses, start=1)]


def addressees_2020() -> list[str]:
    text = (PLANS / "2020.gov.md").read_text(encoding="utf-8")
    return next(line for line in text.splitlines() if line.endswith("：") and "、" in line).rstrip("：").split("、")


def add_plan(con, plan_id: str, year: int) -> None:
    con.execute("insert into raw_plans (plan_id, period_start, period_end, complete) values (?, ?, ?, true)",
                [plan_id, year, year])


def load_plan_departments(con, registry, plan_id: str, year: int, file_name: str, addressees=()) -> None:
    add_plan(con, plan_id, year)
    write_task_departments(con, plan_id, resolve_task_departments(plan_tasks(plan_id, file_name), registry, year))
    write_plan_addressees(con, plan_id, resolve_addressees(plan_id, list(addressees), registry, year))


def rows(con, sql: str, params=()) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()


def test_write_registry_replaces_the_registry_tables(con, registry):
    write_registry(con, registry)
    write_registry(con, registry)
    assert rows(con, "select count(*) from departments") == [(len(registry.departments()),)]
    assert rows(con, "select count(*) from department_lineage") == [(len(registry.edges()),)]
    assert rows(con, "select lineage_id, lineage_name from departments where department_id = 'saic'") == \
        [("samr", "市场监管总局")]


def test_plate_names_keep_their_years_in_the_alias_table(con, registry):
    write_registry(con, registry)
    assert rows(con, "select department_id, valid_from, valid_to from department_aliases "
                     "where alias = '版权局' order by valid_from nulls first") == \
        [("ncac", 1985, 2001), ("gapp", 2001, 2012), ("sapprft", 2013, 2017), ("cpd", 2018, None)]


def test_a_split_lists_each_successor_with_its_functions(con, registry):
    write_registry(con, registry)
    successors = rows(con, "select to_id, kind, is_primary from department_lineage "
                           "where from_id = 'sapprft' order by to_id")
    assert successors == [("cpd", "split", True), ("nrta", "split", False)]


def test_writing_a_plan_replaces_only_that_plan(con, registry):
    load_plan_departments(con, registry, "2016", 2016, "2016.showlaw.txt")
    load_plan_departments(con, registry, "2020", 2020, "2020.gov.md")
    before = rows(con, "select count(*) from task_departments where plan_id = '2020'")
    write_task_departments(con, "2016", resolve_task_departments(
        [{"plan_id": "2016", "task_key": "001", "departments": ["知识产权局"]}], registry, 2016))
    assert rows(con, "select task_key, department_id, role from task_departments where plan_id = '2016'") == \
        [("001", "cnipa", "lead")]
    assert rows(con, "select count(*) from task_departments where plan_id = '2020'") == before


def test_rows_of_another_plan_are_refused(con, registry):
    other = resolve_task_departments([{"plan_id": "2020", "task_key": "1", "departments": ["知识产权局"]}],
                                     registry, 2020)
    with pytest.raises(ValueError, match="other plans"):
        write_task_departments(con, "2016", other)


def test_the_caller_owns_the_transaction(con, registry):
    con.execute("begin transaction")
    write_task_departments(con, "2020", resolve_task_departments(
        [{"plan_id": "2020", "task_key": "1", "departments": ["知识产权局"]}], registry, 2020))
    con.execute("rollback")
    assert rows(con, "select count(*) from raw_task_departments") == [(0,)]


def test_tasks_by_year_count_leads_and_co_owners(con, registry):
    write_registry(con, registry)
    load_plan_departments(con, registry, "2020", 2020, "2020.gov.md")
    assert rows(con, "select tasks_led, tasks_co_owned, tasks_named from rpt_department_tasks_by_year "
                     "where year = 2020 and department_id = 'cnipa'") == [(35, 22, 57)]


def test_a_line_of_work_joins_old_and_new_names_across_years(con, registry):
    write_registry(con, registry)
    load_plan_departments(con, registry, "2016", 2016, "2016.showlaw.txt")
    load_plan_departments(con, registry, "2020", 2020, "2020.gov.md")
    by_body = rows(con, "select year, department_id from rpt_department_tasks_by_year "
                        "where department_id in ('saic', 'samr') order by year")
    by_line = rows(con, "select year, carried_by from rpt_department_line_tasks_by_year "
                        "where lineage_id = 'samr' order by year")
    assert by_body == [(2016, "saic"), (2020, "samr")]
    assert by_line == [(2016, ["saic"]), (2020, ["samr"])]


def test_coverage_compares_task_departments_with_the_addressee_list(con, registry):
    write_registry(con, registry)
    load_plan_departments(con, registry, "2020", 2020, "2020.gov.md", addressees_2020())
    coverage = rows(con, "select in_tasks, in_addressees, count(*) from rpt_plan_department_coverage "
                         "where plan_id = '2020' group by all order by all")
    only_in_tasks = rows(con, "select department_id, kind from rpt_plan_department_coverage "
                              "where plan_id = '2020' and not in_addressees order by department_id")
    assert coverage == [(True, False, 2), (True, True, 38)]
    assert only_in_tasks == [("jm_members", "collective"), ("jm_office", "collective")]


def test_unknown_departments_lists_unresolved_names_with_their_plan_and_task(con, registry):
    add_plan(con, "2020", 2020)
    write_task_departments(con, "2020", resolve_task_departments(
        [{"plan_id": "2020", "task_key": "4.2.61", "departments": ["知识产权局", "火星知识产权局"]}], registry, 2020))
    write_plan_addressees(con, "2020", resolve_addressees("2020", ["司法部", "月球局"], registry, 2020))
    assert unknown_departments(con) == [
        {"plan_id": "2020", "found_in": "addressees", "task_key": None, "position": 2, "raw_name": "月球局"},
        {"plan_id": "2020", "found_in": "task", "task_key": "4.2.61", "position": 2, "raw_name": "火星知识产权局"},
    ]
    assert rows(con, "select department_id, lineage_id, kind from task_departments where raw_name = '火星知识产权局'") \
        == [(None, None, "unknown")]
