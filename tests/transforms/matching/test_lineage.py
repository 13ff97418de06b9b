"""Chaining links into lineages: gaps, plan order, and ids that do not move."""

from __future__ import annotations

import pytest

from tests.transforms.matching.helpers import (
    COPYRIGHT, CUSTOMS, EDUCATION, FINANCE, GEO, PATENT, PIRACY, SEEDS, frame, task,
)
from transforms.matching.spec import DEFAULT_SPEC, with_settings
from transforms.matching.matcher import LinkOverride, match_plans

ALL = [PATENT, COPYRIGHT, CUSTOMS, PIRACY, SEEDS, EDUCATION, FINANCE, GEO]


def plan(plan_id: str, texts: list[str]) -> list[dict]:
    return [task(plan_id, i + 1, text, ["知识产权局"]) for i, text in enumerate(texts)]


def lineage_of(result, plan_id: str, text_index: int, texts: list[str]) -> str:
    rows = result.lineage
    return rows[(rows["plan_id"] == plan_id) & (rows["task_no"] == text_index + 1)]["lineage_id"].iloc[0]


def same_lineage(result, a: tuple[str, int], b: tuple[str, int]) -> bool:
    rows = result.lineage.set_index(["plan_id", "task_no"])["lineage_id"]
    return rows[a] == rows[b]


SERIES = {  # GEO is absent from 2017 and back in 2019
    "2016": ALL,
    "2017": ALL[:7],
    "2019": [GEO] + ALL[:6],
}


def series(*plan_ids: str):
    return frame(*[row for plan_id in plan_ids for row in plan(plan_id, SERIES[plan_id])])


def test_a_task_absent_in_between_links_to_its_last_appearance():
    result = match_plans(series("2016", "2017", "2019"))
    assert same_lineage(result, ("2016", 8), ("2019", 1))
    gap = result.links[(result.links["from_plan"] == "2016") & (result.links["to_plan"] == "2019")]
    assert gap["is_gap"].all() and len(gap) == 1


def test_no_gap_link_beyond_the_window():
    result = match_plans(series("2016", "2017", "2019"),
                         spec=with_settings(DEFAULT_SPEC, "observation", calendar_window_years=2))
    assert not same_lineage(result, ("2016", 8), ("2019", 1))


def test_plans_spanning_two_years_sort_by_their_start_year():
    rows = plan("2023", ALL[:6]) + plan("2021-2022", ALL[:7]) + plan("2020", ALL)
    result = match_plans(frame(*rows))
    assert set(zip(result.links["from_plan"], result.links["to_plan"])) == {("2020", "2021-2022"), ("2021-2022", "2023")}


def test_rerunning_from_scratch_gives_the_same_ids():
    first = match_plans(series("2016", "2017"))
    again = match_plans(series("2016", "2017"))
    assert first.lineage.equals(again.lineage)


def test_adding_a_later_year_keeps_existing_ids():
    before = match_plans(series("2016", "2017"))
    after = match_plans(series("2016", "2017", "2019"), previous_lineage=before.lineage)
    kept = before.lineage.merge(after.lineage, on=["plan_id", "task_key"], suffixes=("_before", "_after"))
    assert (kept["lineage_id_before"] == kept["lineage_id_after"]).all()
    assert same_lineage(after, ("2017", 1), ("2019", 2))


def test_adding_an_earlier_year_keeps_existing_ids():
    before = match_plans(series("2017", "2019"))
    after = match_plans(series("2016", "2017", "2019"), previous_lineage=before.lineage)
    kept = before.lineage.merge(after.lineage, on=["plan_id", "task_key"], suffixes=("_before", "_after"))
    assert (kept["lineage_id_before"] == kept["lineage_id_after"]).all()
    assert same_lineage(after, ("2016", 1), ("2017", 1))


def test_a_rejected_link_cuts_a_lineage_and_the_older_part_keeps_its_id():
    before = match_plans(series("2016", "2017"))
    reject = [LinkOverride("2016", "1", "2017", "1", "reject", "not the same line")]
    after = match_plans(series("2016", "2017"), previous_lineage=before.lineage, overrides=reject)
    ids_before = before.lineage.set_index(["plan_id", "task_no"])["lineage_id"]
    ids_after = after.lineage.set_index(["plan_id", "task_no"])["lineage_id"]
    assert ids_after[("2016", 1)] == ids_before[("2016", 1)]
    assert ids_after[("2017", 1)] != ids_after[("2016", 1)]


@pytest.mark.parametrize("plan_ids", [("2016", "2017"), ("2016", "2017", "2019")], ids=["two plans", "three plans"])
def test_every_task_has_exactly_one_lineage(plan_ids):
    result = match_plans(series(*plan_ids))
    assert len(result.lineage) == sum(len(SERIES[p]) for p in plan_ids)
    assert not result.lineage.duplicated(["plan_id", "task_key"]).any()
