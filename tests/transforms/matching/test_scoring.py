"""Fellegi–Sunter scoring: weights, u estimation, exclusive posteriors, context m."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.transforms.matching.helpers import EDUCATION, FINANCE, PATENT, frame, task
from transforms.matching.comparisons import COMPARISONS, SECTION, TEXT, compare, comparison_levels
from transforms.matching.config import MatchConfig
from transforms.matching.features import prepare_features
from transforms.matching.pairs import make_pairs, to_frame
from transforms.matching.scoring import (
    adapt_context_m,
    default_model,
    estimate_m,
    fit_u,
    posterior,
    prior_log2_odds,
    score_pairs,
)

CONFIG = MatchConfig()


def test_agreeing_levels_add_weight_and_missing_evidence_adds_none():
    model = default_model()
    for comparison in COMPARISONS:
        weights = model.level_weights(comparison)
        first_real = 1 if comparison.levels[0].is_null else 0
        assert weights[first_real] > 0 > weights[-1]
        if comparison.levels[0].is_null:
            assert weights[0] == 0


def test_u_is_estimated_from_the_pairs_and_discounts_likely_matches():
    levels = pd.DataFrame({f"gamma_{c.name}": np.full(1000, len(c.levels) - 1) for c in COMPARISONS})
    levels.loc[:9, "gamma_text"] = 0  # ten near-identical pairs among a thousand
    model = fit_u(levels, np.full(1000, -7.0), CONFIG)
    assert model.u["text"][-1] > 0.95  # almost every sampled pair is unrelated
    assert model.u["text"][0] < 0.01  # and the near-identical ones were mostly taken for matches


def two_plans(earlier_texts, later_texts, sections=("加强知识产权保护", "加强知识产权保护")):
    earlier = [task("2019", i + 1, t, section_title=sections[0]) for i, t in enumerate(earlier_texts)]
    later = [task("2020", i + 1, t, section_title=sections[1]) for i, t in enumerate(later_texts)]
    return prepare_features(frame(*earlier, *later))


def scored_pairs(features, pairs):
    left, right = zip(*pairs)
    return to_frame(score_pairs(compare(features, make_pairs(left, right, "test"), workers=1), features,
                                default_model(), CONFIG))


def test_a_competing_candidate_lowers_the_exclusive_posterior():
    alone = two_plans([PATENT, EDUCATION], [PATENT])
    rivals = two_plans([PATENT, PATENT.replace("完善", "健全")], [PATENT])
    score_alone = scored_pairs(alone, [(0, 2), (1, 2)]).loc[0, "score"]
    score_rival = scored_pairs(rivals, [(0, 2), (1, 2)]).loc[0, "score"]
    assert score_alone > 0.9 and score_rival < 0.6


def test_prior_odds_fall_with_plan_size_and_for_gap_pairs():
    small = two_plans([PATENT], [PATENT])
    large = two_plans([PATENT] + [EDUCATION] * 9, [PATENT] + [FINANCE] * 9)
    pair = pd.DataFrame({"left": [0], "right": [len(large.tasks) // 2], "is_gap": [False]})
    assert prior_log2_odds(small, pair.assign(right=1), CONFIG)[0] > prior_log2_odds(large, pair, CONFIG)[0]
    gap = pair.assign(is_gap=True)
    assert prior_log2_odds(large, gap, CONFIG)[0] < prior_log2_odds(large, pair, CONFIG)[0]


def test_posterior_is_a_probability():
    assert posterior(np.array([0.0]))[0] == pytest.approx(0.5)
    assert 0.0 < posterior(np.array([-80.0]))[0] < posterior(np.array([80.0]))[0] <= 1.0


def context_weights(kept_levels: int, moved_levels: int):
    """Section weights after `kept_levels` confident pairs stayed in their section and
    `moved_levels` landed elsewhere."""
    model = default_model()
    gamma = [1] * kept_levels + [len(SECTION.levels) - 1] * moved_levels  # level 0 is "unknown"
    levels = pd.DataFrame({f"gamma_{c.name}": np.zeros(len(gamma), int) for c in COMPARISONS})
    levels["gamma_section"] = gamma
    adapted = adapt_context_m(levels, np.ones(len(gamma)), model, CONFIG)
    return adapted.level_weights(SECTION)


def test_section_evidence_counts_in_a_plan_that_kept_its_headings():
    weights = context_weights(kept_levels=8, moved_levels=1)
    assert weights[1] > 2 and weights[-1] < -1


def test_section_evidence_is_neutral_in_a_regrouped_plan():
    weights = context_weights(kept_levels=0, moved_levels=8)
    assert np.allclose(weights[1:], 0.0, atol=0.05)


def test_estimate_m_reads_level_shares_among_true_pairs():
    levels = comparison_levels(pd.DataFrame({
        "text_ratio": [1.0, 1.0, 0.1], "text_overlap": [1.0, 1.0, 0.0], "text_containment": [1.0, 1.0, 0.0],
        "text_specific": [9.0, 9.0, 0.0],
        "anchor_match": [np.nan] * 3, "anchor_specific": [np.nan] * 3, "department_overlap": [np.nan] * 3, "lead_department": [np.nan] * 3,
        "section_similarity": [1.0] * 3, "section_rank_gap": [0.0] * 3,
    }))
    m = estimate_m(levels, np.array([True, True, False]))
    assert m["text"][0] == 1.0 and m["text"][TEXT.levels.index(TEXT.levels[-1])] == 0.0
    assert np.isnan(m["anchors"]).all() or np.nansum(m["anchors"]) == 0.0
