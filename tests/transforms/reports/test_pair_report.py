"""The pair report rendered from hand-made tables: what a reader sees, in both languages."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from transforms.reports import render_pair_report


def table_row(html: str, marker: str) -> str:
    """The <tr> of an HTML table that contains `marker`."""
    rows = [row for row in re.findall(r"<tr>.*?</tr>", html, flags=re.S) if marker in row]
    assert len(rows) == 1, f"expected one row with {marker!r}, found {len(rows)}"
    return rows[0]


def test_names_and_files(pair_report):
    report = render_pair_report(pair_report, "zh")
    assert report.stem == "2016_2020"
    assert report.title == "2016 → 2020 推进计划对比"


@pytest.mark.parametrize("lang, labels", [
    ("zh", ["延续", "新增", "未延续", "任务对照", "职责变化", "机构改革"]),
    ("en", ["continued", "new", "dropped", "Task comparison", "Responsibility shifts", "institutional reform"]),
])
def test_interface_labels_follow_the_language(pair_report, lang, labels):
    report = render_pair_report(pair_report, lang)
    for label in labels:
        assert label in report.html and label in report.markdown
    # plan text is never translated
    assert "配合做好《示例法》修订工作" in report.html.replace("<ins>", "").replace("</ins>", "")


def test_headline_counts(pair_report):
    html = render_pair_report(pair_report, "en").html
    cards = dict((label, int(value)) for value, label in re.findall(
        r'<div class="value">(\d+)</div><div class="label">([^<]+)</div>', html))
    assert cards["continued"] == 3 and cards["new"] == 2 and cards["dropped"] == 1
    assert cards["split"] == 0  # kinds absent from the counts show as 0


def test_side_by_side_row_marks_character_differences(pair_report):
    report = render_pair_report(pair_report, "zh")
    row = table_row(report.html, "配合做好")
    assert "<del>积极推动</del>示例法<del>第三次</del>修订。" in row
    assert "<ins>配合做好《</ins>示例法<ins>》</ins>修订<ins>工作</ins>。" in row
    assert "版权局、法制办按职责分别负责" in row and "中央宣传部、广电总局负责" in row
    assert "<del>积极推动</del>示例法<del>第三次</del>修订。" in report.markdown


def test_a_reform_is_labelled_as_such(pair_report):
    html = render_pair_report(pair_report, "zh").html
    assert "机构改革" in table_row(html, "农业农村部</td>")
    assert "不再列名" in table_row(html, "<td>法制办</td>")
    assert "新增部门" in table_row(html, "广电总局</td>")


def test_new_and_dropped_tasks_are_grouped_by_printed_section(pair_report):
    html = render_pair_report(pair_report, "zh").html
    new_part = html[html.index('id="new"'):html.index('id="dropped"')]
    assert "二、加大保护力度 / （一）完善法规" in new_part and "二、加大保护力度 / （二）强化执法" in new_part
    assert "延续 2015 的工作脉络" in new_part  # a line that comes back after a gap
    assert "本副本中文本不完整" in new_part  # task 26 is cut short
    dropped_part = html[html.index('id="dropped"'):html.index('id="responsibility"')]
    assert "一、严格保护" in dropped_part and "修订示例规定。" in dropped_part


def test_stage_advances_are_listed(pair_report):
    html = render_pair_report(pair_report, "en").html
    stage_part = html[html.index('id="stage"'):html.index('id="workload"')]
    assert "示例办法" in stage_part and "开展示例行动" not in stage_part


def test_partial_documents_and_warnings_are_noted(pair_report):
    report = render_pair_report(pair_report, "en")
    note = "2016: partial document: only the opening part survived; tasks absent here may exist in the full plan."
    assert note in report.html and note in report.markdown
    assert "2020: partial document" not in report.html
    assert "task 9 is cut short in this copy." in report.html and "示例.md: 示例警告" in report.html


def test_plan_text_is_escaped(pair_report):
    report = render_pair_report(pair_report, "zh")
    assert "<b>示例</b>" not in report.html and "&lt;b&gt;示例&lt;/b&gt;|指南*" in report.html
    # in Markdown, a | would end the table cell and * would start emphasis
    assert r"&lt;b&gt;示例&lt;/b&gt;\|指南\*" in report.markdown


def test_charts_are_inline_svg(pair_report):
    html = render_pair_report(pair_report, "zh").html
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(svgs) == 2  # the task flow and the workload bars
    for svg in svgs:
        ET.fromstring(svg)  # well-formed
    assert "Noto Sans CJK SC" in svgs[0] and "新增 2" in svgs[0]


def test_the_page_loads_nothing_from_elsewhere(pair_report):
    html = render_pair_report(pair_report, "zh").html
    assert "default-src 'none'" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "<script" not in html
