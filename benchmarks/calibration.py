"""Measure the m values of the comparison levels on the synthetic series (never on gold pairs).

    python benchmarks/bench_matching.py --calibrate

m = P(level | the later task continues the earlier one), among all pairs of consecutive
plans of 5 seeds × 8 plans × 100 tasks. comparisons.py declares each m as the measured
share shrunk by 20% towards uniform over the non-null levels ("declared m" here is what
it declares). The context comparisons (section, position) are declared for a plan that keeps
its heading scheme (scoring.adapt_context_m handles regrouped plans), so they are measured on
series generated without regrouping. ORDER_KEPT (order.py) is measured on the ordinary series,
with the true links of each step as the linked neighbours.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmarks.synthetic import EditRates, generate_series
from transforms.matching.blocking import all_pairs
from transforms.matching.comparisons import COMPARISONS, comparison_levels, compare
from transforms.matching.features import prepare_features
from transforms.matching.order import ORDER_KEPT, order_windows
from transforms.matching.pairs import concat
from transforms.matching.scoring import estimate_m

SHRINK = 0.2  # towards uniform over the non-null levels


CONTEXT = ("section", "position")


def _series_pairs(seed: int, plans: int, rates: EditRates = EditRates()):
    series = generate_series(100, plans, seed=seed, rates=rates)
    features = prepare_features(series.tasks)
    truth = features.tasks.merge(series.truth, on=["plan_id", "task_key"], how="left")["true_lineage"].to_numpy()
    steps = [all_pairs(features.rows_of_plan(k - 1), features.rows_of_plan(k)) for k in range(1, len(features.plans))]
    pairs = concat(steps)
    return features, pairs, truth[pairs["left"]] == truth[pairs["right"]]


def _order_kept(features, pairs, is_match) -> tuple[float, float]:
    """(inside, known) counts among true pairs, with each step's true one-to-one links as anchors."""
    inside_count = known_count = 0.0
    for k in range(1, len(features.plans)):
        step = features.plan_index[pairs["right"]] == k
        step_pairs = {name: values[step] for name, values in pairs.items()}
        true = is_match[step]
        anchor_left, anchor_right = step_pairs["left"][true], step_pairs["right"][true]
        _, first = np.unique(anchor_right, return_index=True)  # one partner per later task
        window, inside = order_windows(features, step_pairs, anchor_left[first], anchor_right[first])
        known = true & ~np.isnan(window) & (window < features.plans["n_tasks"].iloc[k - 1])
        inside_count += float(np.nansum(inside[known]))
        known_count += float(known.sum())
    return inside_count, known_count


def calibration(seeds: int = 5, plans: int = 8) -> pd.DataFrame:
    measured, inside, known = [], 0.0, 0.0
    for seed in range(seeds):
        features, pairs, is_match = _series_pairs(seed, plans)
        m = estimate_m(comparison_levels(compare(features, pairs)), is_match)
        counts = _order_kept(features, pairs, is_match)
        inside, known = inside + counts[0], known + counts[1]
        features, pairs, is_match = _series_pairs(seed, plans, EditRates(restructure=0.0))
        kept = estimate_m(comparison_levels(compare(features, pairs)), is_match)
        measured.append({name: kept[name] if name in CONTEXT else shares for name, shares in m.items()})
    rows = []
    for comparison in COMPARISONS:
        shares = np.mean([m[comparison.name] for m in measured], axis=0)  # NaN on null levels
        non_null = [level for level in comparison.levels if not level.is_null]
        for level, share in zip(comparison.levels, shares):
            if not level.is_null:
                rows.append({"comparison": comparison.name, "level": level.label, "measured m": round(share, 3),
                             "shrunk": round((1 - SHRINK) * share + SHRINK / len(non_null), 3),
                             "declared m": level.m})
    rows.append({"comparison": "order", "level": "inside the window", "measured m": round(inside / max(known, 1), 3),
                 "shrunk": round((1 - SHRINK) * inside / max(known, 1) + SHRINK / 2, 3), "declared m": ORDER_KEPT})
    return pd.DataFrame(rows)
