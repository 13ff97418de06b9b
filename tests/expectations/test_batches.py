"""The frames the suites check, built without Great Expectations: numbering runs, the plan header,
department mentions, the comparison with the previous plan, and links."""

from __future__ import annotations

import pickle

import pandas as pd
import pytest

from expectations.batches import (PlanShape, _numbering, copy_batches, header_frame, link_frame, mention_frame,
                                  shape_frame, task_frame)
from expectations.reports import ExpectationOutcome, QualityWarning, format_examples
from transforms.frames import PlanCopy


@pytest.mark.parametrize("numbers, runs, expected", [
    ([1, 2, 3], [0, 0, 0], [1, 2, 3]),                      # numbered through the document
    ([1, 2, 1, 2, 3], [0, 0, 1, 1, 1], [1, 2, 1, 2, 3]),    # restarting per sub-section
    ([1, 2, 4], [0, 0, 0], [1, 2, 3]),                      # a gap: 4 where 3 was expected
    ([1, 2, 2, 3], [0, 0, 0, 0], [1, 2, None, 3]),          # a repeat is not also a gap
    ([3, 4], [0, 0], [1, 4]),                               # a document starting at 3
])
def test_numbering_runs_and_expected_numbers(numbers, runs, expected):
    assert _numbering(numbers) == (runs, expected)


def _tasks(numbers, truncated_last=False, clause="（知识产权局负责）"):
    return pd.DataFrame({
        "plan_id": "2020", "task_key": [f"1.{n}" for n in numbers], "task_no": numbers,
        "position": range(1, len(numbers) + 1), "text": "出台《意见》。", "department_clause": clause,
        "departments": [["知识产权局"] for _ in numbers],
        "truncated": [truncated_last and i == len(numbers) - 1 for i in range(len(numbers))],
    })


def test_task_frame_requires_clauses_from_2016_on_except_in_a_cut_task():
    assert task_frame(_tasks([1, 2], truncated_last=True), 2016)["clause_required"].tolist() == [True, False]
    assert task_frame(_tasks([1, 2]), 2015)["clause_required"].tolist() == [False, False]


def test_task_frame_follows_document_order_not_row_order():
    frame = task_frame(_tasks([1, 2, 3]).iloc[::-1], 2020)
    assert frame["task_no"].tolist() == [1, 2, 3] and frame["expected_no"].tolist() == [1, 2, 3]


def test_header_frame_states_period_and_where_the_copy_ends():
    source = {"plan_id": "2021-2022", "period_start": 2021, "period_end": 2022, "complete": False}
    row = header_frame(source, _tasks([1, 2], truncated_last=True), 0, this_year=2026).iloc[0]
    assert (row.period_length, row.years_ahead, row.partial_reason, row.addressee_count) == (
        1, -4, "ends inside task 1.2", 0)


def test_header_frame_gives_the_parsers_reason_for_a_partial_copy():
    source = {"plan_id": "2020", "period_start": 2020, "period_end": 2020, "complete": False,
              "partial_reason": "21 tasks where the catalogue states 100"}
    assert header_frame(source, _tasks([1, 2]), 38, this_year=2026).iloc[0].partial_reason == \
        "21 tasks where the catalogue states 100"
    complete = {**source, "complete": True}
    assert header_frame(complete, _tasks([1, 2]), 38, this_year=2026).iloc[0].partial_reason is None


def _mentions(names, addressees, year):
    tasks = _tasks([1]).assign(departments=[names])
    return mention_frame(tasks, addressees, year).set_index("raw_name")


# The 2024 notice as printed: all members of the joint conference, then named non-members.
ADDRESSEES_2024 = ["国家知识产权强国建设工作部际联席会议各成员单位", "中央政法委", "中央网信办", "税务总局",
                   "金融监管总局", "中国证监会", "国家国际发展合作署", "国管局", "国家邮政局", "国家中医药局",
                   "国家药监局", "中国科协", "国家自然科学基金委"]


def test_a_copy_without_department_clauses_is_not_asked_for_addressees():
    # 2015-style tasks carry no (…负责) clause: "no addressee list" would be noise
    source = {"plan_id": "2015", "period_start": 2015, "period_end": 2015, "complete": False}
    row = header_frame(source, _tasks([1, 2]).assign(departments=[[], []]), 0, this_year=2026).iloc[0]
    assert row.addressee_count is None or pd.isna(row.addressee_count)
    with_clauses = header_frame(source, _tasks([1]).assign(departments=[["司法部"]]), 0, this_year=2026).iloc[0]
    assert with_clauses.addressee_count == 0


def test_members_of_the_conference_count_as_addressed_in_2024():
    # before: "not among the addressees" for almost every department of the 2024 plan
    frame = _mentions(["国家知识产权局", "教育部", "中央宣传部（国家版权局）", "税务总局", "中央组织部"],
                      ADDRESSEES_2024, 2024)
    assert frame["addressed"].to_dict() == {"国家知识产权局": True, "教育部": True, "中央宣传部（国家版权局）": True,
                                            "税务总局": True, "中央组织部": False}


