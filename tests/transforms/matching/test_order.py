"""Order evidence: a continued task sits between the partners of its linked neighbours."""

from __future__ import annotations

import numpy as np

from tests.transforms.matching.helpers import frame, task
from transforms.matching.features import prepare_features
from transforms.matching.order import order_weight, order_windows
from transforms.matching.pairs import make_pairs

# Ten earlier and ten later tasks; the texts do not matter here, only the places.
FEATURES = prepare_features(frame(*[task("2019", i + 1, f"任务{i}甲乙丙") for i in range(10)],
                                  *[task("2020", i + 1, f"任务{i}丁戊己") for i in range(10)]))  # rows 0–9, 10–19


def windows(anchors, pairs):
    left, right = zip(*anchors)
    return order_windows(FEATURES, make_pairs(*zip(*pairs), "test"), np.array(left), np.array(right))


def test_a_task_between_two_linked_neighbours_gets_the_window_between_their_partners():
    # later 3 and 7 continue earlier 2 and 8: later 5 falls between, its window is earlier 2..8
    window, inside = windows([(2, 13), (8, 17)], [(5, 15), (9, 15)])
    assert window.tolist() == [7.0, 7.0] and inside.tolist() == [1.0, 0.0]


def test_crossing_neighbours_give_no_order_evidence():
    window, inside = windows([(8, 13), (2, 17)], [(5, 15)])
    assert np.isnan(window[0]) and np.isnan(inside[0])


def test_a_small_window_weighs_more_than_a_large_one_and_outside_weighs_against():
    pairs = make_pairs([5, 5, 9], [15, 15, 15], "test")
    pairs["order_window"] = np.array([1.0, 10.0, 3.0])
    pairs["order_inside"] = np.array([1.0, 1.0, 0.0])
    small, whole_plan, outside = order_weight(FEATURES, pairs)
    assert small > 2 and abs(whole_plan) < 1e-9 and outside < -2


def test_pairs_across_a_gap_get_no_order_evidence():
    pairs = make_pairs([5], [15], "test", is_gap=True)
    window, _ = order_windows(FEATURES, pairs, np.array([2]), np.array([13]))
    assert np.isnan(window[0])
