"""Targets on the labelled real pairs (../shared/eval/gold_dev.csv), with the real parser and registry.

Scored closed-world, as the gold README says: within every pair of files it labels, any two
tasks linked but not labelled (or implied) as linked are a false link.
"""

from __future__ import annotations

import pandas as pd
import pytest

from transforms.matching.evaluation import evaluate_gold, read_gold
from transforms.matching.frames import tasks_frame
from transforms.matching.matcher import match_plans


@pytest.fixture(scope="module")
def gold(shared_plans):
    return read_gold((shared_plans.parent / "eval" / "gold_dev.csv").read_text(encoding="utf-8"))


def source_tasks(parsed: dict) -> pd.DataFrame:
    """file → its tasks, as the warehouse's raw_source_tasks has them."""
    return pd.DataFrame([(name, t.task_no, plan.plan_id, t.task_key) for name, plan in parsed.items()
                         for t in plan.tasks], columns=["source", "number", "plan_id", "task_key"])


@pytest.fixture(scope="module")
def matched(parsed_plans, registry):
    return match_plans(tasks_frame(list(parsed_plans.values()), registry))


def test_gold_precision_and_recall_closed_world(gold, parsed_plans, matched):
    result = evaluate_gold(gold, source_tasks(parsed_plans), matched.lineage)
    assert result.precision >= 0.95, result.misses
    assert result.recall >= 0.90, result.misses


def test_gold_labelled_rows_only(gold, parsed_plans, matched):
    result = evaluate_gold(gold, source_tasks(parsed_plans), matched.lineage, closed_world=False)
    assert result.precision >= 0.95 and result.recall >= 0.90, result.misses


def test_no_labelled_hard_negative_is_linked(gold, parsed_plans, matched):
    located = source_tasks(parsed_plans).merge(matched.lineage, on=["plan_id", "task_key"])
    line = {(s, str(n)): line for s, n, line in zip(located["source"], located["number"], located["lineage_id"])}
    for row in gold[gold["label"] == "nonmatch"].itertuples():
        assert line[(row.left_file, row.left_task)] != line[(row.right_file, row.right_task)], row.note


def test_a_truncated_copy_still_links(parsed_plans, registry):
    """Only the Simplified copy of 2021–2022, which ends inside task 1: that task still
    continues 2020 task 22 (gold: 2020.gov.md,22 → 2021-2022.cnipa.txt,1)."""
    plans = [parsed_plans[name] for name in ("2016.showlaw.txt", "2020.gov.md", "2021-2022.cnipa.txt")]
    links = match_plans(tasks_frame(plans, registry)).links
    found = links[(links["to_plan"] == "2021-2022") & (links["to_task_no"] == 1)]
    assert found[["from_plan", "from_task_no", "status"]].values.tolist() == [["2020", 22, "auto"]]


def test_copies_of_one_plan_share_lineages(parsed_plans, matched):
    tasks = source_tasks(parsed_plans)
    copies = tasks[tasks["plan_id"] == "2021-2022"].merge(matched.lineage, on=["plan_id", "task_key"])
    by_number = copies.groupby("number")["lineage_id"].nunique()
    assert (by_number == 1).all()
