"""The parser on the real plans in ../shared/plans and on variants real copies show."""

from __future__ import annotations

import csv
import datetime as dt
import re

import pytest

from sources.catalogue import load_catalogue
from sources.read import read_bytes, read_source
from transforms.models import PlanError
from transforms.parse import parse_plan

ADDRESSEES_2020 = 38


def parse_file(path, catalogue=None):
    return parse_plan(read_source(path), catalogue)


@pytest.fixture(scope="module")
def plan_2020(shared_plans):
    return parse_file(shared_plans / "2020.gov.md")


@pytest.fixture(scope="module")
def manifest(shared_plans):
    with open(shared_plans / "MANIFEST.csv", encoding="utf-8") as handle:
        return {row["file"]: row for row in csv.DictReader(handle)}


def test_2020_has_tasks_1_to_100_in_five_sections(plan_2020):
    assert [task.task_no for task in plan_2020.tasks] == list(range(1, 101))
    level1 = [s for s in plan_2020.sections if s.level == 1]
    assert [s.number for s in level1] == ["一", "二", "三", "四", "五"]
    assert [s.path for s in plan_2020.sections if s.level == 2 and s.path.startswith("2.")] == \
        ["2.1", "2.2", "2.3", "2.4"]
    assert plan_2020.complete


def test_2020_section_paths_follow_numbering_not_markdown_levels(plan_2020):
    by_no = {task.task_no: task for task in plan_2020.tasks}
    # `## （二）` under `### 一、` and `#### 四、` with no sub-sections
    assert by_no[13].task_key == "1.2.13"
    assert by_no[82].task_key == "4.82"
    assert by_no[100].task_key == "5.3.100"


def test_2020_task_24_is_whole_though_broken_across_lines(plan_2020):
    task = plan_2020.tasks[23]
    assert task.task_no == 24
    assert task.text.endswith("《关于公安机关管辖的刑事案件立案追诉标准的规定》（一）（二）。")
    assert task.departments == ("最高人民法院", "最高人民检察院", "公安部")
    assert "（二）" in task.original_text and "\n" in task.original_text


def test_2020_departments_in_printed_order(plan_2020):
    by_no = {task.task_no: task for task in plan_2020.tasks}
    assert by_no[2].departments == ("最高人民法院", "司法部", "知识产权局", "中央宣传部")
    assert by_no[2].clause_form == "按职责分别负责"
    assert by_no[82].departments[0] == "知识产权局" and len(by_no[82].departments) == 9
    assert by_no[88].departments == ("联席会议办公室", "联席会议成员单位")
    assert all(task.departments for task in plan_2020.tasks)
    split_duty = [t.task_no for t in plan_2020.tasks if t.clause_form == "按职责分别负责"]
    assert split_duty == [2, 35, 47, 67, 71, 74, 77, 82, 83, 87]


def test_2020_parentheses_inside_task_text_are_not_clauses(plan_2020):
    by_no = {task.task_no: task for task in plan_2020.tasks}
    assert "（TISC）" in by_no[16].text
    assert "（2018—2020年）" in by_no[91].text
    assert by_no[91].cited_titles == ("制造业知识产权行动计划（2018—2020年）", "工业和信息化部2020年知识产权推进计划")


def test_2020_text_after_the_last_clause_is_a_note_not_task_text(plan_2020):
    last = plan_2020.tasks[-1]
    assert last.text.endswith("在各类知识竞赛中纳入知识产权相关内容。")
    assert last.departments == ("科技部", "中国科协")
    assert any(note.startswith("上述各项任务分工中") for note in plan_2020.notes)


def test_2020_normalisation_keeps_the_original(plan_2020):
    by_no = {task.task_no: task for task in plan_2020.tasks}
    assert "人员轮训" in by_no[94].text and "人員轮训" in by_no[94].original_text
    assert "新建30家" in by_no[16].text and "新建 30 家" in by_no[16].original_text
    assert "“昆仑2020”" in by_no[53].text
    assert by_no[1].original_text.endswith("(知识产权局负责)")  # half-width as printed
    assert by_no[1].department_clause == "知识产权局负责"


def test_2020_metadata(plan_2020):
    meta = plan_2020.metadata
    assert meta.title == "2020年深入实施国家知识产权战略加快建设知识产权强国推进计划"
    assert (meta.period_start, meta.period_end) == (2020, 2020)
    assert meta.doc_number == "国知战联办〔2020〕5号"
    assert meta.issued_on == dt.date(2020, 5, 13)
    assert meta.issuer == "国务院知识产权战略实施工作部际联席会议办公室"
    assert len(meta.addressees) == ADDRESSEES_2020
    assert meta.addressees[0] == "中央组织部" and meta.addressees[-1] == "中国科协"