def test_unknown_members_skip_the_comparison_with_one_note():
    # the 2016–2023 conference's members are not in the registry: no comparison, one note on the header
    frame = _mentions(["知识产权局", "教育部", "公安部"], ["联席会议各成员单位", "中央政法委", "中央网信办"], 2020)
    assert frame["addressed"].isna().all()
    batches = copy_batches(PlanCopy({"plan_id": "2020", "period_start": 2020, "period_end": 2020, "complete": True,
                                     "source_name": "2020.txt"}, _tasks([1]).assign(departments=[["教育部"]]),
                                    pd.DataFrame()), ["联席会议各成员单位", "中央政法委", "中央网信办"], 2026)
    header = next(b for b in batches if b.suite == "plan_header").frame
    assert header["addressee_members_unknown"].tolist() == ["联席会议各成员单位"]


def test_mentions_resolve_as_of_the_plan_year_and_are_compared_with_the_addressees():
    frame = _mentions(["知识产权局", "火星部", "联席会议成员单位", "税务总局"], ["知识产权局", "教育部"], 2020)
    assert frame["kind"].to_dict() == {"知识产权局": "department", "火星部": "unknown",
                                       "联席会议成员单位": "collective", "税务总局": "department"}
    # collective actors need not be addressed; an unknown name is not compared at all
    assert frame["addressed"].to_dict() == {"知识产权局": True, "火星部": None, "联席会议成员单位": True,
                                            "税务总局": False}


def test_a_body_abolished_before_the_plan_year_resolves_but_did_not_exist():
    assert _mentions(["工商总局"], [], 2016)["existed"].tolist() == [True]
    assert _mentions(["工商总局"], [], 2020)["existed"].tolist() == [False]


def test_without_an_addressee_list_nothing_is_compared():
    assert _mentions(["知识产权局"], [], 2016)["addressed"].tolist() == [None]


def _shape(plan_id, complete, sections, task_sections):
    frame = pd.DataFrame([{"section_path": s, "level": s.count(".") + 1, "number": s} for s in sections])
    return PlanShape(plan_id, complete, frame, task_sections)


def test_shape_compares_counts_with_the_previous_complete_plan():
    before = _shape("2019", True, ["1", "1.1", "2"], ["1.1"] * 4 + ["2"] * 4)
    now = _shape("2020", True, ["1", "1.1", "2"], ["1.1"] * 4 + ["2"] * 10)
    frame = shape_frame(now, before).set_index("measure")
    assert frame["change"].to_dict() == {"sections": 0.0, "sub-sections": 0.0, "tasks": 0.75,
                                         "tasks in section 1": 0.0, "tasks in section 2": 1.5}


@pytest.mark.parametrize("complete_now, complete_before", [(False, True), (True, False)])
def test_shape_is_never_compared_for_partial_documents(complete_now, complete_before):
    before = _shape("2019", complete_before, ["1"], ["1"])
    now = _shape("2020", complete_now, ["1", "2", "3"], ["1"] * 9)
    assert shape_frame(now, before).empty


def test_link_frame_exempts_declared_splits_and_merges_from_one_to_one():
    links = pd.DataFrame([
        ("2019", "1.1", 1, "2020", "1.1", 1, 0.9, "split", 2019, 2020),
        ("2019", "1.1", 1, "2020", "1.2", 2, 0.8, "split", 2019, 2020),
        ("2019", "1.2", 2, "2020", "1.3", 3, 0.9, "merged", 2019, 2020),
        ("2020", "1.1", 1, "2020", "1.2", 2, 0.9, "reworded", 2020, 2020),
        ("2020", "1.1", 1, "2030", "1.1", 1, 0.9, "reworded", 2020, None),
    ], columns=["from_plan", "from_task_key", "from_task_no", "to_plan", "to_task_key", "to_task_no", "score",
                "kind", "from_start", "to_start"])
    frame = link_frame(links)
    assert frame["from_side"].tolist() == [None, None, "2019:1.2 → 2020", "2020:1.1 → 2020", "2020:1.1 → 2030"]
    assert frame["to_side"].tolist() == ["2020:1.1 ← 2019", "2020:1.2 ← 2019", None, "2020:1.2 ← 2020",
                                         "2030:1.1 ← 2020"]
    assert frame["within_plan"].tolist() == [False, False, False, True, False]
    assert frame["plans_loaded"].tolist() == [True, True, True, True, False]
    assert frame["years_forward"].isna().tolist() == [False, False, False, True, True]


def test_examples_group_failing_rows_under_their_label():
    rows = [{"task_no": 12, "task_key": "2.1.12"}, {"task_no": 12.0, "task_key": "2.2.12"},
            {"task_no": 30, "task_key": "3.1.30"}]
    assert format_examples(rows, "task_no {task_no}", "{task_key}") == (
        "task_no 12 (2.1.12, 2.2.12)", "task_no 30 (3.1.30)")


def test_examples_are_capped():
    rows = [{"task_key": str(n)} for n in range(9)]
    assert format_examples(rows, "task {task_key}", None)[-1] == "… and 4 more"


def test_a_warning_is_text_that_keeps_its_parts():
    outcome = ExpectationOutcome("document_complete", False, False, "partial document", ("ends inside task 1.9",))
    warning = QualityWarning("2016.showlaw.txt", "2016", outcome)
    assert warning == "2016.showlaw.txt: partial document: ends inside task 1.9"
    assert warning.row() == {"plan_id": "2016", "source_name": "2016.showlaw.txt",
                             "expectation": "document_complete", "message": "partial document: ends inside task 1.9"}
    copied = pickle.loads(pickle.dumps(warning))  # task results may be pickled
    assert copied == warning and copied.row() == warning.row()
