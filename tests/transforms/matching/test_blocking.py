"""Candidate generation: exhaustive for ordinary plans, rule-based for large ones."""

from __future__ import annotations

import numpy as np
import pytest

from tests.transforms.matching.helpers import COPYRIGHT, EDUCATION, FINANCE, GEO, PATENT, SEEDS, frame, task
from transforms.matching.blocking import candidate_pairs, department_pairs, document_pairs, ngram_pairs, sample_pairs
from transforms.matching.features import prepare_features
from transforms.matching.pairs import to_frame
from transforms.matching.spec import DEFAULT_SPEC, with_settings

TEXTS = [PATENT, COPYRIGHT, SEEDS, EDUCATION, FINANCE, GEO]
# Force the rule-based path even for these tiny plans.
BLOCKED = with_settings(DEFAULT_SPEC, "blocking", exhaustive_pairs_max=0, ngram_top_k=1, neighbourhood_size=1)["blocking"]
BLOCKING = DEFAULT_SPEC["blocking"]


@pytest.fixture(scope="module")
def features():
    earlier = [task("2019", i + 1, text, ["知识产权局" if i % 2 else "教育部"]) for i, text in enumerate(TEXTS)]
    later = [task("2020", i + 1, text.replace("推动", "推进"), ["知识产权局" if i % 2 else "教育部"])
             for i, text in enumerate(reversed(TEXTS))]
    return prepare_features(frame(*earlier, *later), DEFAULT_SPEC)


def rows(features, plan):
    return np.flatnonzero(features.tasks["plan_id"].to_numpy() == plan)


def pair_set(frame_):
    return set(zip(frame_["left"].tolist(), frame_["right"].tolist()))


def same_text_pairs(features):
    """(earlier row, later row) of the tasks built from the same text."""
    return {(i, 6 + (5 - i)) for i in range(6)}


def test_ordinary_plans_are_compared_exhaustively(features):
    pairs = candidate_pairs(features, rows(features, "2019"), rows(features, "2020"), BLOCKING)
    assert len(pairs["left"]) == 36 and set(pairs["rule"]) == {"all"}


@pytest.mark.parametrize("rule", [ngram_pairs, document_pairs], ids=["ngram", "document"])
def test_blocking_rules_find_the_reordered_partners(features, rule):
    found = pair_set(rule(features, rows(features, "2019"), rows(features, "2020"), BLOCKED))
    expected = same_text_pairs(features)
    if rule is document_pairs:  # only tasks naming documents
        expected = {(0, 11), (1, 10), (2, 9)}
    assert expected <= found


def test_ngram_blocking_keeps_top_k_per_task_both_ways(features):
    found = to_frame(ngram_pairs(features, rows(features, "2019"), rows(features, "2020"), BLOCKED))
    assert found.groupby("left").size().max() <= 2 and found.groupby("right").size().max() <= 2


def test_department_neighbourhood_stays_within_one_lead_line(features):
    found = department_pairs(features, rows(features, "2019"), rows(features, "2020"), BLOCKED)
    leads = features.lead_department
    assert len(found) and all(leads[a] == leads[b] for a, b in pair_set(found))


def test_union_of_rules_is_smaller_than_all_pairs_and_keeps_true_pairs(features):
    pairs = to_frame(candidate_pairs(features, rows(features, "2019"), rows(features, "2020"), BLOCKED))
    assert len(pairs) < 36 and same_text_pairs(features) <= pair_set(pairs)
    assert not pairs.duplicated(["left", "right"]).any()


def test_u_sample_covers_small_plan_pairs_whole_and_is_seeded(features):
    assert len(sample_pairs(features, DEFAULT_SPEC["calibration"], seed=0)["left"]) == 36
    small = with_settings(DEFAULT_SPEC, "calibration", u_sample_pairs=10)["calibration"]
    once, again = to_frame(sample_pairs(features, small, seed=0)), to_frame(sample_pairs(features, small, seed=0))
    assert once.equals(again) and len(once) == 10
