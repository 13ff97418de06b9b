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
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from transforms.matching.comparisons import shares_content
from transforms.matching.pairs import Pairs, concat, from_frame, take, with_columns

LINK_ROLES = ("primary", "split", "merge")
# What the decisions read and what they change; whole rows are gathered for the links only.
DECISION_COLUMNS = ("left", "right", "score_row", "score_col", "score", "odds", "row_others", "col_others",
                    "right_in_left", "left_in_right", "text_overlap", "text_containment",
                    "gamma_documents", "closeness")
SCORE_COLUMNS = ("score_row", "score_col", "score")


def decide_links(scored, confirmed: pd.DataFrame, spec) -> Pairs:
    """Rows of `scored` that become links, with `status` (auto|confirmed|review) and `role`.

    `confirmed` holds (left, right) pairs a person confirmed: they are links whatever
    their score, and take their two tasks out of the automatic assignment.
    """
    decision = spec["decision"]
    scored = _as_pairs(scored)
    fixed = is_confirmed(scored, confirmed)
    # Only pairs that one side's posterior already puts above the review floor can become a
    # link or a part (grouping parts raises the other side only): the rest is left out early.
    relevant = np.flatnonzero(fixed | (np.maximum(scored["score_row"], scored["score_col"]) >= decision["review_threshold"]))
    pairs = with_part_groups({**{name: scored[name][relevant] for name in DECISION_COLUMNS}, "row": relevant}, decision)
    fixed = fixed[relevant]
    left, right = pairs["left"], pairs["right"]
    open_pair = ~np.isin(left, left[fixed]) & ~np.isin(right, right[fixed])
    eligible = np.flatnonzero(open_pair & (pairs["score"] >= decision["review_threshold"]) & shares_content(pairs, spec))
    chosen = take(pairs, one_to_one_rows(pairs, eligible, decision))
    chosen["status"] = np.where(chosen["score"] >= decision["threshold"], "auto", "review").astype(object)
    chosen["role"] = np.full(len(chosen["left"]), "primary", dtype=object)
    primaries = concat([_labelled(take(pairs, fixed), "confirmed", "primary"), chosen])
    parts, kept = split_and_merge_parts(pairs, primaries, decision)
    return _whole_rows(scored, concat([take(primaries, np.flatnonzero(kept)), parts]))


def _whole_rows(scored: Pairs, decided: Pairs) -> Pairs:
    """The decided links with every column of `scored`, and the scores as the decisions left them."""
    return {**take(scored, decided["row"]), **{name: decided[name] for name in (*SCORE_COLUMNS, "status", "role")}}


def _as_pairs(table) -> Pairs:
    return from_frame(table) if isinstance(table, pd.DataFrame) else table


def _labelled(pairs: Pairs, status: str, role: str) -> Pairs:
    n = len(pairs["left"])
    return with_columns(pairs, status=np.full(n, status, dtype=object), role=np.full(n, role, dtype=object))


def is_confirmed(scored: Pairs, confirmed: pd.DataFrame | None) -> np.ndarray:
    """Per pair: did a person confirm it (overrides)?"""
    if confirmed is None or confirmed.empty:
        return np.zeros(len(scored["left"]), dtype=bool)
    wanted = _keys(confirmed["left"].to_numpy(np.int64), confirmed["right"].to_numpy(np.int64))
    return np.isin(_keys(scored["left"], scored["right"]), wanted)


