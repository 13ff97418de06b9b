"""Fellegi–Sunter scores, calibrated on the plans being matched.

Each comparison level has m = P(level | continuation) and u = P(level | not); a pair's evidence
is Σ log2(m/u) over its non-null levels. `fit_model` estimates both from the data at hand:
u from random pairs of consecutive plans, m (and the continuity share) by EM over the candidate
pairs of consecutive plans, the E-step the one-to-one posterior and the spec's `m_prior` counting
as pseudo-matches. `one_to_one_posteriors` turns evidence into the probability that a pair is
*the* continuation, given that a task has at most one predecessor and one successor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from transforms.matching.comparisons import NULL


@dataclass(frozen=True)
class Model:
    names: tuple[str, ...]
    m: dict[str, np.ndarray]
    u: dict[str, np.ndarray]
    continuity: float

    def level_weights(self, name: str) -> np.ndarray:
        return np.log2(self.m[name] / self.u[name])

    def weights(self, scored) -> dict[str, np.ndarray]:
        """w_<name> per pair: the level's log2(m/u), 0 on the null level."""
        out = {}
        for name in self.names:
            gamma = np.asarray(scored[f"gamma_{name}"], dtype=np.int64)
            table = np.append(self.level_weights(name), 0.0)  # index -1: the null level
            out[f"w_{name}"] = table[gamma]
        return out

    def evidence(self, scored) -> np.ndarray:
        weights = self.weights(scored)
        return sum(weights.values()) if weights else np.zeros(len(scored["left"]))


def level_shares(gamma: np.ndarray, weight: np.ndarray, n_levels: int, prior: np.ndarray, prior_pairs: float) -> np.ndarray:
    """Weighted share of the pairs per level (null levels left out), smoothed by pseudo-pairs."""
    known = gamma != NULL
    counts = np.bincount(gamma[known], weights=weight[known], minlength=n_levels).astype(np.float64)
    return (counts + prior_pairs * prior) / (counts.sum() + prior_pairs)


def fit_model(sample, candidates, sizes: tuple[np.ndarray, np.ndarray, np.ndarray], possible_links: float,
              spec) -> Model:
    """u from `sample` (random pairs, compared), m and continuity by EM over `candidates` (compared
    candidate pairs of consecutive plans; `sizes` = per pair, its earlier plan's size, its later
    plan's size and how many later tasks of it were drawn; `possible_links` = Σ over plan pairs of
    min(earlier tasks, later tasks drawn)). The E-step is the one-to-one posterior, as in matching:
    a pair's weight in the M-step is its share of a matching, so competitors of a plain continuation
    do not each count as half a match. Each iteration refines the messages of the last by a few rounds
    (a generalised EM: the level shares settle long before every message of a near-tie does)."""
    settings, entries = spec["calibration"], spec["comparison"]
    names = tuple(e["name"] for e in entries)
    m_prior = {e["name"]: np.asarray(e["m_prior"], dtype=np.float64) for e in entries}
    uniform = {e["name"]: np.asarray(e["u_prior"], dtype=np.float64) for e in entries}
    sample_non_match = np.ones(len(sample["left"]))
    model = Model(names, m_prior, {n: level_shares(np.asarray(sample[f"gamma_{n}"]), sample_non_match, len(uniform[n]),
                                                   uniform[n], settings["u_prior_pairs"]) for n in names},
                  spec["prior"]["continuity"])
    n_earlier, n_later, n_drawn = (np.asarray(s, dtype=np.float64) for s in sizes)
    share = 1.0 / np.maximum(np.maximum(n_earlier, n_later), 1)
    cap, messages = spec["prior"]["max_mass"], None
    # a few rounds of belief propagation per iteration, each starting from the last messages
    em_settings = {**spec["decision"], "one_to_one_rounds": settings["em_one_to_one_rounds"]}
    for _ in range(settings["em_iterations"]):
        pair_prior = bounded_pair_prior(model.continuity * share)
        odds = pair_odds(model.evidence(candidates), pair_prior, np.minimum(pair_prior * n_earlier, cap),
                         np.minimum(pair_prior * n_drawn, cap))
        posterior = one_to_one_posteriors(odds, candidates["left"], candidates["right"], em_settings, messages)
        messages, p = (posterior["row_others"], posterior["col_others"]), posterior["score"]
        m = {n: level_shares(np.asarray(candidates[f"gamma_{n}"]), p, len(m_prior[n]), m_prior[n],
                             settings["m_prior_pairs"]) for n in names}
        q = _pair_posterior(model.evidence(sample), model.continuity / np.maximum(_sample_size(sample), 1))
        u = {n: level_shares(np.asarray(sample[f"gamma_{n}"]), 1 - q, len(uniform[n]), uniform[n],
                             settings["u_prior_pairs"]) for n in names}
        model = Model(names, m, u, _continuity(p, possible_links, spec))
    return model


def _sample_size(sample) -> np.ndarray:
    return np.asarray(sample.get("plan_size", np.ones(len(sample["left"]))), dtype=np.float64)


def _continuity(p: np.ndarray, possible_links: float, spec) -> float:
    """Expected links over possible links, with pseudo-tasks."""
    prior, strength = spec["prior"]["continuity"], spec["prior"]["continuity_strength"]
    estimate = (float(p.sum()) + strength * prior) / (possible_links + strength)
    return float(np.clip(estimate, 1 - spec["prior"]["max_mass"], spec["prior"]["max_mass"]))


