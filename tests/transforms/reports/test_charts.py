"""The SVG charts: geometry that says what the numbers say, and text labels."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from tests.transforms.reports.tables import PLAN_A, PLAN_B, task_rows
from transforms.reports.charts import flow_chart, workload_bars
from transforms.reports.labels import Labels

SVG = "{http://www.w3.org/2000/svg}"


def rect_heights(svg: ET.Element) -> dict[str, float]:
    return {rect.find(f"{SVG}title").text: float(rect.get("height")) for rect in svg.iter(f"{SVG}rect")}


def test_flow_chart_joins_each_kind_and_sizes_nodes_by_tasks():
    svg = ET.fromstring(flow_chart(task_rows(), PLAN_A, PLAN_B, Labels("en")))
    bands = [path.find(f"{SVG}title").text for path in svg.iter(f"{SVG}path")]
    assert sorted(bands) == ["departments changed 1 → departments changed 1", "resumed line 1 → resumed line 1",
                             "stage advanced 1 → stage advanced 1"]
    heights = rect_heights(svg)
    assert heights["new 2"] == 2 * heights["dropped 1"]  # on one scale


def test_flow_chart_labels_are_text():
    svg = flow_chart(task_rows(), PLAN_A, PLAN_B, Labels("zh"))
    texts = re.findall(r"<text[^>]*>([^<]+)</text>", svg)
    assert "新增 2" in texts and "未延续 1" in texts and "2016 任务数 4" in texts


def test_workload_bars_scale_to_the_largest_value():
    svg = ET.fromstring(workload_bars(["知识产权局", "中央宣传部"], [[4, 57], [2, 0]], ["2016", "2020"]))
    widths = [float(rect.get("width")) for rect in svg.iter(f"{SVG}rect") if rect.get("y") != "6"]
    assert widths == pytest.approx([540 * 4 / 57, 540.0, 540 * 2 / 57], abs=0.05)  # a zero draws no bar
    assert [t.text for t in svg.iter(f"{SVG}text")][:4] == ["2016", "2020", "知识产权局", "4"]
