"""Fellegi–Sunter scores, calibrated on the plans being matched.

Each comparison level has m = P(level | continuation) and u = P(level | not); a pair's evidence
is Σ log2(m/u) over its non-null levels. `fit_model` estimates both from the data at hand:
u from random pairs of consecutive plans, m (and the continuity share) by EM over the candidate
pairs of consecutive plans, the M-step reading the confident pairs and the spec's `m_prior`
counting as pseudo-matches. `exclusive_posteriors` turns evidence into the probability that a
pair is *the* continuation, given that a task has at most one predecessor and one successor.
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


def fit_model(sample, candidates, sizes: tuple[np.ndarray, np.ndarray], possible_links: float, spec) -> Model:
    """u from `sample` (random pairs, compared), m and continuity by EM over `candidates` (compared
    candidate pairs of consecutive plans; `sizes` = the sizes of their two plans per pair;
    `possible_links` = Σ over plan pairs of min(earlier tasks, later tasks drawn))."""
    settings, entries = spec["calibration"], spec["comparison"]
    names = tuple(e["name"] for e in entries)
    m_prior = {e["name"]: np.asarray(e["m_prior"], dtype=np.float64) for e in entries}
    uniform = {e["name"]: np.asarray(e["u_prior"], dtype=np.float64) for e in entries}
    sample_non_match = np.ones(len(sample["left"]))
    model = Model(names, m_prior, {n: level_shares(np.asarray(sample[f"gamma_{n}"]), sample_non_match, len(uniform[n]),
                                                   uniform[n], settings["u_prior_pairs"]) for n in names},
                  spec["prior"]["continuity"])
    pair_size = np.maximum(sizes[0], sizes[1]).astype(np.float64)
    for _ in range(settings["em_iterations"]):
        p = _pair_posterior(model.evidence(candidates), model.continuity / np.maximum(pair_size, 1))
        weight = np.where(p >= settings["confident_posterior"], p, 0.0)
        m = {n: level_shares(np.asarray(candidates[f"gamma_{n}"]), weight, len(m_prior[n]), m_prior[n],
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
    prior = np.clip(prior, 1e-12, 0.5)
    return 1.0 / (1.0 + np.exp2(-np.clip(evidence + np.log2(prior / (1 - prior)), -60, 60)))


def exclusive_posteriors(evidence: np.ndarray, pair_prior: np.ndarray, left_code: np.ndarray, right_code: np.ndarray,
                         row_mass: np.ndarray, col_mass: np.ndarray) -> dict[str, np.ndarray]:
    """For the later task j, the hypotheses are "no predecessor" and "predecessor is i" for each
    candidate i: P(i | j) = π_ij·LR_ij / ((1 − Π_j) + Σ_k π_kj·LR_kj), Π_j the prior mass of j having
    a predecessor (`row_mass`, per pair); the same from the earlier task's side with `col_mass`.
    `score` is the smaller of the two: a pair competing with similar candidates scores lower."""
    mass = np.exp2(np.clip(evidence, -200, 200)) * pair_prior
    row_denominator = np.bincount(right_code, weights=mass).astype(np.float64)[right_code] + (1 - row_mass)
    col_denominator = np.bincount(left_code, weights=mass).astype(np.float64)[left_code] + (1 - col_mass)
    score_row, score_col = mass / row_denominator, mass / col_denominator
    return {"evidence_mass": mass, "row_denominator": row_denominator, "col_denominator": col_denominator,
            "score_row": score_row, "score_col": score_col, "score": np.minimum(score_row, score_col),
            "match_weight": evidence + np.log2(pair_prior / (1 - pair_prior))}


def explain_away(scored: dict, decision) -> dict:
    """Posteriors once the confident pairs are known (iterated conditional modes towards the joint
    one-to-one posterior): a candidate that is confidently the partner of another task no longer
    dilutes this pair's posterior. Confident pairs (score ≥ threshold: both posteriors above ½) are
    one-to-one already. `explain_away_rounds` rounds, each on the scores the last one left."""
    scored = dict(scored)
    left, right, mass = scored["left"], scored["right"], scored["evidence_mass"]
    size = int(max(left.max(initial=0), right.max(initial=0))) + 1
    for _ in range(decision["explain_away_rounds"]):
        confident = scored["score"] >= decision["threshold"]
        partner_of_left = np.full(size, -1, dtype=np.int64)
        partner_of_right = np.full(size, -1, dtype=np.int64)
        partner_of_left[left[confident]] = right[confident]
        partner_of_right[right[confident]] = left[confident]
        explained_left = (partner_of_left[left] >= 0) & (partner_of_left[left] != right)
        explained_right = (partner_of_right[right] >= 0) & (partner_of_right[right] != left)
        row_free = np.bincount(right, weights=np.where(explained_left, mass, 0.0), minlength=size)
        col_free = np.bincount(left, weights=np.where(explained_right, mass, 0.0), minlength=size)
        # A pair's own mass never counts as explained, so the denominators stay above its mass.
        scored["score_row"] = np.maximum(scored["score_row"], mass / (scored["row_denominator"] - row_free[right]))
        scored["score_col"] = np.maximum(scored["score_col"], mass / (scored["col_denominator"] - col_free[left]))
        scored["score"] = np.minimum(scored["score_row"], scored["score_col"])
    return scored
