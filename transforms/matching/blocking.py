"""Candidate generation: which (earlier task, later task) pairs get compared at all.

Plans of ordinary size (~100–140 tasks) are compared exhaustively: blocking exists
only to keep large inputs feasible, and every rule can miss a reworded task. Above
`exhaustive_pairs_max` the candidates are the union (as in Splink) of:
  - `ngram`: each task's best partners by weighted character-bigram cosine, both ways;
  - `title`: a shared normalised 《》 title or quoted campaign name;
  - `department`: sorted neighbourhood by relative position inside one lead-department line.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from transforms.matching.config import MatchConfig
from transforms.matching.features import TaskFeatures

PAIR_COLUMNS = ("left", "right", "rule")
_ROW_CHUNK = 4096


def candidate_pairs(features: TaskFeatures, left_rows: np.ndarray, right_rows: np.ndarray,
                    config: MatchConfig) -> pd.DataFrame:
    """Pairs (left = earlier task row, right = later task row) with the rule that found them."""
    left_rows = np.asarray(left_rows, dtype=np.int64)
    right_rows = np.asarray(right_rows, dtype=np.int64)
    if len(left_rows) == 0 or len(right_rows) == 0:
        return pd.DataFrame({"left": np.array([], np.int64), "right": np.array([], np.int64), "rule": []})
    if len(left_rows) * len(right_rows) <= config.exhaustive_pairs_max:
        return all_pairs(left_rows, right_rows)
    found = [
        ngram_pairs(features, left_rows, right_rows, config),
        title_pairs(features, left_rows, right_rows, config),
        department_pairs(features, left_rows, right_rows, config),
    ]
    pairs = pd.concat(found, ignore_index=True)
    # Keep the first rule that found a pair; rules are listed strongest first.
    return pairs.drop_duplicates(["left", "right"]).sort_values(["right", "left"]).reset_index(drop=True)


def all_pairs(left_rows: np.ndarray, right_rows: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({
        "left": np.tile(left_rows, len(right_rows)),
        "right": np.repeat(right_rows, len(left_rows)),
        "rule": "all",
    })


def ngram_pairs(features: TaskFeatures, left_rows, right_rows, config: MatchConfig) -> pd.DataFrame:
    """Top-k partners per task, both ways, by cosine over bigrams under the df cap. The
    product is sparse (only pairs sharing a capped bigram), so top-k works on its entries."""
    left = _blocking_vectors(features, left_rows, config)
    right_t = _blocking_vectors(features, right_rows, config).T.tocsr()
    k = config.ngram_top_k
    kept_l, kept_r, kept_v = [], [], []
    for start in range(0, len(left_rows), _ROW_CHUNK):
        product = (left[start:start + _ROW_CHUNK] @ right_t).tocoo()
        useful = product.data >= config.ngram_min_cosine
        rows, cols, values = product.row[useful] + start, product.col[useful], product.data[useful]
        chosen = _either(len(values), _top_k_entries(rows, values, k), _top_k_entries(cols, values, k))
        kept_l.append(rows[chosen]), kept_r.append(cols[chosen]), kept_v.append(values[chosen])
    rows, cols, values = (np.concatenate(x) if x else np.array([], np.int64) for x in (kept_l, kept_r, kept_v))
    # A left task's top k survived its own chunk; a right task's top k must be re-cut over all chunks.
    chosen = _either(len(values), _top_k_entries(rows, values, k), _top_k_entries(cols, values, k))
    return pd.DataFrame({"left": left_rows[rows[chosen]], "right": right_rows[cols[chosen]], "rule": "ngram"})


def _either(size: int, *positions: np.ndarray) -> np.ndarray:
    mask = np.zeros(size, dtype=bool)
    for chosen in positions:
        mask[chosen] = True
    return np.flatnonzero(mask)


def _top_k_entries(groups: np.ndarray, values: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k largest positive values within each group."""
    if len(values) == 0:
        return np.array([], dtype=np.int64)
    # One integer key (group, then value descending) sorts faster than a two-key lexsort.
    key = groups.astype(np.int64) * (1 << 24) + ((1.0 - np.clip(values, 0, 1)) * ((1 << 24) - 1)).astype(np.int64)
    order = np.argsort(key)
    sorted_groups = groups[order]
    first = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]])
    rank = np.arange(len(order)) - np.repeat(first, np.diff(np.r_[first, len(order)]))
    return order[(rank < k) & (values[order] > 0)]


