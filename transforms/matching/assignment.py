"""Decide links from scored pairs: one-to-one first, then splits and merges.

A task continues at most one earlier task and is continued by at most one later
task, unless the evidence says it was split or merged. The one-to-one part maximises
the total evidence (Σ of log-odds above the review floor) with scipy's
`linear_sum_assignment`, run per connected component of the candidate graph so large
plans never need a dense n × n matrix. A second partner is only added as a split part
(one → several) or merge part (several → one) when it clears the threshold on its own
and most of its content lies inside the task it splits from or merges into.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from transforms.matching.config import MatchConfig

LINK_ROLES = ("primary", "split", "merge")


def decide_links(scored: pd.DataFrame, confirmed: pd.DataFrame, config: MatchConfig) -> pd.DataFrame:
    """Rows of `scored` that become links, with `status` (auto|confirmed|review) and `role`.

    `confirmed` holds (left, right) pairs a person confirmed: they are links whatever
    their score, and take their two tasks out of the automatic assignment.
    """
    fixed = _confirmed_rows(scored, confirmed)
    taken_left, taken_right = set(fixed["left"]), set(fixed["right"])
    open_pairs = scored[~scored["left"].isin(taken_left) & ~scored["right"].isin(taken_right)]
    eligible = open_pairs[open_pairs["score"] >= config.review_threshold]
    chosen = one_to_one(eligible, config)
    chosen = chosen.assign(status=np.where(chosen["score"] >= config.threshold, "auto", "review"), role="primary")
    primaries = pd.concat([fixed, chosen], ignore_index=True)
    parts = split_and_merge_parts(scored, primaries, config)
    return pd.concat([primaries, parts], ignore_index=True)


def _confirmed_rows(scored: pd.DataFrame, confirmed: pd.DataFrame) -> pd.DataFrame:
    if confirmed is None or confirmed.empty:
        return scored.iloc[0:0].assign(status=pd.Series(dtype=str), role=pd.Series(dtype=str))
    keys = confirmed[["left", "right"]].drop_duplicates()
    rows = scored.merge(keys, on=["left", "right"], how="inner")
    return rows.assign(status="confirmed", role="primary")


def one_to_one(eligible: pd.DataFrame, config: MatchConfig) -> pd.DataFrame:
    """Maximum-weight matching; weights are log-odds above the review floor (all positive)."""
    if eligible.empty:
        return eligible.copy()
    floor = np.log2(config.review_threshold / (1 - config.review_threshold))
    benefit = eligible["match_weight"].to_numpy() - floor + 1e-6
    left_codes, left_values = pd.factorize(eligible["left"])
    right_codes, _ = pd.factorize(eligible["right"])
    n_left = len(left_values)
    graph = coo_matrix(
        (np.ones(len(eligible)), (left_codes, n_left + right_codes)),
        shape=(n_left + right_codes.max() + 1,) * 2,
    )
    _, component = connected_components(graph, directed=False)
    edge_component = component[left_codes]
    order = np.argsort(edge_component, kind="stable")
    bounds = np.flatnonzero(np.diff(edge_component[order])) + 1
    picked = []
    for edges in np.split(order, bounds):
        picked.append(edges if len(edges) == 1 else _assign_component(edges, left_codes, right_codes, benefit))
    return eligible.iloc[np.sort(np.concatenate(picked))].copy()


def _assign_component(edges, left_codes, right_codes, benefit) -> np.ndarray:
    rows, row_index = np.unique(left_codes[edges], return_inverse=True)
    cols, col_index = np.unique(right_codes[edges], return_inverse=True)
    matrix = np.zeros((len(rows), len(cols)))
    matrix[row_index, col_index] = benefit[edges]
    edge_at = np.full((len(rows), len(cols)), -1, dtype=np.int64)
    edge_at[row_index, col_index] = edges
    chosen_rows, chosen_cols = linear_sum_assignment(matrix, maximize=True)
    found = edge_at[chosen_rows, chosen_cols]
    return found[found >= 0]


def split_and_merge_parts(scored: pd.DataFrame, primaries: pd.DataFrame, config: MatchConfig) -> pd.DataFrame:
    """Second partners of linked tasks: split parts (later task inside the earlier one)
    and merge parts (earlier task inside the later one). Each part joins once."""
    linked = primaries[primaries["status"] != "review"]
    strong = scored[scored["score"] >= config.threshold]
    later_free = ~strong["right"].isin(primaries["right"])
    earlier_free = ~strong["left"].isin(primaries["left"])
    splits = strong[later_free & strong["left"].isin(linked["left"])
                    & (strong["right_in_left"] >= config.part_containment)]
    splits = splits.sort_values("score", ascending=False).drop_duplicates("right")
    merges = strong[earlier_free & strong["right"].isin(linked["right"])
                    & (strong["left_in_right"] >= config.part_containment)]
    merges = merges[~merges["left"].isin(splits["left"]) & ~merges["right"].isin(splits["right"])]
    merges = merges.sort_values("score", ascending=False).drop_duplicates("left")
    return pd.concat([splits.assign(status="auto", role="split"), merges.assign(status="auto", role="merge")],
                     ignore_index=True)