def _complete_tasks_named(row: dict) -> int:
    # "partial (opening only: tasks 1-8 complete; ends inside task 9; …)"
    match = re.search(r"tasks? (\d+)(?:-(\d+))? complete", row["completeness"])
    return int(match.group(2) or match.group(1)) if match else 0


@pytest.mark.parametrize("name", ["2015.law-bridge.txt", "2016.showlaw.txt", "2021-2022.cnipa.txt",
                                  "2021-2022.izubei.txt"])
def test_excerpts_yield_the_complete_tasks_then_one_truncated(shared_plans, manifest, name):
    plan = parse_file(shared_plans / name)
    complete = _complete_tasks_named(manifest[name])
    assert [task.task_no for task in plan.tasks] == list(range(1, complete + 2))
    assert [task.truncated for task in plan.tasks] == [False] * complete + [True]
    assert not plan.complete
    assert plan.plan_id == manifest[name]["plan_period"]


def test_2016_uses_pre_reform_names(shared_plans):
    plan = parse_file(shared_plans / "2016.showlaw.txt")
    assert plan.tasks[3].departments == ("农业部", "林业局", "法制办")
    assert plan.tasks[5].departments == ("环境保护部", "科技部", "农业部", "林业局", "知识产权局", "法制办")


def test_2015_has_no_clauses_and_gets_its_title_from_the_catalogue(shared_plans):
    plan = parse_file(shared_plans / "2015.law-bridge.txt", load_catalogue())
    assert all(task.department_clause is None and task.clause_form is None for task in plan.tasks)
    assert plan.metadata.title == "2015年国家知识产权战略实施推进计划"
    assert plan.sections[0].title == "强化知识产权保护，鼓励创新创造"


def test_simplified_and_traditional_copies_give_the_same_tasks(shared_plans):
    simplified = parse_file(shared_plans / "2021-2022.cnipa.txt")
    traditional = parse_file(shared_plans / "2021-2022.izubei.txt")
    assert traditional.script == "traditional" and simplified.script == "simplified"
    assert simplified.plan_id == traditional.plan_id == "2021-2022"
    assert simplified.metadata.title == traditional.metadata.title
    assert simplified.metadata.addressees == traditional.metadata.addressees
    cut = len(simplified.tasks[0].text)
    assert traditional.tasks[0].text[:cut] == simplified.tasks[0].text
    assert traditional.tasks[0].departments == ("市场监管总局", "农业农村部", "知识产权局")
    assert traditional.tasks[0].original_text.startswith("推進修訂《中華人民共和國反壟斷法》")


def test_cnipa_copy_skips_page_chrome(shared_plans):
    plan = parse_file(shared_plans / "2021-2022.cnipa.txt")
    assert plan.metadata.doc_number == "国知战联办〔2021〕16号"
    assert plan.metadata.issued_on == dt.date(2021, 12, 27)
    assert plan.sections[0].title == "完善知识产权制度"


def test_whole_document_on_one_line_parses_like_the_original(shared_plans, plan_2020):
    text = (shared_plans / "2020.gov.md").read_text(encoding="utf-8")
    one_line = "".join(re.sub(r"^#+\s*", "", line.strip()) for line in text.splitlines())
    plan = parse_plan(read_bytes("2020-one-line.txt", "test", one_line.encode("utf-8")))
    assert [(t.task_key, t.text, t.departments) for t in plan.tasks] == \
        [(t.task_key, t.text, t.departments) for t in plan_2020.tasks]
    assert plan.metadata == plan_2020.metadata


def _parse_text(text: str, name: str = "variant.txt"):
    return parse_plan(read_bytes(name, "test", text.encode("utf-8")))


def test_numbering_that_restarts_in_each_sub_section_gets_distinct_keys():
    plan = _parse_text("明确2019年重点任务。\n一 加强保护\n（一）完善法律\n★(1)修订专利法。（知识产权局牵头，司法部参与）\n"
                       "(2)修订商标法。（知识产权局等部门负责）\n（二）加强执法\n(1)开展剑网2019行动。（中央宣传部（国家版权局）、公安部负责）\n")
    assert [t.task_key for t in plan.tasks] == ["1.1.1", "1.1.2", "1.2.1"]
    assert [t.key_task for t in plan.tasks] == [True, False, False]
    assert [t.clause_form for t in plan.tasks] == ["牵头", "等部门负责", "负责"]
    assert plan.tasks[0].departments == ("知识产权局", "司法部")
    assert plan.tasks[2].departments == ("中央宣传部（国家版权局）", "公安部")
    assert plan.sections[0].title == "加强保护"


