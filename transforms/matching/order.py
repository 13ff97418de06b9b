"""Order evidence: a continued task sits between the partners of its linked neighbours.

Plans keep most of their order from year to year: tasks are dropped, added and reworded
around the ones that stay. Once the confident links of a step are known, a later task j
whose nearest linked neighbours in its plan (the closest task before it, and after it,
with a confident predecessor in the previous plan) continue earlier tasks at places lo
and hi most likely continues a task in that window of k = hi − lo + 1 earlier tasks
(bounds included: a split part sits next to its sibling). This is how a person lines up
two versions of a plan, and it grows with the plan: an unrelated task falls into a small
window of a large plan with probability k / n only.

With m = P(the predecessor is inside | continuation), a continuation moved elsewhere being
anywhere in the plan, the evidence is
    inside:  log2((m + (1 − m)·k/n) / (k/n))        outside:  log2(1 − m).
A window covering the whole plan (no linked neighbours) weighs nothing; crossing neighbours
(lo > hi, the plan was regrouped there) and pairs across a gap give no order evidence.
"""

from __future__ import annotations

import numpy as np

from transforms.matching.features import TaskFeatures
from transforms.matching.pairs import Pairs

# Share of continuations whose predecessor sits inside the window of their linked neighbours,
# measured on the synthetic series (0.93 with true links as neighbours; `--calibrate`) and
# shrunk towards an even chance, since real plans are regrouped in ways no generator is.
ORDER_KEPT = 0.85


def order_windows(features: TaskFeatures, pairs: Pairs, anchor_left: np.ndarray,
                  anchor_right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(window size, inside) per pair, NaN where there is no order evidence. The anchors are
    confident links between the previous plan and the later plan (left, right rows)."""
    left, right = pairs["left"], pairs["right"]
    window = np.full(len(left), np.nan)
    inside = np.full(len(left), np.nan)
    direct = ~np.asarray(pairs["is_gap"], dtype=bool)
    if not direct.any():
        return window, inside
    order = np.argsort(features.plan_rank[anchor_right], kind="stable")
    later = features.plan_rank[anchor_right][order]
    partner = features.plan_rank[anchor_left][order]
    rank = features.plan_rank[right[direct]]
    n_left = features.plans["n_tasks"].to_numpy()[features.plan_index[left[direct]]]
    before = np.searchsorted(later, rank, side="left") - 1  # nearest anchor strictly before
    after = np.searchsorted(later, rank, side="right")  # nearest anchor strictly after
    # Padded with the plan's ends: no linked neighbour on a side leaves the window open there.
    low = np.concatenate([[0], partner])[before + 1]
    high = np.concatenate([partner, [np.iinfo(np.int64).max]])[after]
    high = np.minimum(high, n_left - 1)
    crossing = low > high
    place = features.plan_rank[left[direct]]
    window[direct] = np.where(crossing, np.nan, high - low + 1)
    inside[direct] = np.where(crossing, np.nan, ((place >= low) & (place <= high)).astype(np.float64))
    return window, inside


def order_weight(features: TaskFeatures, pairs: Pairs, kept: float = ORDER_KEPT) -> np.ndarray:
    """log2 likelihood ratio of the order evidence per pair (0 where there is none)."""
    window, inside = pairs["order_window"], pairs["order_inside"]
    n_left = features.plans["n_tasks"].to_numpy()[features.plan_index[pairs["left"]]]
    chance = np.clip(np.nan_to_num(window, nan=1.0) / np.maximum(n_left, 1), 1e-12, 1.0)
    weight = np.where(inside == 1, np.log2((kept + (1 - kept) * chance) / chance), np.log2(1 - kept))
    return np.where(np.isnan(window), 0.0, weight)
