"""The report views (warehouse/sql/40_rpt_*.sql) on the real plans, loaded and linked by the pipeline."""

from __future__ import annotations

import pytest

from tests.transforms.reports.real_warehouse import build_real_warehouse
from transforms.matching.matcher import LinkOverride
from warehouse.connection import WarehouseError, connect
from warehouse.reports import consecutive_pairs, read_overview_data, read_pair_report_data


@pytest.fixture(scope="module")
def con(tmp_path_factory, shared_plans):
    db = build_real_warehouse(tmp_path_factory.mktemp("reports") / "w.duckdb", shared_plans)
    con = connect(db, read_only=True)
    yield con
    con.close()


def rows(con, sql: str, params=()) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()


def test_pairs_of_neighbouring_plans(con):
    assert consecutive_pairs(con) == [("2015", "2016"), ("2016", "2020"), ("2020", "2021-2022")]


def test_every_task_is_continued_dropped_or_new_once(con):
    for from_plan, to_plan in consecutive_pairs(con):
        summary = read_pair_report_data(con, from_plan, to_plan)
        tasks = summary.tasks
        continued = tasks[tasks["change"] == "continued"]
        assert summary.counts["continued"] + summary.counts["dropped"] == summary.from_plan.task_count
        assert continued["to_task_key"].nunique() + summary.counts["new"] == summary.to_plan.task_count


def test_counts_agree_with_the_links(con):
    linked = rows(con, "select count(distinct from_task_key), count(distinct to_task_key) from task_links "
                       "where from_plan = '2016' and to_plan = '2020'")[0]
    counts = read_pair_report_data(con, "2016", "2020").counts
    assert linked[0] >= 3  # at least the confirmed gold pairs
    assert counts["continued"] == linked[0] and counts["via_lineage"] == 0
    assert counts["new"] == 100 - linked[1] and counts["dropped"] == 9 - linked[0]
    kinds = ("identical", "reworded", "widened", "narrowed", "split", "department_changed", "stage_advanced")
    assert sum(counts[kind] for kind in kinds) == counts["continued"]  # each continued task has one kind


def test_the_gold_pair_is_aligned_side_by_side(con):
    found = rows(con, """select change, aligned_by, from_text, to_text from rpt_pair_tasks
                         where from_plan = '2016' and to_plan = '2020' and from_task_no = 2""")
    assert len(found) == 1
    change, aligned_by, from_text, to_text = found[0]
    assert (change, aligned_by) == ("continued", "link")
    assert from_text.startswith("积极推动著作权法第三次修订") and to_text.startswith("配合做好《著作权法》修订工作")


def shifts(con, from_no: int, to_no: int) -> set[tuple]:
    return set(rows(con, """select shift, from_name, to_name from rpt_pair_department_shifts
                            where from_plan = '2016' and to_plan = '2020' and from_task_no = ? and to_task_no = ?""",
                    [from_no, to_no]))


def test_reform_driven_department_changes_are_marked_reform(con):
    assert shifts(con, 2, 23) == {("reform", "版权局", "中央宣传部"), ("left", "法制办", None),
                                  ("joined", None, "广电总局")}
    assert shifts(con, 4, 26) == {("reform", "农业部", "农业农村部"), ("reform", "林业局", "林草局"),
                                  ("left", "法制办", None)}


def test_a_lead_department_on_another_line_is_a_lead_change(con):
    # 2016 task 1 is led by 知识产权局; 2020 task 22 by 市场监管总局, with 知识产权局 second
    assert ("lead_changed", "知识产权局", "市场监管总局") in shifts(con, 1, 22)
    assert not any(shift == "reform" for shift, _, _ in shifts(con, 1, 22))


def test_workload_counts_bodies_along_their_line(con):
    workload = read_pair_report_data(con, "2016", "2020").workload.set_index("lineage_id")
    # 工商总局 (2016) counts for 市场监管总局's line: 2016 tasks 3, 7, 8 name it
    assert workload.at["samr", "from_tasks"] == 3


def test_overview_tables(con):
    overview = read_overview_data(con)
    assert [plan.plan_id for plan in overview.plans] == ["2015", "2016", "2020", "2021-2022"]
    assert overview.pairs["from_plan"].tolist() == ["2015", "2016", "2020"]
    longest = overview.spans.iloc[0]
    assert (longest["first_plan"], longest["last_plan"], longest["plans_present"]) == ("2016", "2021-2022", 3)
    assert list(longest["gap_plans"]) == []
    assert len(overview.spans) == rows(con, "select count(distinct lineage_id) from task_lineage")[0][0]


def test_plans_further_apart_are_aligned_through_the_line_between(con):
    # 2016 task 1 → 2020 task 22 → 2021-2022 task 1: no direct link from 2016 to 2021-2022
    found = rows(con, """select change, aligned_by, to_task_no from rpt_pair_tasks
                         where from_plan = '2016' and to_plan = '2021-2022' and from_task_no = 1""")
    assert found == [("continued", "lineage", 1)]
    report = read_pair_report_data(con, "2016", "2021-2022")
    assert report.counts["via_lineage"] == (report.tasks["aligned_by"] == "lineage").sum()


def test_partial_plans_bring_notes(con):
    warnings = read_pair_report_data(con, "2016", "2020").warnings
    assert ("2016", "truncated", "9") in set(zip(warnings["plan_id"], warnings["kind"], warnings["detail"]))


@pytest.mark.parametrize("pair, problem", [(("2020", "2016"), "does not come before"),
                                           (("2016", "1999"), "no plan '1999'")])
def test_a_wrong_pair_is_refused(con, pair, problem):
    with pytest.raises(WarehouseError, match=problem):
        read_pair_report_data(con, *pair)


def test_a_line_absent_from_a_plan_shows_a_gap(tmp_path, shared_plans):
    # curated: 2016 task 1 continues directly as 2021-2022 task 1, skipping the 2020 plan
    decisions = [LinkOverride("2016", "1", "2020", "22", "reject"),
                 LinkOverride("2020", "22", "2021-2022", "1", "reject"),
                 LinkOverride("2016", "1", "2021-2022", "1", "confirm")]
    con = connect(build_real_warehouse(tmp_path / "gap.duckdb", shared_plans, decisions), read_only=True)
    try:
        line = rows(con, """select s.first_plan, s.last_plan, s.gap_plans from rpt_lineage_spans as s
                            join task_lineage as l using (lineage_id)
                            where l.plan_id = '2016' and l.task_no = 1""")
        assert line == [("2016", "2021-2022", ["2020"])]
        resumed = rows(con, """select change, returns_from from rpt_pair_tasks
                               where from_plan = '2020' and to_plan = '2021-2022' and to_task_no = 1""")
        assert resumed == [("new", "2016")]
        across = rows(con, """select change, aligned_by from rpt_pair_tasks
                              where from_plan = '2016' and to_plan = '2021-2022' and from_task_no = 1""")
        assert across == [("continued", "link")]
    finally:
        con.close()