@pytest.mark.parametrize("marker", ["1.", "1．", "1、", "1. ", "（1）", "(1)"])
def test_task_number_forms(marker):
    second = marker.replace("1", "2")
    plan = _parse_text(f"明确2019年任务。\n一、加强保护\n{marker}甲任务。（知识产权局负责）\n{second}乙任务。（司法部负责）\n")
    assert [(t.task_no, t.text) for t in plan.tasks] == [(1, "甲任务。"), (2, "乙任务。")]


def test_pinyin_inserted_after_characters_is_removed():
    plan = _parse_text("明确2019年任务。\n一、加强保护\n1.推进國(guó)家知【zhī】识产权工作。（知识产权局负责）\n")
    assert plan.tasks[0].text == "推进国家知识产权工作。"


def test_conversion_slip_is_corrected():
    plan = _parse_text("明确2025年任务。\n一、加强保护\n1.推进着作权法实施。（中央宣传部负责）\n")
    assert plan.tasks[0].text == "推进著作权法实施。"
    assert plan.tasks[0].cited_titles == ()


def test_stray_spaces_inside_numbers_and_quotes():
    plan = _parse_text("明确2024年任务。\n一、加强保护\n1.编制“十四五 ”规划，2024 年完成。（知识产权局负责）\n")
    assert plan.tasks[0].text == "编制“十四五”规划，2024年完成。"


def test_duplicate_task_number_is_refused_with_the_file_name():
    with pytest.raises(PlanError, match=r"dup\.txt: duplicate task number 2"):
        _parse_text("明确2019年任务。\n一、甲\n1.甲。（司法部负责）\n2.乙。（司法部负责）\n2.丙。（司法部负责）\n", "dup.txt")


def test_text_without_numbered_tasks_is_refused():
    with pytest.raises(PlanError, match="no numbered tasks"):
        _parse_text("这是一篇关于知识产权的新闻报道，没有任何编号任务。")


def test_unknown_year_is_refused():
    with pytest.raises(PlanError, match="cannot tell which year"):
        _parse_text("一、甲\n1.甲任务。（司法部负责）\n", "untitled.txt")


def test_numbers_inside_running_text_do_not_start_tasks():
    plan = _parse_text("明确2019年任务。\n一、甲\n1.完成1.5亿元投入，落实2、3项措施。（司法部负责）\n2.乙。（司法部负责）\n")
    assert [t.task_no for t in plan.tasks] == [1, 2]
    assert plan.tasks[0].text == "完成1.5亿元投入，落实2、3项措施。"


# Bugs the layout corpus found; each test holds the text that broke the parser -------------------

def test_traditional_copy_on_one_line_with_bare_section_numerals():
    # "no numbered tasks found" before: Traditional script, one line, 一 straight before the title
    text = ("知識產權強國建設綱要和“十四五”規劃實施年度推進計劃為貫徹落實《知識產權強國建設綱要（2021—2035年）》，"
            "明確2021—2022年度重點任務和工作措施，制定本計劃。一完善知識產權制度（一）完善知識產權法律法規規章"
            "1.推進修訂《中華人民共和國反壟斷法》。（市場監管總局、知識產權局負責）2.推進修改《著作權集體管理條例》。"
            "（中央宣傳部負責）二強化知識產權保護（一）加強司法保護3.完善知識產權審判體系。（最高人民法院負責）")
    plan = _parse_text(text, "2021-2022.one-line.txt")
    assert [t.task_key for t in plan.tasks] == ["1.1.1", "1.1.2", "2.1.3"]
    assert [s.title for s in plan.sections] == ["完善知识产权制度", "完善知识产权法律法规规章", "强化知识产权保护",
                                                "加强司法保护"]
    assert plan.tasks[0].departments == ("市场监管总局", "知识产权局")
    assert plan.plan_id == "2021-2022"


