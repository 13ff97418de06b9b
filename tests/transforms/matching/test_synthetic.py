"""The matcher on small synthetic series with known lineages (benchmarks/synthetic.py)."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.bench_matching import timed_match
from benchmarks.synthetic import generate_series, plan_schedule
from transforms.matching.baseline import baseline_lineage
from transforms.matching.evaluation import pairwise_lineage_scores
from transforms.matching.matcher import match_plans

SEEDS = (0, 1, 2)


@pytest.fixture(scope="module")
def series():
    return [generate_series(100, 4, seed=seed) for seed in SEEDS]


@pytest.fixture(scope="module")
def scores(series):
    return [pairwise_lineage_scores(match_plans(s.tasks).lineage, s.truth) for s in series]


def test_f1_on_small_series(scores):
    assert np.mean([s.f1 for s in scores]) >= 0.9, [s.summary() for s in scores]
    assert min(s.precision for s in scores) >= 0.95


def test_matcher_beats_the_reference_baseline(series, scores):
    for s, ours in zip(series, scores):
        assert ours.f1 > pairwise_lineage_scores(baseline_lineage(s.tasks), s.truth).f1


def test_series_have_a_missing_year_and_a_two_year_plan(series):
    assert plan_schedule(4, 2016) == [(2016, 2016), (2017, 2017), (2019, 2019), (2020, 2021)]
    assert sorted(series[0].tasks["plan_id"].unique()) == ["2016", "2017", "2019", "2020-2021"]


def test_generator_is_reproducible(series):
    again = generate_series(100, 4, seed=SEEDS[0])
    assert again.tasks.equals(series[0].tasks) and again.truth.equals(series[0].truth)


def test_benchmark_wiring_gives_the_same_lineages_as_match_plans(series):
    timed = timed_match(series[0].tasks)
    assert timed.lineage.equals(match_plans(series[0].tasks).lineage) and len(timed.candidates) > 0


def test_large_plans_have_distinct_base_tasks_like_the_real_plan():
    """Distinct tasks of a 1 000-task plan are about as alike as the real 2020 plan's (median
    best-other fuzz.ratio within 100 tasks: 28 there), not near-duplicates of each other."""
    from rapidfuzz import fuzz, process

    from transforms.matching.text import normalize_text

    first_plan = generate_series(1000, 1, seed=0).tasks
    texts = [normalize_text(t) for t in first_plan["text"].sample(100, random_state=0)]
    similarity = process.cdist(texts, texts, scorer=fuzz.ratio)
    np.fill_diagonal(similarity, 0)
    assert np.median(similarity.max(axis=1)) < 35


def test_rewording_never_changes_a_documents_name():
    from benchmarks.synthetic import _swap_synonyms

    text = "加强《关于加强知识产权保护的意见》宣传解读。"  # 加强 ↔ 强化 is a synonym swap
    reworded = _swap_synonyms(np.random.default_rng(0), text, 3)
    assert "《关于加强知识产权保护的意见》" in reworded and reworded.startswith("强化")