def _pair_posterior(evidence: np.ndarray, prior: np.ndarray) -> np.ndarray:
    prior = bounded_pair_prior(prior)
    return 1.0 / (1.0 + np.exp2(-np.clip(evidence + np.log2(prior / (1 - prior)), -60, 60)))


def bounded_pair_prior(prior) -> np.ndarray:
    """A pair's prior kept inside (0, 0.5]: above 0 so that its log-odds are finite, and at most even
    odds, as no pair is a link more likely than not before its evidence is read (numerical guards of
    the model, not settings: the spec's priors decide the value inside)."""
    return np.clip(prior, 1e-12, 0.5)


def pair_odds(evidence: np.ndarray, pair_prior: np.ndarray, row_mass, col_mass) -> np.ndarray:
    """Odds that a pair is linked rather than both its tasks unmatched: the prior odds of the
    one-to-one model times the likelihood ratio. A plan is drawn as: each earlier task continues
    with probability Π_col (`col_mass`), the later plan's other tasks are new, about
    (1 − Π_row)·n of them (`row_mass`); then adding one link to a matching multiplies its prior by
    π_ij / ((1 − Π_row)(1 − Π_col)), π_ij the pair's share of the prior (see one_to_one_posteriors)."""
    prior_odds = pair_prior / ((1 - np.asarray(row_mass)) * (1 - np.asarray(col_mass)))
    return np.exp2(np.clip(evidence, -200, 200)) * prior_odds


def one_to_one_posteriors(odds: np.ndarray, left_code: np.ndarray, right_code: np.ndarray, settings,
                          messages: tuple[np.ndarray, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """Posteriors of the pairs under the one-to-one model (a task has at most one predecessor and at
    most one successor), by sum-product belief propagation over the candidate graph (the Bethe
    approximation of the matching posterior, exact on a tree):

        col_others_e = Σ over the earlier task's other pairs f of odds_f / (1 + row_others_f)
        row_others_e = Σ over the later task's other pairs f of odds_f / (1 + col_others_f)
        score_e      = odds_e / ((1 + row_others_e)(1 + col_others_e) + odds_e)

    A competitor counts only as far as its own other partners leave it free, so a candidate that is
    plainly the continuation of another task stops competing (explaining away, to the end).
    `score_row` is the later task's posterior with its earlier task free to continue elsewhere too
    (the hypothesis of a split part), `score_col` the same for merge parts. Rounds repeat until the
    messages settle (`one_to_one_tolerance`) or `one_to_one_rounds`; `messages` (row_others,
    col_others) start them from an earlier run, as EM does between its iterations."""
    n = len(odds)
    row_others, col_others = (np.zeros(n), np.zeros(n)) if messages is None else messages
    left_sums, right_sums = _OwnerSums(left_code), _OwnerSums(right_code)
    for _ in range(settings["one_to_one_rounds"]):
        new_col = left_sums.others(odds / (1 + row_others))
        new_row = right_sums.others(odds / (1 + new_col))
        # only 1 + others enters a posterior: a change small against it changes nothing
        tolerance = settings["one_to_one_tolerance"]
        settled = (np.all(np.abs(new_col - col_others) <= tolerance * (1 + new_col))
                   and np.all(np.abs(new_row - row_others) <= tolerance * (1 + new_row)))
        row_others, col_others = new_row, new_col
        if settled:
            break
    return {"odds": odds, "row_others": row_others, "col_others": col_others,
            "score_row": odds / (1 + row_others + odds), "score_col": odds / (1 + col_others + odds),
            "score": odds / ((1 + row_others) * (1 + col_others) + odds)}


class _OwnerSums:
    """Σ of a value over the *other* pairs of each pair's task. Taken as total − own it is exact to
    about 2⁻⁵² of the task's total, and only 1 + Σ is ever used; where a value exceeds `_EXACT_ABOVE`
    that error could reach 1, so the largest pair's rest is summed directly.
    Pairs are visited grouped by task (sorted once; pairs come sorted by later task), so each round
    is a few reduceat passes."""

    def __init__(self, owner: np.ndarray):
        owner = np.asarray(owner, dtype=np.int64)
        ordered = bool(np.all(owner[1:] >= owner[:-1]))
        self.order = None if ordered else np.argsort(owner, kind="stable")
        grouped = owner if ordered else owner[self.order]
        self.starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]]) if len(grouped) else grouped
        self.counts = np.diff(np.r_[self.starts, len(grouped)])

    def others(self, values: np.ndarray) -> np.ndarray:
        if len(values) == 0:
            return np.zeros(0)
        grouped = values if self.order is None else values[self.order]
        total = np.repeat(np.add.reduceat(grouped, self.starts), self.counts)
        found = np.maximum(total - grouped, 0.0)
        if grouped.max() > _EXACT_ABOVE:
            largest = np.repeat(np.maximum.reduceat(grouped, self.starts), self.counts)
            top = grouped == largest
            ties = np.repeat(np.add.reduceat(top.astype(np.float64), self.starts), self.counts)
            rest = np.repeat(np.add.reduceat(np.where(top, 0.0, grouped), self.starts), self.counts)
            found = np.where(top & (ties == 1), rest, found)
        if self.order is None:
            return found
        out = np.empty(len(values))
        out[self.order] = found
        return out


_EXACT_ABOVE = 2.0 ** 40  # numerics, not a setting: below it total − own errs by < 2⁻¹² per pair
