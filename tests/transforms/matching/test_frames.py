"""Building the matcher's input from parsed plans."""

from __future__ import annotations

from transforms.matching.features import REQUIRED_COLUMNS
from transforms.matching.frames import section_title, tasks_frame


def test_copies_of_one_plan_become_one_plan_with_the_most_complete_task(parsed_plans, registry):
    copies = [parsed_plans["2021-2022.cnipa.txt"], parsed_plans["2021-2022.izubei.txt"]]
    frame = tasks_frame(copies, registry)
    assert frame["plan_id"].unique().tolist() == ["2021-2022"]
    assert frame["task_no"].tolist() == [1, 2]
    first = frame.iloc[0]
    assert not first["truncated"]  # the Traditional copy has task 1 in full, the Simplified one does not
    assert first["departments"] == ["市场监管总局", "农业农村部", "知识产权局"]
    assert first["lineage_ids"] == ["samr", "mara", "cnipa"]
    assert frame.iloc[1]["truncated"]


def test_frame_has_the_matcher_columns_and_section_titles(parsed_plans, registry):
    frame = tasks_frame([parsed_plans["2020.gov.md"], parsed_plans["2016.showlaw.txt"]], registry)
    assert list(frame.columns) == list(REQUIRED_COLUMNS)
    task22 = frame[(frame["plan_id"] == "2020") & (frame["task_no"] == 22)].iloc[0]
    assert task22["section_title"] == "加大知识产权保护力度 / 完善法律法规规章"
    assert task22["cited_titles"] == ["专利法", "专利法实施细则", "专利审查指南"]
    # a pre-2018 name resolves to its present-day line
    task2 = frame[(frame["plan_id"] == "2016") & (frame["task_no"] == 2)].iloc[0]
    assert task2["departments"] == ["版权局", "法制办"] and task2["lineage_ids"] == ["cpd", "moj"]


def test_section_title_joins_levels():
    sections = {"2": "加大知识产权保护力度", "2.1": "完善法律法规规章"}
    assert section_title(sections, "2.1") == "加大知识产权保护力度 / 完善法律法规规章"
    assert section_title(sections, "2") == "加大知识产权保护力度"
    assert section_title(sections, "") == ""


def test_without_a_registry_lines_are_unknown(parsed_plans):
    frame = tasks_frame([parsed_plans["2016.showlaw.txt"]], None)
    assert all(all(line is None for line in lines) for lines in frame["lineage_ids"])
