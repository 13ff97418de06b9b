"""Fellegi–Sunter scores: weights from m and u, calibration on the data, one-to-one posteriors."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from tests.transforms.matching.helpers import COPYRIGHT, CUSTOMS, EDUCATION, FINANCE, GEO, PATENT, PIRACY, SEEDS, frame, task
from transforms.matching.comparisons import NULL
from transforms.matching.features import prepare_features
from transforms.matching.matcher import calibrate
from transforms.matching.scoring import Model, level_shares, one_to_one_posteriors
from transforms.matching.spec import DEFAULT_SPEC

TEXTS = [PATENT, COPYRIGHT, CUSTOMS, PIRACY, SEEDS, EDUCATION, FINANCE, GEO]


def test_null_levels_weigh_nothing_and_agreement_weighs_for():
    model = Model(("text",), {"text": np.array([0.8, 0.2])}, {"text": np.array([0.1, 0.9])}, 0.6)
    weights = model.weights({"left": np.zeros(3), "gamma_text": np.array([0, 1, NULL])})["w_text"]
    assert weights[0] > 0 > weights[1] and weights[2] == 0


def test_level_shares_are_smoothed_by_the_prior_and_skip_null_levels():
    shares = level_shares(np.array([0, 0, NULL, 1]), np.ones(4), 2, np.array([0.5, 0.5]), 2.0)
    assert np.allclose(shares, [3 / 5, 2 / 5])


def test_calibration_learns_m_and_u_from_the_plans_being_matched():
    plans = [frame(*[task(str(year), i + 1, t.replace("推动", "推进") if year % 2 else t, ["知识产权局"])
                     for i, t in enumerate(TEXTS)]) for year in (2018, 2019, 2020)]
    features = prepare_features(__import__("pandas").concat(plans, ignore_index=True), DEFAULT_SPEC)
    model = calibrate(features, DEFAULT_SPEC)
    text = DEFAULT_SPEC["comparison"][0]
    assert model.m["text"][0] > text["m_prior"][0]  # every task recurs near-identical: m of that level rises
    assert model.u["text"][-1] > 0.5 and model.level_weights("text")[0] > 5


SETTINGS = {"one_to_one_rounds": 200, "one_to_one_tolerance": 1e-9}


def exact_posteriors(odds, left, right) -> np.ndarray:
    """P(pair linked) under the one-to-one model by enumerating every matching: a matching weighs
    the product of its pairs' odds."""
    total, linked = 0.0, np.zeros(len(odds))
    for chosen in itertools.product((0, 1), repeat=len(odds)):
        on = np.flatnonzero(chosen)
        if len(set(left[on])) < len(on) or len(set(right[on])) < len(on):
            continue
        weight = float(np.prod(odds[on]))
        total += weight
        linked[on] += weight
    return linked / total


def posteriors(odds, left, right):
    odds, left, right = np.asarray(odds, float), np.asarray(left), np.asarray(right)
    return one_to_one_posteriors(odds, left, right, SETTINGS), exact_posteriors(odds, left, right)


def test_rivals_split_the_belief_and_a_lone_pair_keeps_its_odds():
    (alone, _), (rivals, exact) = posteriors([9.0], [0], [0]), posteriors([9.0, 9.0], [0, 1], [0, 0])
    assert alone["score"][0] == pytest.approx(0.9)
    assert rivals["score"] == pytest.approx(exact) and rivals["score"].sum() < 1 and rivals["score"].max() < 0.5


def test_a_rival_that_plainly_continues_another_task_stops_competing():
    """Earlier task 0 reads like later tasks 0 and 1 alike (a clause copied into 1); later task 0 has
    no other candidate, so 0 → 0 explains it, and 1 → 1, much weaker on its own, is the link of
    later task 1: the posterior of the whole matching, not of each side alone."""
    scored, exact = posteriors([2.0 ** 16, 2.0 ** 16, 2.0 ** 8], [0, 0, 1], [0, 1, 1])
    assert scored["score"] == pytest.approx(exact, abs=1e-6)  # a tree: belief propagation is exact
    assert scored["score"][2] > 0.99 and scored["score"][1] < 0.01


def test_belief_propagation_on_a_cycle_is_close_where_one_matching_dominates():
    scored, exact = posteriors([50.0, 4.0, 3.0, 60.0], [0, 0, 1, 1], [0, 1, 0, 1])
    assert scored["score"] == pytest.approx(exact, abs=0.01)


def test_belief_propagation_on_a_cycle_of_near_equal_rivals_ranks_as_the_exact_posterior():
    """The Bethe approximation is overconfident on a cycle of near-equal rivals (0.81 for 0.69
    here), never on a tree; it still prefers the pairs the exact posterior prefers."""
    odds, left, right = [50.0, 40.0, 30.0, 60.0, 5.0], [0, 0, 1, 1, 2], [0, 1, 0, 1, 1]
    scored, exact = posteriors(odds, left, right)
    assert scored["score"] == pytest.approx(exact, abs=0.16)
    assert scored["score"][0] > scored["score"][1] and scored["score"][3] > scored["score"][2] > scored["score"][4]
    assert (exact[0] > exact[1]) and exact[3] > exact[2] > exact[4]


def test_a_pair_of_huge_odds_leaves_its_rivals_posteriors_exact():
    """A sum of other pairs' odds taken as total − own loses everything at 2^120 against 1; the
    largest pair's rest is summed directly."""
    scored, exact = posteriors([2.0 ** 120, 3.0, 2.0 ** 118], [0, 1, 1], [0, 0, 1])
    assert scored["score"] == pytest.approx(exact, rel=1e-6)


def test_row_and_column_scores_free_the_other_side_for_split_and_merge_parts():
    """Two later tasks both continue earlier task 0: jointly they compete, but each is the only
    candidate of its later task, so its row score (the earlier task free to split) stays high."""
    scored, _ = posteriors([2.0 ** 10, 2.0 ** 10], [0, 0], [0, 1])
    assert scored["score"].max() < 0.5 and scored["score_row"].min() > 0.99
