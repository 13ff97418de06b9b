"""Measure the m values of the comparison levels on the synthetic series (never on gold pairs).

    python benchmarks/bench_matching.py --calibrate

m = P(level | the later task continues the earlier one), among all pairs of plans one year
apart (m) and FAR_YEARS apart (m_far) in 5 seeds × 8 plans × 100 tasks. comparisons.py
declares each value as the measured share shrunk by 20% towards uniform over the non-null
levels ("declared" here is what it declares). The context comparison (section) is declared
for a plan that keeps its heading scheme (scoring.adapt_context_m handles regrouped plans),
so it is measured on series generated without regrouping. ORDER_KEPT (order.py) is measured
on consecutive plans, with the true links of each step as the linked neighbours.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmarks.synthetic import EditRates, generate_series
from transforms.matching.blocking import all_pairs
from transforms.matching.comparisons import COMPARISONS, FAR_YEARS, compare, comparison_levels
from transforms.matching.features import prepare_features
from transforms.matching.order import ORDER_KEPT, order_windows
from transforms.matching.pairs import concat
from transforms.matching.scoring import estimate_m

SHRINK = 0.2  # towards uniform over the non-null levels
CONTEXT = ("section",)
KEPT_HEADINGS = EditRates(restructure=0.0)


def _pairs_years_apart(features, years: int):
    starts = features.plans["period_start"].to_numpy()
    steps = [all_pairs(features.rows_of_plan(a), features.rows_of_plan(b))
             for a in range(len(starts)) for b in range(a + 1, len(starts)) if starts[b] - starts[a] == years]
    return concat(steps)


def measured_m(seed: int, plans: int, years: int, rates: EditRates) -> dict[str, np.ndarray]:
    series = generate_series(100, plans, seed=seed, rates=rates)
    features = prepare_features(series.tasks)
    truth = features.tasks.merge(series.truth, on=["plan_id", "task_key"], how="left")["true_lineage"].to_numpy()
    pairs = _pairs_years_apart(features, years)
    return estimate_m(comparison_levels(compare(features, pairs)), truth[pairs["left"]] == truth[pairs["right"]])


def order_kept(seed: int, plans: int) -> tuple[float, float]:
    """(inside, known) counts among true consecutive pairs, with each step's true one-to-one
    links as the anchors."""
    series = generate_series(100, plans, seed=seed)
    features = prepare_features(series.tasks)
    truth = features.tasks.merge(series.truth, on=["plan_id", "task_key"], how="left")["true_lineage"].to_numpy()
    inside_count = known_count = 0.0
    for k in range(1, len(features.plans)):
        pairs = all_pairs(features.rows_of_plan(k - 1), features.rows_of_plan(k))
        true = truth[pairs["left"]] == truth[pairs["right"]]
        _, first = np.unique(pairs["right"][true], return_index=True)  # one partner per later task
        window, inside = order_windows(features, pairs, pairs["left"][true][first], pairs["right"][true][first])
        known = true & ~np.isnan(window) & (window < features.plans["n_tasks"].iloc[k - 1])
        inside_count += float(np.nansum(inside[known]))
        known_count += float(known.sum())
    return inside_count, known_count


def _mean_m(seeds: int, plans: int, years: int) -> dict[str, np.ndarray]:
    ordinary = [measured_m(seed, plans, years, EditRates()) for seed in range(seeds)]
    kept = [measured_m(seed, plans, years, KEPT_HEADINGS) for seed in range(seeds)]
    return {c.name: np.mean([m[c.name] for m in (kept if c.name in CONTEXT else ordinary)], axis=0)
            for c in COMPARISONS}


def _shrunk(share: float, levels: int) -> float:
    return round((1 - SHRINK) * share + SHRINK / levels, 3)


def calibration(seeds: int = 5, plans: int = 8) -> pd.DataFrame:
    near, far = _mean_m(seeds, plans, 1), _mean_m(seeds, plans, FAR_YEARS)
    rows = []
    for comparison in COMPARISONS:
        n = sum(not level.is_null for level in comparison.levels)
        for index, level in enumerate(comparison.levels):
            if not level.is_null:
                rows.append({"comparison": comparison.name, "level": level.label,
                             "m measured": round(near[comparison.name][index], 3),
                             "m shrunk": _shrunk(near[comparison.name][index], n), "m declared": level.m,
                             "m_far measured": round(far[comparison.name][index], 3),
                             "m_far shrunk": _shrunk(far[comparison.name][index], n), "m_far declared": level.m_far})
    inside, known = map(sum, zip(*(order_kept(seed, plans) for seed in range(seeds))))
    rows.append({"comparison": "order", "level": "inside the window", "m measured": round(inside / max(known, 1), 3),
                 "m shrunk": _shrunk(inside / max(known, 1), 2), "m declared": ORDER_KEPT})
    return pd.DataFrame(rows)