def test_section_numeral_run_into_the_plan_title():
    text = ("2020年深入实施国家知识产权战略加快建设知识产权强国推进计划一深化知识产权领域改革（一）改革完善知识产权政策"
            "（1）制定出台政策文件。（知识产权局负责）（2）出台若干意见。（教育部负责）")
    plan = _parse_text(text, "2020.txt")
    assert [t.task_key for t in plan.tasks] == ["1.1.1", "1.1.2"]
    assert plan.sections[0].title == "深化知识产权领域改革"


def test_a_bare_numeral_in_running_text_is_not_a_heading():
    plan = _parse_text("明确2019年任务。\n一、加强保护\n1.推动建立\n二十个知识产权保护中心。（知识产权局负责）\n"
                       "2.统一执法标准。（司法部负责）\n")
    assert [t.task_key for t in plan.tasks] == ["1.1", "1.2"]
    assert plan.tasks[0].text == "推动建立二十个知识产权保护中心。"


def test_task_numbers_of_four_digits_are_kept():
    # a plan numbered 1…5000 loaded as 1003 tasks; "1001." became task 001 of a new section
    lines = ["明确2030年重点任务。", "一、加强保护"]
    lines += [f"{n}.开展第{n}项工作。（知识产权局负责）" for n in range(1, 5001)]
    plan = _parse_text("\n".join(lines), "2030.txt")
    assert [t.task_no for t in plan.tasks] == list(range(1, 5001))
    assert plan.tasks[1000].task_key == "1.1001" and plan.tasks[1000].text == "开展第1001项工作。"


def test_sections_numbered_past_ten():
    lines = ["明确2030年重点任务。"]
    for n, numeral in enumerate(["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"], start=1):
        lines += [f"{numeral}、第{n}部分", f"{n}.开展工作。（知识产权局负责）"]
    plan = _parse_text("\n".join(lines), "2030.txt")
    assert [s.number for s in plan.sections][-3:] == ["十", "十一", "十二"]
    assert plan.tasks[-1].task_key == "12.12"


def test_key_task_marks_and_numbered_items_inside_a_task():
    plan = _parse_text("明确2030年任务。\n一、加强保护\n★1.①修订专利法；②修订商标法。（知识产权局负责）\n"
                       "2.开展执法行动。（公安部负责）\n")
    assert [(t.task_no, t.key_task) for t in plan.tasks] == [(1, True), (2, False)]
    assert plan.tasks[0].text == "①修订专利法；②修订商标法。"


def test_full_width_symbols_become_ascii():
    plan = _parse_text("明确2020年任务。\n一、加强保护\n１．深入推进“互联网＋”知识产权保护，覆盖１００％。（知识产权局负责）\n")
    assert plan.tasks[0].text == "深入推进“互联网+”知识产权保护，覆盖100%。"


def test_plan_laid_out_in_html_table_cells():
    rows = ["明确2020年重点任务。", "一、加强保护", "1.修订专利法。（知识产权局负责）", "2.修订商标法。（司法部负责）"]
    html = ("<html><body><nav><a href='/'>首页</a></nav><table>"
            + "".join(f"<tr><td>{row}</td></tr>" for row in rows) + "</table></body></html>")
    plan = parse_plan(read_bytes("2020.html", "test", html.encode("utf-8")))
    assert [(t.task_key, t.text) for t in plan.tasks] == [("1.1", "修订专利法。"), ("1.2", "修订商标法。")]


@pytest.mark.parametrize("printed", [
    "中央组织部、中央宣传部，最高人民法院；最高人民检察院,外交部：",    # separators switch mid-list
    "中央组织部、中央宣传部、\n最高人民法院、最高人民检察院、\n外交部：",  # a list over several lines
    "中央组织部\n中央宣传部\n最高人民法院\n最高人民检察院\n外交部：",      # one name a line
    "联系电话：010-62083114中央组织部、中央宣传部、最高人民法院、最高人民检察院、外交部：",
])
def test_addressee_lists_as_printed(printed):
    plan = _parse_text(f"国知战联办〔2030〕1号\n\n{printed}\n经联席会议同意，现将计划印发给你们。\n"
                       "明确2030年任务。\n一、加强保护\n1.修订专利法。（知识产权局负责）\n")
    assert plan.metadata.addressees == ("中央组织部", "中央宣传部", "最高人民法院", "最高人民检察院", "外交部")


