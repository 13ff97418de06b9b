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

from transforms.matching.comparisons import ANCHOR_EXACT, ANCHOR_MENTION, ANCHOR_RELATED
from transforms.matching.config import MatchConfig

LINK_ROLES = ("primary", "split", "merge")


def decide_links(scored: pd.DataFrame, confirmed: pd.DataFrame, config: MatchConfig) -> pd.DataFrame:
    """Rows of `scored` that become links, with `status` (auto|confirmed|review) and `role`.

    `confirmed` holds (left, right) pairs a person confirmed: they are links whatever
    their score, and take their two tasks out of the automatic assignment.
    """
    scored = with_part_groups(scored, config)
    fixed = _confirmed_rows(scored, confirmed)
    taken_left, taken_right = set(fixed["left"]), set(fixed["right"])
    open_pairs = scored[~scored["left"].isin(taken_left) & ~scored["right"].isin(taken_right)]
    eligible = open_pairs[(open_pairs["score"] >= config.review_threshold) & shares_content(open_pairs, config)]
    chosen = rescore_given_assignment(scored, one_to_one(eligible, config), config)
    chosen = chosen.assign(status=np.where(chosen["score"] >= config.threshold, "auto", "review"), role="primary")
    primaries = pd.concat([fixed, chosen], ignore_index=True)
    parts = split_and_merge_parts(scored, primaries, config)
    return pd.concat([primaries, parts], ignore_index=True)


def shares_content(pairs: pd.DataFrame, config: MatchConfig) -> pd.Series:
    """A continuation shares content: some rare characters of its text or a named document.
    Section, position and departments agree between neighbouring tasks of one department
    far more often than their separate u values assume, so they may break ties but never
    make a link on their own."""
    text = np.maximum(pairs["text_overlap"].to_numpy(), pairs["text_containment"].to_numpy())
    named = np.isin(pairs["anchor_match"].to_numpy(), (ANCHOR_EXACT, ANCHOR_RELATED, ANCHOR_MENTION))
    return pd.Series((text >= config.min_content_overlap) | named, index=pairs.index)


def with_part_groups(scored: pd.DataFrame, config: MatchConfig) -> pd.DataFrame:
    """Score split and merge parts as one hypothesis. The column posterior of a split part is
    shared with its sibling (both continue the same task), so it is replaced by the posterior
    of "the earlier task continues into these parts"; likewise the row posterior of merge parts."""
    scored = scored.copy()
    split_part = (scored["score_row"] >= config.threshold) & (scored["right_in_left"] >= config.part_containment)
    merge_part = (scored["score_col"] >= config.threshold) & (scored["left_in_right"] >= config.part_containment)
    for part, key, column, denominator in ((split_part, "left", "score_col", "col_denominator"),
                                           (merge_part, "right", "score_row", "row_denominator")):
        members = scored[part]
        groups = members.groupby(key)["evidence_mass"].agg(["sum", "size"])
        groups = groups[groups["size"] >= 2]
        in_group = part & scored[key].isin(groups.index)
        group_score = scored.loc[in_group, key].map(groups["sum"]) / scored.loc[in_group, denominator]
        scored.loc[in_group, column] = np.maximum(scored.loc[in_group, column], group_score)
    scored["score"] = np.minimum(scored["score_row"], scored["score_col"])
    return scored


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
    floor = _logit(config.review_threshold)
    benefit = _logit(eligible["score"].to_numpy()) - floor + 1e-6
    left_codes, left_values = pd.factorize(eligible["left"])
    right_codes, _ = pd.factorize(eligible["right"])
    n_left = len(left_values)
    graph = coo_matrix(
        (np.ones(len(eligible)), (left_codes, n_left + right_codes)),
        shape=(n_left + right_codes.max() + 1,) * 2,
    )
    _, component = connected_components(graph, directed=False)
    edge_component = component[left_codes]
    edges_per_component = np.bincount(edge_component)
    alone = edges_per_component[edge_component] == 1  # most components are one pair: take them as they are
    picked = [np.flatnonzero(alone)]
    shared = np.flatnonzero(~alone)
    order = shared[np.argsort(edge_component[shared], kind="stable")]
    bounds = np.flatnonzero(np.diff(edge_component[order])) + 1
    for edges in np.split(order, bounds) if len(order) else []:
        picked.append(_assign_component(edges, left_codes, right_codes, benefit))
    return eligible.iloc[np.sort(np.concatenate(picked))].copy()


def rescore_given_assignment(scored: pd.DataFrame, chosen: pd.DataFrame, config: MatchConfig,
                             rounds: int = 2) -> pd.DataFrame:
    """Re-score the chosen pairs once their competitors are explained: a candidate that the
    assignment confidently paired with another task no longer dilutes this pair's posterior
    (an iterated-conditional-modes step towards the joint one-to-one posterior)."""
    chosen = chosen.copy()
    left, right = scored["left"].to_numpy(np.int64), scored["right"].to_numpy(np.int64)
    mass = scored["evidence_mass"].to_numpy()
    size = int(max(left.max(initial=0), right.max(initial=0))) + 1
    for _ in range(rounds):
        confident = chosen[chosen["score"] >= config.threshold]
        partner_of_left = np.full(size, -1, dtype=np.int64)
        partner_of_right = np.full(size, -1, dtype=np.int64)
        partner_of_left[confident["left"].to_numpy(np.int64)] = confident["right"].to_numpy(np.int64)
        partner_of_right[confident["right"].to_numpy(np.int64)] = confident["left"].to_numpy(np.int64)
        explained_left = (partner_of_left[left] >= 0) & (partner_of_left[left] != right)
        explained_right = (partner_of_right[right] >= 0) & (partner_of_right[right] != left)
        row_free = np.bincount(right, weights=np.where(explained_left, mass, 0.0), minlength=size)
        col_free = np.bincount(left, weights=np.where(explained_right, mass, 0.0), minlength=size)
        row_denominator = chosen["row_denominator"].to_numpy() - row_free[chosen["right"].to_numpy(np.int64)]
        col_denominator = chosen["col_denominator"].to_numpy() - col_free[chosen["left"].to_numpy(np.int64)]
        chosen["score_row"] = np.maximum(chosen["score_row"], chosen["evidence_mass"] / row_denominator)
        chosen["score_col"] = np.maximum(chosen["score_col"], chosen["evidence_mass"] / col_denominator)
        chosen["score"] = np.minimum(chosen["score_row"], chosen["score_col"])
    return chosen


def _logit(probability) -> np.ndarray:
    p = np.clip(np.asarray(probability, dtype=np.float64), 1e-12, 1 - 1e-12)
    return np.log2(p / (1 - p))


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
    # A part competes with its sibling on one side only: a split part has one parent
    # (row posterior), a merge part one child (column posterior).
    free_later = scored[~scored["right"].isin(primaries["right"]) & (scored["score_row"] >= config.threshold)]
    splits = free_later[free_later["left"].isin(linked["left"])
                        & (free_later["right_in_left"] >= config.part_containment)]
    splits = splits.sort_values("score_row", ascending=False).drop_duplicates("right")
    free_earlier = scored[~scored["left"].isin(primaries["left"]) & (scored["score_col"] >= config.threshold)]
    merges = free_earlier[free_earlier["right"].isin(linked["right"])
                          & (free_earlier["left_in_right"] >= config.part_containment)]
    merges = merges.sort_values("score_col", ascending=False).drop_duplicates("left")
    return pd.concat([splits.assign(status="auto", role="split"), merges.assign(status="auto", role="merge")],
                     ignore_index=True)
