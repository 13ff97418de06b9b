"""Search and history read from a real warehouse of the shared plans, linked by the real matcher."""

from __future__ import annotations

import pytest

from tests.transforms.reports.real_warehouse import build_real_warehouse
from transforms.search import SearchError
from warehouse.analysis import search
from warehouse.connection import connect


@pytest.fixture(scope="module")
def con(tmp_path_factory, shared_plans):
    db = build_real_warehouse(tmp_path_factory.mktemp("analysis") / "w.duckdb", shared_plans)
    connection = connect(db, read_only=True)
    yield connection
    connection.close()


def hits(groups) -> list[tuple[str, int]]:
    return [(hit.task.plan_id, hit.task.task_no) for group in groups for hit in group.hits]


def test_patent_law_is_one_line_of_work_over_three_plans(con):
    [line] = search(con, "專利法")
    assert line.match == "document"
    assert line.plans == ["2016", "2020", "2021-2022"]
    assert [hit.task.task_no for hit in line.hits] == [1, 22, 1]


def test_years_keep_plans_overlapping_them(con):
    assert hits(search(con, "商业秘密", year_from=2021)) == [("2021-2022", 1)]
    assert hits(search(con, "商业秘密", year_from=2022, year_to=2022)) == [("2021-2022", 1)]  # 2021-2022 covers 2022
    assert hits(search(con, "专利法", year_to=2016)) == [("2016", 1)]


def test_department_follows_the_reform_lineage(con):
    # 工商总局 was merged into 市场监管总局 in 2018: the 2020 task naming 市场监管总局 is on its line
    found = hits(search(con, "商业秘密", department="工商总局"))
    assert ("2020", 44) in found and ("2021-2022", 1) in found
    assert ("2020", 24) not in found  # courts and police only
    # and back: 市场监管总局 finds the 2016 task naming 工商总局
    assert hits(search(con, "反不正当竞争法", department="市场监管总局")) == [("2016", 3)]


def test_unknown_department_is_refused(con):
    with pytest.raises(SearchError, match="no department is called"):
        search(con, "商业秘密", department="不存在的部门")
