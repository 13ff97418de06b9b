"""Candidate generation: which (earlier task, later task) pairs get compared at all.

Plans of ordinary size (~100–140 tasks) are compared exhaustively: blocking exists
only to keep large inputs feasible, and every rule can miss a reworded task. Above
`exhaustive_pairs_max` (spec.toml [blocking]) the candidates are the union (as in Splink) of:
  - `ngram`: each task's best partners by cosine over its rarer informative bigrams, both ways;
  - `document`: a shared named document (documents.py);
  - `department`: sorted neighbourhood by relative position inside one lead-department line.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from transforms.matching.features import TaskFeatures
from transforms.matching.pairs import Pairs, concat, make_pairs, no_pairs, unique_rows

_ROW_CHUNK = 4096


def candidate_pairs(features: TaskFeatures, left_rows: np.ndarray, right_rows: np.ndarray,
                    settings) -> Pairs:
    """Pairs (left = earlier task row, right = later task row) with the rule that found them."""
    left_rows = np.asarray(left_rows, dtype=np.int64)
    right_rows = np.asarray(right_rows, dtype=np.int64)
    if len(left_rows) == 0 or len(right_rows) == 0:
        return no_pairs()
    if len(left_rows) * len(right_rows) <= settings["exhaustive_pairs_max"]:
        return all_pairs(left_rows, right_rows)
    found = concat([
        ngram_pairs(features, left_rows, right_rows, settings),
        document_pairs(features, left_rows, right_rows, settings),
        department_pairs(features, left_rows, right_rows, settings),
    ])
    return unique_rows(found)  # the first rule that found a pair: rules are listed strongest first


def all_pairs(left_rows: np.ndarray, right_rows: np.ndarray, rule: str = "all") -> Pairs:
    return make_pairs(np.tile(left_rows, len(right_rows)), np.repeat(right_rows, len(left_rows)), rule)


def ngram_pairs(features: TaskFeatures, left_rows, right_rows, settings) -> Pairs:
    """Top-k partners per task, both ways, by cosine over bigrams under the df cap. The
    product is sparse (only pairs sharing a capped bigram), so top-k works on its entries."""
    left = blocking_vectors(features, left_rows, settings)
    right_t = blocking_vectors(features, right_rows, settings).T.tocsr()
    k = settings["ngram_top_k"]
    kept_l, kept_r, kept_v = [], [], []
    for start in range(0, len(left_rows), _ROW_CHUNK):
        product = (left[start:start + _ROW_CHUNK] @ right_t).tocoo()
        useful = product.data >= settings["ngram_min_cosine"]
        rows, cols, values = product.row[useful] + start, product.col[useful], product.data[useful]
        chosen = _either(len(values), _top_k_entries(rows, values, k), _top_k_entries(cols, values, k))
        kept_l.append(rows[chosen]), kept_r.append(cols[chosen]), kept_v.append(values[chosen])
    rows, cols, values = (np.concatenate(x) for x in (kept_l, kept_r, kept_v))
    # A left task's top k survived its own chunk; a right task's top k must be re-cut over all chunks.
    chosen = _either(len(values), _top_k_entries(rows, values, k), _top_k_entries(cols, values, k))
    return make_pairs(left_rows[rows[chosen]], right_rows[cols[chosen]], "ngram")


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


def blocking_vectors(features: TaskFeatures, rows: np.ndarray, settings) -> sp.csr_matrix:
    """Rows of the bigram matrix without bigrams above the df cap, scaled to unit length.
    Frequent bigrams carry little weight in a cosine but make the sparse product dense."""
    matrix = features.bigrams[rows]
    cap = max(settings["ngram_min_df_cap"], settings["ngram_max_df"] * features.plans["n_tasks"].mean())
    kept = (features.bigram_df / max(1, len(features.plans)) <= cap).astype(np.float32)
    norms = features.bigram_norm[rows]
    matrix = sp.csr_matrix(matrix.multiply(kept[np.newaxis, :]))
    return sp.csr_matrix(sp.diags(1.0 / np.maximum(norms, 1e-9)) @ matrix)


def document_pairs(features: TaskFeatures, left_rows, right_rows, settings) -> Pairs:
    """Pairs naming the same document; names in too many tasks block nothing."""
    def exploded(rows):
        counts = [len(features.documents[r]) for r in rows.tolist()]
        owners = np.repeat(rows, counts)
        names = np.array([a for r in rows.tolist() for a in sorted(features.documents[r])], dtype=object)
        return owners, names

    left_owner, left_name = exploded(left_rows)
    right_owner, right_name = exploded(right_rows)
    if not len(left_name) or not len(right_name):
        return make_pairs([], [], "document")
    codes, _ = pd.factorize(np.concatenate([left_name, right_name]))
    left_code, right_code = codes[:len(left_name)], codes[len(left_name):]
    per_code = np.bincount(left_code, minlength=codes.max() + 1) + np.bincount(right_code, minlength=codes.max() + 1)
    ok_left, ok_right = per_code[left_code] <= settings["document_block_max"], per_code[right_code] <= settings["document_block_max"]
    left_owner, left_code = left_owner[ok_left], left_code[ok_left]
    right_owner, right_code = right_owner[ok_right], right_code[ok_right]
    order = np.argsort(left_code, kind="stable")
    left_owner, left_code = left_owner[order], left_code[order]
    start, end = np.searchsorted(left_code, right_code), np.searchsorted(left_code, right_code, side="right")
    counts = end - start
    within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return make_pairs(left_owner[np.repeat(start, counts) + within], np.repeat(right_owner, counts), "document")


def department_pairs(features: TaskFeatures, left_rows, right_rows, settings) -> Pairs:
    """Sorted neighbourhood: within one lead-department line, the nearest tasks by relative position."""
    size = settings["neighbourhood_size"]
    lefts, rights = [], []
    left_lead = features.lead_department[left_rows]
    right_lead = features.lead_department[right_rows]
    for lead in np.intersect1d(left_lead[left_lead >= 0], right_lead[right_lead >= 0]):
        group_left = left_rows[left_lead == lead]
        group_left = group_left[np.argsort(features.relative_position[group_left], kind="stable")]
        group_right = right_rows[right_lead == lead]
        slot = np.searchsorted(features.relative_position[group_left], features.relative_position[group_right])
        for offset in range(-size, size):
            index = slot + offset
            ok = (index >= 0) & (index < len(group_left))
            lefts.append(group_left[index[ok]])
            rights.append(group_right[ok])
    if not lefts:
        return make_pairs([], [], "department")
    return make_pairs(np.concatenate(lefts), np.concatenate(rights), "department")


def sample_pairs(features: TaskFeatures, settings, seed: int) -> Pairs:
    """Random pairs between consecutive plans, to estimate how levels fall among non-matches.
    Small plan pairs are taken whole; the draw is seeded, so runs are reproducible. `plan_size`:
    the larger of the two plans (the prior of a pair is about continuity / plan_size)."""
    rng = np.random.default_rng(seed)
    samples = []
    for k in range(1, len(features.plans)):
        left_rows, right_rows = features.rows_of_plan(k - 1), features.rows_of_plan(k)
        total = len(left_rows) * len(right_rows)
        if total <= settings["u_sample_pairs"]:
            pairs = all_pairs(left_rows, right_rows, "sample")
        else:
            picks = rng.choice(total, size=settings["u_sample_pairs"], replace=False)
            pairs = make_pairs(left_rows[picks % len(left_rows)], right_rows[picks // len(left_rows)], "sample")
        pairs["plan_size"] = np.full(len(pairs["left"]), max(len(left_rows), len(right_rows)), dtype=np.float64)
        samples.append(pairs)
    return concat(samples)
