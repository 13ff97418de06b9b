"""Lineage history pages, the overview's progress lists and the links to the pages (hand-made tables)."""

from __future__ import annotations

import dataclasses
import re

import pandas as pd

from transforms.history import AppearanceRow, PlanSpan, lineage_history
from transforms.reports import render_overview, render_pair_report
from transforms.reports.lineage import render_lineage_page
from transforms.reports.model import PROGRESS_COLUMNS

PLANS = [PlanSpan("2016", 2016, 2016, True), PlanSpan("2018", 2018, 2018, True),
         PlanSpan("2020", 2020, 2020, False)]


def appearance(plan_id: str, year: int, no: int, text: str, stage: str, order: int, lead: str, line: str):
    return AppearanceRow("L9", plan_id, year, f"1.{no}", no, text, f"{lead}负责", (lead,), (line,), lead, line,
                         stage, order, stage, False)


def test_a_lineage_page_shows_each_appearance_against_the_previous():
    history = lineage_history("L9", [appearance("2016", 2016, 3, "研究修订示例条例。", "起草", 2, "工商总局", "市场监管总局"),
                                     appearance("2020", 2020, 7, "推动修订示例条例。", "推进", 3, "市场监管总局",
                                                "市场监管总局")], PLANS)
    page = render_lineage_page(history, "zh")
    assert page.stem == "lineages/L9" and page.artifact is False
    assert "<del>研究</del>修订示例条例。" in page.html and "<ins>推动</ins>修订示例条例。" in page.html
    assert "推进 ↑" in page.html and "工商总局（市场监管总局）" in page.html
    assert '<a href="../overview.html">' in page.html and "](../overview.md)" in page.markdown
    statuses = re.findall(r'<td class="status (\w+)">', page.html)
    # 2017 and 2019: no plan loaded; 2018: a complete plan without the task; 2020: present
    assert statuses == ["present", "not_loaded", "absent", "not_loaded", "present"]
    assert "| 出现 | 未载入该年计划 | 未出现（完整计划） | 未载入该年计划 | 出现 |" in page.markdown


def test_the_overview_lists_stalled_advanced_and_finished_lines(overview):
    progress = pd.DataFrame([
        ("L1", "2015", "2020", 2015, 2020, 3, ["推进", "推进", "推进"], False, None, 2, "推进", False, "推进示例修订。"),
        ("L2", "2016", "2020", 2016, 2020, 2, ["起草", "出台"], True, "2020", 0, "出台", True, "出台示例办法。"),
        ("L3", "2020", "2020", 2020, 2020, 1, ["出台"], False, None, 0, "出台", True, "出台单年办法。"),
        ("L4", "2016", "2020", 2016, 2020, 2, ["推进", "推进"], False, None, 1, "推进", False, "两次未推进。"),
    ], columns=PROGRESS_COLUMNS)
    report = render_overview(dataclasses.replace(overview, progress=progress), "zh")
    html = report.html
    section = html[html.index('id="progress"'):html.index('id="departments"')]
    stalled = section[section.index('id="progress-stalled"'):section.index('id="progress-advanced"')]
    advanced = section[section.index('id="progress-advanced"'):section.index('id="progress-finished"')]
    finished = section[section.index('id="progress-finished"'):]
    assert '<a href="lineages/L1.html">推进示例修订。</a>' in stalled and "推进 → 推进 → 推进" in stalled
    assert "L4" not in stalled  # two appearances are not yet a stall
    assert "lineages/L2.html" in advanced and "起草 → 出台" in advanced and "2020" in advanced
    assert "lineages/L2.html" in finished and "L3" not in section  # single-plan lines have no history page
    assert "[推进示例修订。](lineages/L1.md)" in report.markdown


def test_the_overview_timeline_and_longest_lines_link_to_the_pages(overview):
    html = render_overview(overview, "zh").html
    assert '<a href="lineages/L1.html"><text' in html  # the timeline row's label
    assert '<a href="lineages/L2.html">实施示例办法。</a>' in html  # the longest-running table


def test_every_comparison_row_links_to_its_line(pair_report):
    report = render_pair_report(pair_report, "zh")
    rows = re.findall(r"<tr>\s*<td class=\"no\">.*?</tr>", report.html[report.html.index('id="comparison"'):
                                                                        report.html.index('id="new"')], flags=re.S)
    continued = pair_report.tasks[pair_report.tasks["change"] == "continued"]
    assert len(rows) == len(continued) > 0
    for row, lineage_id in zip(rows, continued["lineage_id"]):
        assert f'href="lineages/{lineage_id}.html"' in row
    assert f"(lineages/{continued['lineage_id'].iloc[0]}.md)" in report.markdown


def test_a_search_page_highlights_the_query_and_links_each_line():
    from transforms.reports.search_page import render_search_page, search_stem
    from transforms.search import TaskText, parse_query, search_tasks

    tasks = [TaskText("2016", 2016, "1.1", 1, "积极推进专利法第四次修订。", "L1", (), ("知识产权局",)),
             TaskText("2020", 2020, "2.1.22", 22, "配合做好《专利法》修改。", "L1", ("专利法",), ("知识产权局",)),
             TaskText("2020", 2020, "2.1.30", 30, "研究专利法/实施问题。", "L7")]
    query = parse_query("專利法")
    page = render_search_page(query, search_tasks(query, tasks), {"L1"}, "zh")
    assert page.stem == search_stem(query) == "search_专利法" and page.artifact is False
    assert "<mark>《专利法》</mark>修改" in page.html and "积极推进<mark>专利法</mark>第四次修订" in page.html
    assert '<a href="lineages/L1.html">L1</a> · 2016、2020' in page.html
    assert "lineages/L7" not in page.html  # a line in one plan has no history page
    assert "配合做好**《专利法》**修改" in page.markdown and "(lineages/L1.md)" in page.markdown
    assert search_stem(parse_query("商业/秘密 ")) == "search_商业_秘密"  # no folder in a file name