def _blocking_vectors(features: TaskFeatures, rows: np.ndarray, config: MatchConfig) -> sp.csr_matrix:
    """Rows of the bigram matrix without bigrams above the df cap, scaled to unit length.
    Frequent bigrams carry little weight in a cosine but make the sparse product dense."""
    matrix = features.bigrams[rows]
    df_per_plan = np.bincount(features.bigrams.indices, minlength=matrix.shape[1]) / len(features.plans)
    cap = max(config.ngram_min_df_cap, config.ngram_max_df * features.plans["n_tasks"].mean())
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1))).ravel()
    matrix = sp.csr_matrix(matrix.multiply((df_per_plan <= cap)[np.newaxis, :].astype(np.float32)))
    return sp.csr_matrix(sp.diags(1.0 / np.maximum(norms, 1e-9)) @ matrix)


def title_pairs(features: TaskFeatures, left_rows, right_rows, config: MatchConfig) -> pd.DataFrame:
    """Pairs citing the same normalised title; titles cited too often block nothing."""
    def exploded(rows):
        frame = pd.DataFrame({"row": rows, "anchor": [features.anchors[r] for r in rows]})
        frame = frame.explode("anchor").dropna()
        counts = frame["anchor"].map(frame["anchor"].value_counts())
        return frame[counts <= config.title_block_max]

    joined = exploded(left_rows).merge(exploded(right_rows), on="anchor", suffixes=("_l", "_r"))
    return pd.DataFrame({
        "left": joined["row_l"].to_numpy(np.int64), "right": joined["row_r"].to_numpy(np.int64), "rule": "title",
    })


def department_pairs(features: TaskFeatures, left_rows, right_rows, config: MatchConfig) -> pd.DataFrame:
    """Sorted neighbourhood: within one lead-department line, the nearest tasks by relative position."""
    size = config.neighbourhood_size
    lefts, rights = [], []
    left_lead = features.lead_department[left_rows]
    right_lead = features.lead_department[right_rows]
    for lead in np.intersect1d(left_lead[left_lead >= 0], right_lead[right_lead >= 0]):
        group_left = left_rows[left_lead == lead]
        group_left = group_left[np.argsort(features.plan_share[group_left], kind="stable")]
        group_right = right_rows[right_lead == lead]
        slot = np.searchsorted(features.plan_share[group_left], features.plan_share[group_right])
        for offset in range(-size, size):
            index = slot + offset
            ok = (index >= 0) & (index < len(group_left))
            lefts.append(group_left[index[ok]])
            rights.append(group_right[ok])
    if not lefts:
        return pd.DataFrame({"left": np.array([], np.int64), "right": np.array([], np.int64), "rule": []})
    return pd.DataFrame({"left": np.concatenate(lefts), "right": np.concatenate(rights), "rule": "department"})


def sample_pairs(features: TaskFeatures, config: MatchConfig) -> pd.DataFrame:
    """Random pairs between consecutive plans, to estimate how levels fall among non-matches.
    Small plan pairs are taken whole; the draw is seeded, so runs are reproducible."""
    rng = np.random.default_rng(config.seed)
    samples = []
    for k in range(1, len(features.plans)):
        left_rows = np.flatnonzero(features.plan_index == k - 1)
        right_rows = np.flatnonzero(features.plan_index == k)
        total = len(left_rows) * len(right_rows)
        if total <= config.u_sample_pairs:
            samples.append(all_pairs(left_rows, right_rows))
            continue
        picks = rng.choice(total, size=config.u_sample_pairs, replace=False)
        samples.append(pd.DataFrame({
            "left": left_rows[picks % len(left_rows)], "right": right_rows[picks // len(left_rows)], "rule": "sample",
        }))
    if not samples:
        return pd.DataFrame({"left": np.array([], np.int64), "right": np.array([], np.int64), "rule": []})
    return pd.concat(samples, ignore_index=True).assign(is_gap=False)


def step_candidates(features: TaskFeatures, direct_rows, gap_rows, later_rows, config: MatchConfig) -> pd.DataFrame:
    """Candidates of one chain step: previous plan × later plan, and open tails of older
    plans × later plan (flagged `is_gap`, they get a lower prior)."""
    direct = candidate_pairs(features, direct_rows, later_rows, config).assign(is_gap=False)
    gap = candidate_pairs(features, gap_rows, later_rows, config).assign(is_gap=True)
    return pd.concat([direct, gap], ignore_index=True)