def test_addressee_with_a_parenthesised_note_keeps_the_note():
    plan = _parse_text("国知联办〔2024〕6号\n国家知识产权强国建设工作部际联席会议各成员单位，中央政法委、"
                       "中央宣传部（国家版权局）、国家知识产权局（商标局、专利局）：\n经联席会议同意，现印发。\n"
                       "明确2024年任务。\n一、加强保护\n1.修订专利法。（国家知识产权局负责）\n")
    assert plan.metadata.addressees == ("国家知识产权强国建设工作部际联席会议各成员单位", "中央政法委",
                                        "中央宣传部（国家版权局）", "国家知识产权局（商标局、专利局）")


# Completeness: only on positive evidence ----------------------------------------------------------

_PLAN_2019_START = ("明确2019年重点任务和工作措施，制定本计划。\n一、完善知识产权制度\n"
                    "1.推进专利法修订。（知识产权局负责）\n2.推进商标法修订。（知识产权局、司法部负责）\n")
_CLOSING = "上述各项任务分工中，由多个部门负责的，列第一位的部门为牵头部门，其他为参与部门。"


def test_a_copy_ending_in_a_section_preamble_after_a_whole_task_is_partial():
    # marked complete before: the last task is whole, but the text goes on into the next section
    plan = _parse_text(_PLAN_2019_START + "二、加强知识产权保护\n为加快建设知识产权强国，", "2019.txt")
    assert not plan.complete
    assert plan.partial_reason == "ends after task 1.2, inside the heading or preamble of 二 加强知识产权保护"
    assert not any(t.truncated for t in plan.tasks)


def test_a_copy_ending_inside_the_closing_is_partial():
    plan = _parse_text(_PLAN_2019_START + "上述各项任务分工中，由多个部门负责的，", "2019.txt")
    assert not plan.complete and plan.partial_reason == "ends inside the closing after task 1.2"


def test_a_copy_ending_after_a_whole_task_without_closing_is_partial():
    plan = _parse_text(_PLAN_2019_START, "2019.txt")
    assert not plan.complete
    assert plan.partial_reason.startswith("ends after task 1.2 with no closing")


def test_a_copy_ending_with_the_closing_is_complete():
    plan = _parse_text(_PLAN_2019_START + _CLOSING + "\n【关闭窗口】", "2019.txt")
    assert plan.complete and plan.completeness.evidence == "ends with the plan's closing"


def test_the_catalogue_count_must_agree():
    catalogue = load_catalogue()  # 2019: 106 measures in 5 sections
    plan = parse_plan(read_bytes("2019.txt", "test", (_PLAN_2019_START + _CLOSING).encode()), catalogue)
    assert not plan.complete and plan.partial_reason == "2 tasks where the catalogue states 106"


def test_the_last_stated_section_closed_is_evidence_and_100_yu_means_more_than_100():
    catalogue = load_catalogue()  # 2024: 7 sections, 100余项
    numerals = "一二三四五六七"
    lines, number = ["明确2024年重点任务。"], 0
    for section in range(7):
        lines.append(f"{numerals[section]}、第{section + 1}部分")
        for _ in range(15):
            number += 1
            lines.append(f"{number}.开展第{number}项工作。（国家知识产权局负责）")
    whole = parse_plan(read_bytes("2024.txt", "test", "\n".join(lines).encode()), catalogue)
    assert len(whole.tasks) == 105 and whole.complete
    short = parse_plan(read_bytes("2024.txt", "test", "\n".join(lines[:-10]).encode()), catalogue)
    assert not short.complete and short.partial_reason == "95 tasks where the catalogue states more than 100"


def test_a_gap_in_the_numbering_on_one_line_keeps_the_task():
    # on one line, "1002." after task 1000's clause was swallowed into task 1000 (a silent drop)
    lines = [f"{n}.开展第{n}项工作。（知识产权局负责）" for n in [*range(1, 1001), 1002]]
    plan = _parse_text("明确2030年重点任务。一、加强保护" + "".join(lines), "2030.txt")
    assert [t.task_no for t in plan.tasks][-2:] == [1000, 1002]
    assert plan.tasks[-2].text == "开展第1000项工作。"


def test_taiwan_standard_zhe_is_converted_back():
    # OpenCC s2tw prints 着力 as 著力, which t2s keeps: the normalised text differed from the original
    plan = _parse_text("明確2030年任務。\n一、加強保護\n1.著力推進知識產權保護，著眼長遠，著重解決難題，著手制定《著作權法》"
                       "配套規定，圍繞著創新發展。（知識產權局負責）\n", "2030.txt")
    assert plan.tasks[0].text == "着力推进知识产权保护，着眼长远，着重解决难题，着手制定《著作权法》配套规定，围绕着创新发展。"
