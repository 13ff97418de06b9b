"""The multi-year overview rendered from hand-made tables."""

from __future__ import annotations

import re
from dataclasses import replace

from transforms.reports import render_overview


def test_continuity_per_pair_links_to_the_pair_reports(overview):
    report = render_overview(overview, "en")
    assert report.stem == "overview"
    assert '<a href="2015_2016.html">2015 → 2016</a>' in report.html
    assert "[2016 → 2020](2016_2020.md)" in report.markdown
    assert "33%" in report.html and "75%" in report.html
    assert "3 / 4" in report.html  # continued out of the earlier plan's tasks


def test_longest_lines_show_their_span_and_gaps(overview):
    html = render_overview(overview, "zh").html
    longest = html[html.index('id="longest"'):html.index('id="departments"')]
    rows = re.findall(r"<tr><td class=\"no\">.*?</tr>", longest, flags=re.S)
    assert len(rows) == 2  # lines seen in one plan only are not listed
    assert "2015" in rows[0] and "2016" in rows[0] and "开展示例行动。" in rows[0]  # 2016: the gap


def test_timeline_draws_a_gap_dashed(overview):
    html = render_overview(overview, "zh").html
    timeline = html[html.index('id="timeline"'):html.index('id="longest"')]
    assert timeline.count("<circle") == 4  # two lines, two plans each
    assert timeline.count("stroke-dasharray") == 1  # L1 skips 2016
    assert "单年出现的脉络：1 条" in timeline


def test_tasks_per_department_line_per_year(overview):
    report = render_overview(overview, "en")
    assert "| 中央宣传部 |  | 1 (1) | 3 (2) |" in report.markdown
    assert "| 农业农村部 |  |  | 1 (1) |" in report.markdown


def test_partial_plans_are_noted(overview):
    html = render_overview(overview, "en").html
    assert "2015: partial document" in html and "2016: partial document" in html
    assert "2020: partial document" not in html


def test_data_quality_links_to_the_data_docs_when_given(overview):
    assert "Data Docs" not in render_overview(overview, "en").html
    report = render_overview(replace(overview, data_docs="../gx/data_docs/local_site/index.html"), "zh")
    quality = report.html[report.html.index('id="data-quality"'):]
    assert '<a href="../gx/data_docs/local_site/index.html">每项质量检查的结果（Great Expectations Data Docs）</a>' in quality
    assert "ipplans validate --docs" in quality
    assert "](../gx/data_docs/local_site/index.html)" in report.markdown
