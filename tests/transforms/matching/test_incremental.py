"""Incremental matching: unchanged leading plans keep their links; only what follows a change is matched.

On the real plans of ../shared/plans, parsed with the real parser and registry.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.transforms.matching.test_gold import source_tasks
from transforms.matching.evaluation import evaluate_gold, read_gold
from transforms.matching.frames import tasks_frame
from transforms.matching.incremental import PriorMatching
from transforms.matching.matcher import LinkOverride, match_plans
from transforms.matching.spec import DEFAULT_SPEC, with_settings

LINK_KEY = ["from_plan", "from_task_key", "to_plan", "to_task_key"]


@pytest.fixture(scope="module")
def all_tasks(parsed_plans, registry) -> pd.DataFrame:
    return tasks_frame(list(parsed_plans.values()), registry)


def plans_up_to(tasks: pd.DataFrame, last: str) -> pd.DataFrame:
    return tasks[tasks["period_start"] <= int(last[:4])].reset_index(drop=True)


def prior_of(result) -> PriorMatching:
    return PriorMatching(links=result.links, plans=result.plans)


def links_into(result, plans: set[str]) -> pd.DataFrame:
    return result.links[result.links["to_plan"].isin(plans)].reset_index(drop=True)


@pytest.fixture(scope="module")
def before(all_tasks):
    """The plans up to 2020, matched from scratch."""
    return match_plans(plans_up_to(all_tasks, "2020"))


def test_a_new_year_is_matched_alone_and_earlier_links_are_kept_as_written(all_tasks, before):
    after = match_plans(all_tasks, before.lineage, prior=prior_of(before))
    assert after.kept_plans == 3 and after.matched_plans == ["2021-2022"]
    pd.testing.assert_frame_equal(links_into(after, {"2016", "2020"}), before.links)
    kept_lineage = after.lineage.merge(before.lineage, on=["plan_id", "task_key"], suffixes=("", "_before"))
    assert len(kept_lineage) == len(before.lineage)
    assert (kept_lineage["lineage_id"] == kept_lineage["lineage_id_before"]).all()


def test_the_new_year_gets_the_links_a_full_rebuild_gives_it(all_tasks, before):
    after = match_plans(all_tasks, before.lineage, prior=prior_of(before))
    rebuilt = match_plans(all_tasks, before.lineage)
    new_plan = {"2021-2022"}
    columns = [*LINK_KEY, "status", "role", "kind"]
    assert len(links_into(after, new_plan)) > 0
    pd.testing.assert_frame_equal(links_into(after, new_plan)[columns], links_into(rebuilt, new_plan)[columns])
    pd.testing.assert_frame_equal(after.lineage, rebuilt.lineage)


def test_kept_links_are_not_scored_again(all_tasks, before):
    # A prior whose 2016 → 2020 link carries a score the matcher would never give: kept as it is.
    edited = before.links.copy()
    edited.loc[edited["to_plan"] == "2020", "score"] = 0.123
    after = match_plans(all_tasks, before.lineage, prior=PriorMatching(edited, before.plans))
    assert (links_into(after, {"2020"})["score"] == 0.123).all()


def test_a_changed_plan_is_matched_again_with_every_plan_after_it(all_tasks, before):
    edited = before.links.copy()
    edited.loc[edited["to_plan"] == "2020", "score"] = 0.123
    changed = all_tasks.copy()
    first_2016 = changed.index[changed["plan_id"] == "2016"][0]
    changed.loc[first_2016, "text"] = changed.loc[first_2016, "text"] + "加强统筹协调。"
    after = match_plans(changed, before.lineage, prior=PriorMatching(edited, before.plans))
    assert after.kept_plans == 1 and after.matched_plans == ["2016", "2020", "2021-2022"]
    assert (links_into(after, {"2020"})["score"] != 0.123).all()


def test_a_plan_earlier_than_every_matched_plan_rebuilds_the_series(all_tasks):
    later = all_tasks[all_tasks["plan_id"] != "2015"].reset_index(drop=True)
    prior = match_plans(later)
    after = match_plans(all_tasks, prior.lineage, prior=prior_of(prior))
    assert after.kept_plans == 0 and after.matched_plans == ["2016", "2020", "2021-2022"]


def test_an_override_naming_a_plan_rematches_from_that_plan(all_tasks, before):
    link = links_into(before, {"2020"}).iloc[0]
    reject = LinkOverride(link["from_plan"], link["from_task_key"], link["to_plan"], link["to_task_key"], "reject")
    after = match_plans(plans_up_to(all_tasks, "2020"), before.lineage, [reject], prior=prior_of(before))
    assert after.kept_plans == 1 and after.matched_plans == ["2016", "2020"]
    decided = links_into(after, {"2020"}).set_index(LINK_KEY).index
    assert tuple(link[LINK_KEY]) not in decided


def test_other_matcher_settings_rebuild_the_series(all_tasks, before):
    stricter = with_settings(DEFAULT_SPEC, "decision", threshold=0.9)
    after = match_plans(plans_up_to(all_tasks, "2020"), before.lineage, spec=stricter, prior=prior_of(before))
    assert after.kept_plans == 0


def test_nothing_changed_keeps_everything(all_tasks, before):
    again = match_plans(plans_up_to(all_tasks, "2020"), before.lineage, prior=prior_of(before))
    assert again.kept_plans == 3 and again.matched_plans == []
    pd.testing.assert_frame_equal(again.links, before.links)
    pd.testing.assert_frame_equal(again.lineage, before.lineage)
    pd.testing.assert_frame_equal(again.plan_changes, before.plan_changes)


def test_plans_arriving_one_year_at_a_time_meet_the_gold_targets(all_tasks, parsed_plans, shared_plans):
    """The gold pairs, scored on lineages built as the plans arrived, oldest first."""
    result = None
    for last in ("2015", "2016", "2020", "2021-2022"):
        prior = None if result is None else prior_of(result)
        result = match_plans(plans_up_to(all_tasks, last), None if result is None else result.lineage, prior=prior)
        assert result.matched_plans == ([] if last == "2015" else [last])
    gold = read_gold((shared_plans.parent / "eval" / "gold_dev.csv").read_text(encoding="utf-8"))
    scores = evaluate_gold(gold, source_tasks(parsed_plans), result.lineage)
    assert scores.precision == 1.0 and scores.recall == 1.0