def _keys(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    return np.asarray(left, dtype=np.int64) * (1 << 32) + np.asarray(right, dtype=np.int64)


def with_part_groups(scored: Pairs, decision) -> Pairs:
    """Score split and merge parts as one hypothesis. Split parts share their earlier task, so on
    that side each part's sibling counts as a rival; the earlier task's posterior of continuing into
    the parts together (Σ of their odds against its other pairs) replaces it. Likewise on the later
    side for merge parts. A part's score is then its posterior with the shared side so grouped."""
    scored = dict(scored)
    split_part = (scored["score_row"] >= decision["threshold"]) & (scored["right_in_left"] >= decision["part_containment"])
    merge_part = (scored["score_col"] >= decision["threshold"]) & (scored["left_in_right"] >= decision["part_containment"])
    grouped = np.zeros(len(scored["left"]), dtype=bool)
    for part, key, column, others, across in ((split_part, "left", "score_col", "col_others", "row_others"),
                                              (merge_part, "right", "score_row", "row_others", "col_others")):
        if not part.any():
            continue
        owner = scored[key] - scored[key].min()
        size = int(owner.max()) + 1
        members = np.bincount(owner[part], minlength=size)
        group_odds = np.bincount(owner[part], weights=scored["odds"][part], minlength=size)[owner]
        # what the siblings sent into this pair's shared side (their odds, net of their other side)
        sent = scored["odds"] / (1 + scored[across])
        group_sent = np.bincount(owner[part], weights=sent[part], minlength=size)[owner]
        in_group = part & (members[owner] >= 2)
        rivals = np.maximum(scored[others] - (group_sent - sent), 0.0)
        group_score = group_odds / (1 + rivals + group_odds)
        scored[column] = np.where(in_group, np.maximum(scored[column], group_score), scored[column])
        grouped |= in_group
    lifted = np.minimum(scored["score_row"], scored["score_col"])
    scored["score"] = np.where(grouped, np.maximum(scored["score"], lifted), scored["score"])
    return scored


def one_to_one_rows(scored: Pairs, eligible: np.ndarray, decision) -> np.ndarray:
    """Positions (into `scored`) of the maximum-weight one-to-one matching among the `eligible`
    positions; weights are log-odds above the review floor (all positive), plus the position
    tie-break (weak context: closer relative places win between near-equal pairs)."""
    if len(eligible) == 0:
        return eligible
    benefit = (_logit(scored["score"][eligible]) - _logit(decision["review_threshold"])
               + decision["position_tie_break_bits"] * (1 + scored["closeness"][eligible]))
    left_codes, left_values = pd.factorize(scored["left"][eligible])
    right_codes, right_values = pd.factorize(scored["right"][eligible])
    n_left = len(left_values)
    graph = coo_matrix((np.ones(len(eligible)), (left_codes, n_left + right_codes)),
                       shape=(n_left + len(right_values),) * 2)
    _, task_component = connected_components(graph, directed=False)
    component = task_component[left_codes]
    # In a star (one task on one side: most components, single pairs included) the best edge is
    # the matching; the other components are solved exactly, one at a time.
    star = (_distinct_per(component, left_codes) == 1) | (_distinct_per(component, right_codes) == 1)
    by_benefit = np.lexsort((-benefit, component))
    first = by_benefit[np.r_[True, component[by_benefit][1:] != component[by_benefit][:-1]]]
    picked = [first[star[component[first]]]]
    rest = np.flatnonzero(~star[component])
    order = rest[np.argsort(component[rest], kind="stable")]
    bounds = np.flatnonzero(np.diff(component[order])) + 1
    for edges in np.split(order, bounds) if len(order) else []:
        picked.append(_assign_component(edges, left_codes, right_codes, benefit))
    return eligible[np.sort(np.concatenate(picked))]


def _distinct_per(component: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Per component, how many distinct codes its edges have."""
    pairs = np.unique(component.astype(np.int64) * (int(codes.max()) + 1) + codes)
    return np.bincount(pairs // (int(codes.max()) + 1), minlength=int(component.max()) + 1)


def _assign_component(edges, left_codes, right_codes, benefit) -> np.ndarray:
    # imported here: scipy.optimize costs a second to import, and a small plan's components are
    # mostly stars, which never get here
    from scipy.optimize import linear_sum_assignment

    rows, row_index = np.unique(left_codes[edges], return_inverse=True)
    cols, col_index = np.unique(right_codes[edges], return_inverse=True)
    matrix = np.zeros((len(rows), len(cols)))
    matrix[row_index, col_index] = benefit[edges]
    edge_at = np.full((len(rows), len(cols)), -1, dtype=np.int64)
    edge_at[row_index, col_index] = edges
    chosen_rows, chosen_cols = linear_sum_assignment(matrix, maximize=True)
    found = edge_at[chosen_rows, chosen_cols]
    return found[found >= 0]


def _logit(probability) -> np.ndarray:
    p = np.clip(np.asarray(probability, dtype=np.float64), 1e-12, 1 - 1e-12)
    return np.log2(p / (1 - p))


def split_and_merge_parts(scored: Pairs, primaries: Pairs, decision) -> tuple[Pairs, np.ndarray]:
    """Second partners of linked tasks: split parts (later task inside the earlier one)
    and merge parts (earlier task inside the later one). Each part joins once. Returns the
    parts and, per primary, whether it stays.

    A part may be a task the one-to-one assignment gave another partner: the assignment saw
    the linked task as taken, so the part's pair looked explained away and a weaker pair (often
    a new task borrowing one clause) won. A part's posterior is reckoned with the linked task
    free (score_row, score_col), and clearing the threshold so leaves every other pair of the
    part's task at most 1 − threshold: the part joins and that automatic link is dropped
    (a confirmed one never is)."""
    linked = primaries["status"] != "review"
    replaceable = primaries["status"] != "confirmed"
    left, right = scored["left"], scored["right"]
    is_primary = np.isin(_keys(left, right), _keys(primaries["left"], primaries["right"]))
    # A part competes with its sibling on one side only: a split part has one parent
    # (row posterior), a merge part one child (column posterior).
    threshold, containment = decision["threshold"], decision["part_containment"]
    splits = (~is_primary & _free(right, primaries["right"], replaceable) & (scored["score_row"] >= threshold)
              & (scored["right_in_left"] >= containment))
    merges = (~is_primary & _free(left, primaries["left"], replaceable) & (scored["score_col"] >= threshold)
              & (scored["left_in_right"] >= containment))
    anchored = linked
    # A part needs the link of its linked task to stay: once more without the links parts dropped
    # (it drops a subset of them, so every part left keeps its anchor).
    for _ in range(2):
        split_rows = _best_per(right, scored["score_row"], splits & np.isin(left, primaries["left"][anchored]))
        merge_rows = _best_per(left, scored["score_col"], merges & np.isin(right, primaries["right"][anchored]))
        dropped = np.isin(primaries["right"], right[split_rows]) | np.isin(primaries["left"], left[merge_rows])
        if not (dropped & anchored).any():
            break
        anchored = linked & ~dropped
    return concat([_labelled(take(scored, split_rows), "auto", "split"),
                   _labelled(take(scored, merge_rows), "auto", "merge")]), ~dropped


def _free(task: np.ndarray, primary_task: np.ndarray, replaceable: np.ndarray) -> np.ndarray:
    """Per pair: its task has no primary link, or only one a part may replace."""
    return ~np.isin(task, primary_task[~replaceable])


def _best_per(owner: np.ndarray, score: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Among the masked positions, the one with the highest score for each owner."""
    rows = np.flatnonzero(mask)
    rows = rows[np.argsort(-score[rows], kind="stable")]
    _, first = np.unique(owner[rows], return_index=True)
    return np.sort(rows[first])
