"""Fellegi–Sunter scores: weights from m and u, calibration on the data, exclusive posteriors."""

from __future__ import annotations

import numpy as np

from tests.transforms.matching.helpers import COPYRIGHT, CUSTOMS, EDUCATION, FINANCE, GEO, PATENT, PIRACY, SEEDS, frame, task
from transforms.matching.comparisons import NULL
from transforms.matching.features import prepare_features
from transforms.matching.matcher import calibrate
from transforms.matching.scoring import Model, exclusive_posteriors, level_shares
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


def test_exclusive_posteriors_split_the_belief_between_competing_candidates():
    alone = exclusive_posteriors(np.array([10.0]), np.array([0.01]), np.array([0]), np.array([0]),
                                 np.array(0.6), np.array([0.6]))
    rivals = exclusive_posteriors(np.array([10.0, 10.0]), np.array([0.01, 0.01]), np.array([0, 1]), np.array([0, 0]),
                                  np.array(0.6), np.array([0.6, 0.6]))
    assert alone["score"][0] > 0.9 and rivals["score_row"].sum() <= 1 and rivals["score"].max() < 0.5
