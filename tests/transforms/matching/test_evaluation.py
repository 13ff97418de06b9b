"""Scoring lineages: pairwise over tasks of different plans, and against gold files."""

from __future__ import annotations

import pandas as pd
import pytest

from transforms.matching.evaluation import evaluate_gold, pairwise_lineage_scores, read_gold


def lineage(rows):
    return pd.DataFrame(rows, columns=["plan_id", "task_key", "lineage_id"])


TRUTH = pd.DataFrame([("2019", "a", "T1"), ("2020", "a", "T1"), ("2021", "a", "T1"), ("2020", "b", "T2")],
                     columns=["plan_id", "task_key", "true_lineage"])


@pytest.mark.parametrize(("predicted", "expected"), [
    ([("2019", "a", "L"), ("2020", "a", "L"), ("2021", "a", "L"), ("2020", "b", "M")], (1.0, 1.0)),
    ([("2019", "a", "L"), ("2020", "a", "L"), ("2021", "a", "N"), ("2020", "b", "M")], (1.0, 1 / 3)),
    ([("2019", "a", "L"), ("2020", "a", "L"), ("2021", "a", "L"), ("2020", "b", "L")], (3 / 5, 1.0)),
], ids=["perfect", "a lineage cut in two", "a wrong link joins two lineages"])
def test_pairwise_scores(predicted, expected):
    result = pairwise_lineage_scores(lineage(predicted), TRUTH)
    assert (result.precision, result.recall) == pytest.approx(expected)


GOLD = read_gold("""left_file,left_task,right_file,right_task,label,note
a.txt,1,b.txt,1,match,
a.txt,2,b.txt,3,nonmatch,hard negative
a.txt,3,b.txt,2,ambiguous,
b.txt,1,c.txt,1,same_document,copies
""")
SOURCES = pd.DataFrame(
    [("a.txt", n, "2019", f"k{n}") for n in (1, 2, 3)] + [("b.txt", n, "2020", f"k{n}") for n in (1, 2, 3)]
    + [("c.txt", 1, "2020", "k1")], columns=["source", "number", "plan_id", "task_key"])


def lines(mapping):
    return lineage([(plan, key, line) for (plan, key), line in mapping.items()])


def test_gold_closed_world_counts_unlabelled_links_as_wrong():
    predicted = lines({("2019", "k1"): "L1", ("2020", "k1"): "L1", ("2019", "k2"): "L2", ("2020", "k2"): "L2",
                       ("2019", "k3"): "L3", ("2020", "k3"): "L4"})
    closed = evaluate_gold(GOLD, SOURCES, predicted)
    labelled = evaluate_gold(GOLD, SOURCES, predicted, closed_world=False)
    # a2–b2 is linked but labelled nothing: wrong in the closed world, unscored otherwise
    assert (closed.true_positives, closed.false_positives, closed.false_negatives) == (2, 1, 0)
    assert (labelled.true_positives, labelled.false_positives) == (2, 0)
    assert closed.misses[["left_task", "right_task", "error"]].values.tolist() == [["2", "2", "false link"]]


def test_gold_ambiguous_pairs_are_not_scored_and_copies_pair_by_number():
    predicted = lines({("2019", "k1"): "L1", ("2020", "k1"): "L1", ("2019", "k3"): "L9", ("2020", "k2"): "L9"})
    result = evaluate_gold(GOLD, SOURCES, predicted, closed_world=False)
    assert (result.precision, result.recall) == (1.0, 1.0)


def test_gold_missed_link_is_reported():
    result = evaluate_gold(GOLD, SOURCES, lines({("2019", "k1"): "L1", ("2020", "k1"): "L2"}), closed_world=False)
    assert result.recall == 0.5 and result.misses["error"].tolist() == ["missed link"]


def test_read_gold_refuses_unknown_labels():
    with pytest.raises(ValueError, match="unknown labels"):
        read_gold("left_file,left_task,right_file,right_task,label\na,1,b,1,maybe\n")
