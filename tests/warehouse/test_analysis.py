"""Search and history read from a real warehouse of the shared plans, linked by the real matcher."""

from __future__ import annotations

import pytest

from tests.transforms.reports.real_warehouse import build_real_warehouse
from transforms.history import HistoryError
from transforms.search import SearchError
from warehouse.analysis import history, read_lineage_histories, resolve_lineage, search
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


def statuses(found) -> list[tuple[str, str]]:
    return [(year.label, year.status) for year in found.years]


def test_history_of_the_trade_fair_line_says_which_gaps_are_real(con):
    # 2015:9 and 2016:7 both revise 《展会知识产权保护办法》; the line is not in the complete 2020 plan
    found = history(con, "2016:7")
    assert found.plans == ["2015", "2016"]
    assert statuses(found) == [("2015", "present"), ("2016", "present"), ("2017", "not_loaded"),
                               ("2018", "not_loaded"), ("2019", "not_loaded"), ("2020", "absent"),
                               ("2021-2022", "partial")]
    first, second = found.appearances
    assert first.before == () and "".join(p.text for p in first.after) == first.row.text
    assert "".join(p.text for p in second.before if p.op != "ins") == first.row.text
    assert [p.text for p in second.after if p.op == "same"] == ["修订《展会知识产权保护办法》。"]


def test_history_stages_and_departments_through_the_reform(con):
    found = history(con, "2020:26")
    assert [(a.row.plan_id, a.row.task_no, a.row.stage, a.advanced) for a in found.appearances] == [
        ("2016", 4, "起草", False), ("2020", 26, "推进", True)]
    first = found.appearances[0].row
    # 农业部 leads in 2016; its line of work is carried by 农业农村部 since the 2018 reform
    assert (first.lead_department, first.lead_line) == ("农业部", "农业农村部")
    assert first.departments == ("农业部", "林业局", "法制办")


def test_history_by_lineage_id_is_the_same(con):
    lineage = resolve_lineage(con, "2016:1")
    assert resolve_lineage(con, "2020:2.1.22") == lineage  # a task key names the task too
    assert history(con, lineage).plans == history(con, "2021-2022:1").plans == ["2016", "2020", "2021-2022"]


@pytest.mark.parametrize("reference, message", [
    ("2016:99", "no task 99 in plan '2016'"), ("2016:x", "no task x"), ("Lnope", "no lineage"),
])
def test_history_of_something_that_is_not_there(con, reference, message):
    with pytest.raises(HistoryError, match=message):
        history(con, reference)


def test_every_line_in_two_plans_has_a_history(con):
    lines = read_lineage_histories(con)
    expected = con.execute("select count(*) from lineage_progress where appearances >= 2").fetchone()[0]
    assert len(lines) == expected >= 5


def test_a_task_number_used_twice_in_one_plan_asks_for_the_key(tmp_path):
    # numbering that restarts in each section: two tasks numbered 1 in one plan
    con = connect(tmp_path / "w.duckdb")
    try:
        con.execute("insert into raw_plans (plan_id, period_start, period_end, complete) values ('2019', 2019, 2019, true)")
        for key, lineage in (("1.1", "La"), ("2.1", "Lb")):
            con.execute("insert into raw_tasks values ('2019', ?, 1, '1', ?, ?, '研究', '研究', null, [], null, [], "
                        "false, false, 'x')", [key, int(key[0]), key[0]])
            con.execute("insert into raw_task_lineage values (?, '2019', ?, 1)", [lineage, key])
        with pytest.raises(HistoryError, match="several tasks numbered 1: give one of 2019:1.1, 2019:2.1"):
            resolve_lineage(con, "2019:1")
        assert resolve_lineage(con, "2019:2.1") == "Lb"
    finally:
        con.close()


def test_history_and_lineage_progress_agree_on_every_advance(con):
    progress = {row[0]: row[1:] for row in con.execute(
        "select lineage_id, stage_advanced, last_advance_plan from lineage_progress where appearances >= 2").fetchall()}
    for line in read_lineage_histories(con):
        advanced = [a.row.plan_id for a in line.appearances if a.advanced]
        assert progress[line.lineage_id] == (bool(advanced), advanced[-1] if advanced else None), line.lineage_id
