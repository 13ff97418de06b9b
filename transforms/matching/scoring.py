"""Fellegi–Sunter scoring: every comparison level adds log2(m/u) to the prior log-odds.

m (how often a level occurs among true continuations) starts from the values declared
in comparisons.py. u (how often a level occurs among unrelated pairs) is estimated from
the plans being matched, as Splink does: from pairs drawn at random between consecutive
plans, almost all non-matches, re-weighted by (1 − posterior) for a couple of rounds so
the few real matches among them do not inflate u.

Two things are then re-estimated for each later plan: the share of tasks that continue
(the mixing weight; an EM step pulled towards a prior so a short excerpt cannot move it
far), and whether the plan kept the earlier plan's heading scheme. A plan regrouped
under new headings keeps its tasks but not their places, and there the section must stop
counting for or against a pair; see `adapt_context_m`. Order evidence (order.py) is added
once the step's confident links are known (`rescore_with_order`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from transforms.matching.comparisons import COMPARISONS, FAR_YEARS, Comparison, comparison_levels
from transforms.matching.config import MatchConfig
from transforms.matching.features import TaskFeatures
from transforms.matching.order import order_weight
from transforms.matching.pairs import Pairs

# u values used before any data is seen, and as the pull-towards value for sparse counts.
DEFAULT_U = {
    "text": (0.002, 0.004, 0.01, 0.01, 0.02, 0.005, 0.035, 0.005, 0.095, 0.814),
    "anchors": (None, 0.005, 0.015, 0.01, 0.45, 0.52),
    "departments": (None, 0.05, 0.05, 0.15, 0.05, 0.30, 0.40),
    "section": (None, 0.03, 0.07, 0.05, 0.15, 0.70),
}
# A numerical guard only: with no sampled pair in a level, u is the smoothed prior share
# (`level_shares`), which shrinks as the sample grows, as it should for large plans.
MIN_U = 1e-9
CONTEXT_COMPARISONS = ("section",)


@dataclass(frozen=True)
class FellegiSunterModel:
    comparisons: tuple[Comparison, ...]
    m: dict[str, np.ndarray]  # per comparison, per level; NaN on null levels
    u: dict[str, np.ndarray]
    m_far: dict[str, np.ndarray]  # m between plans FAR_YEARS or more apart

    def level_weights(self, comparison: Comparison) -> np.ndarray:
        """log2(m/u) per level for plans a year apart; 0 on the null level (missing evidence
        moves nothing)."""
        weights = np.log2(self.m[comparison.name] / self.u[comparison.name])
        return np.where(np.isnan(weights), 0.0, weights)

    def pair_weights(self, comparison: Comparison, gamma: np.ndarray, years: np.ndarray | None) -> np.ndarray:
        """log2(m/u) per pair, m mixed between m (a year apart) and m_far by the years between
        the two plans."""
        weights = self.level_weights(comparison)[gamma]
        if years is None:
            return weights
        apart = np.flatnonzero(np.asarray(years) > 1)  # few pairs: gap pairs, missing years
        if len(apart):
            name, level = comparison.name, gamma[apart]
            far = np.minimum((np.asarray(years)[apart] - 1) / (FAR_YEARS - 1), 1.0)
            m = (1 - far) * self.m[name][level] + far * self.m_far[name][level]
            weights[apart] = np.nan_to_num(np.log2(m / self.u[name][level]), nan=0.0)
        return weights

    def with_m(self, near: dict[str, np.ndarray], far: dict[str, np.ndarray]) -> FellegiSunterModel:
        return replace(self, m={**self.m, **near}, m_far={**self.m_far, **far})


def default_model(comparisons: tuple[Comparison, ...] = COMPARISONS) -> FellegiSunterModel:
    return FellegiSunterModel(comparisons, {c.name: c.m for c in comparisons},
                              {c.name: _as_u(DEFAULT_U[c.name]) for c in comparisons},
                              {c.name: c.m_far for c in comparisons})


def _as_u(values) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def fit_u(levels, prior_log2_odds: np.ndarray, config: MatchConfig,
          comparisons: tuple[Comparison, ...] = COMPARISONS, years: np.ndarray | None = None) -> FellegiSunterModel:
    """Estimate u from sampled pairs (`years` apart); a few EM-style rounds discount the likely matches."""
    model = default_model(comparisons)
    non_match = np.ones(len(prior_log2_odds))
    for _ in range(config.u_em_iterations + 1):
        u = {c.name: np.maximum(level_shares(c, np.asarray(levels[f"gamma_{c.name}"]), non_match,
                                             _as_u(DEFAULT_U[c.name]), config.u_prior_strength), MIN_U)
             for c in comparisons}
        model = replace(model, u=u)
        non_match = 1.0 - posterior(match_weight(levels, model, years) + prior_log2_odds)
    return model


def level_shares(comparison: Comparison, gamma: np.ndarray, weight: np.ndarray, prior: np.ndarray,
                 strength: float) -> np.ndarray:
    """Weighted share of pairs per non-null level, smoothed with `strength` pseudo-pairs
    distributed like `prior`; NaN on null levels."""
    is_null = np.array([level.is_null for level in comparison.levels])
    counts = np.bincount(gamma, weights=weight, minlength=len(comparison.levels)).astype(np.float64)
    counts[is_null] = 0.0
    prior_share = np.where(is_null, 0.0, np.nan_to_num(prior))
    prior_share = prior_share / prior_share.sum()
    share = (counts + strength * prior_share) / (counts.sum() + strength)
    share[is_null] = np.nan
    return share


def adapt_context_m(levels, content_score: np.ndarray, model: FellegiSunterModel,
                    config: MatchConfig) -> FellegiSunterModel:
    """m of the context comparisons (the section) for this later plan.

    Whether the plan kept the earlier plan's heading scheme is a latent state. Its posterior
    comes from the pairs content alone links (weighted by their content posterior): under
    "kept" their context levels follow the declared m, under "regrouped" they are no more
    alike than random pairs (u). The context m is then the posterior mixture of the two.
    """
    weight = np.where(content_score >= 0.5, content_score, 0.0)
    log_odds = np.log(config.structure_kept_prior / (1 - config.structure_kept_prior))
    context = [c for c in model.comparisons if c.name in CONTEXT_COMPARISONS]
    for comparison in context:
        ratio = np.log(comparison.m / model.u[comparison.name])
        ratio = np.where(np.isnan(ratio), 0.0, ratio)
        log_odds += float((weight * ratio[np.asarray(levels[f"gamma_{comparison.name}"])]).sum())
    kept = 1.0 / (1.0 + np.exp(-np.clip(log_odds, -50, 50)))
    return model.with_m({c.name: kept * c.m + (1 - kept) * model.u[c.name] for c in context},
                        {c.name: kept * c.m_far + (1 - kept) * model.u[c.name] for c in context})


def match_weight(levels, model: FellegiSunterModel, years: np.ndarray | None = None) -> np.ndarray:
    """Σ log2(m/u) over comparisons (without the prior), for pairs `years` apart (default 1)."""
    total = None
    for comparison in model.comparisons:
        weights = model.pair_weights(comparison, np.asarray(levels[f"gamma_{comparison.name}"]), years)
        total = weights if total is None else total + weights
    return total if total is not None else np.zeros(0)


def posterior(log2_odds: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp2(-np.clip(log2_odds, -60, 60)))


@dataclass(frozen=True)
class StepShape:
    """What the priors of one step depend on: per pair the sizes of the two plans and whether
    the earlier task is an open tail; the tasks as compact codes (for the per-task sums of
    the exclusive posteriors); the number of open tails and the sizes of the plans compared."""

    left: np.ndarray
    right: np.ndarray
    gap: np.ndarray
    left_code: np.ndarray
    right_code: np.ndarray
    n_gap_tasks: int
    direct_size: float  # tasks of the previous plan (0 if the step has no direct pair)
    later_size: float

    @classmethod
    def of(cls, features: TaskFeatures, pairs) -> StepShape:
        sizes = features.plans["n_tasks"].to_numpy(np.float64)
        left_rows = np.asarray(pairs["left"], dtype=np.int64)
        right_rows = np.asarray(pairs["right"], dtype=np.int64)
        left, right = sizes[features.plan_index[left_rows]], sizes[features.plan_index[right_rows]]
        gap = np.asarray(pairs["is_gap"], dtype=bool) if "is_gap" in pairs else np.zeros(len(left), bool)
        # Offsets from the smallest row serve as codes: a step's rows span a few plans at most.
        left_code = left_rows - left_rows.min(initial=0)
        right_code = right_rows - right_rows.min(initial=0)
        n_gap_tasks = int(np.count_nonzero(np.bincount(left_code[gap]))) if gap.any() else 0
        return cls(left, right, gap, left_code, right_code, n_gap_tasks,
                   float(left[~gap].max()) if (~gap).any() else 0.0, float(right.max()) if len(right) else 0.0)


def prior_probability(shape: StepShape, config: MatchConfig, continuity: float | None = None) -> np.ndarray:
    """Prior probability that a pair is a continuation. Consecutive plans: a task continues
    with probability `continuity`, its partner one of max(n_left, n_right) tasks. An open
    tail of an older plan (a gap pair) comes back with `gap_continuity_rate`, into any later task."""
    rate = np.where(shape.gap, config.gap_continuity_rate, config.continuity_rate if continuity is None else continuity)
    return np.clip(rate / np.where(shape.gap, shape.right, np.maximum(shape.left, shape.right)), 1e-9, 0.5)


def prior_log2_odds(features: TaskFeatures, pairs, config: MatchConfig) -> np.ndarray:
    probability = prior_probability(StepShape.of(features, pairs), config)
    return np.log2(probability / (1 - probability))


def score_pairs(signals: Pairs, features: TaskFeatures, model: FellegiSunterModel, config: MatchConfig) -> Pairs:
    """`signals` plus gamma_* levels, w_* level weights, `match_weight` (Fellegi–Sunter log2
    odds incl. the prior, the pair on its own), the posteriors `score_row`, `score_col` and
    `score` (the smaller of the two) and the step's estimated `continuity` share; see the
    module docstring for what is re-estimated here."""
    levels = comparison_levels(signals, model.comparisons)
    shape, years = StepShape.of(features, signals), signals.get("years_apart")
    weights = {f"w_{c.name}": model.pair_weights(c, levels[f"gamma_{c.name}"], years)
               for c in model.comparisons if c.name not in CONTEXT_COMPARISONS}
    # The context model only needs a first reading of which pairs content alone links: one
    # round, whose estimate of the continuity share starts the EM rounds of the full model.
    content_only = _posteriors(sum(weights.values()), shape, config, config.continuity_rate)
    step_model = adapt_context_m(levels, content_only["score"], model, config)
    for comparison in step_model.comparisons:
        if comparison.name in CONTEXT_COMPARISONS:
            weights[f"w_{comparison.name}"] = step_model.pair_weights(
                comparison, levels[f"gamma_{comparison.name}"], years)
    weights["w_order"] = np.zeros(len(shape.gap))
    start = float(content_only["continuity"][0]) if len(shape.gap) else config.continuity_rate
    posteriors = _posteriors(sum(weights.values()), shape, config, start, config.continuity_em_iterations)
    return {**signals, **levels, **weights, **posteriors}


def rescore_with_order(scored: Pairs, window: np.ndarray, inside: np.ndarray, features: TaskFeatures,
                       config: MatchConfig) -> Pairs:
    """`scored` (from score_pairs) with order evidence added. Levels, the step's context model
    and its continuity share do not depend on order, so only the posteriors are computed again."""
    scored = {**scored, "order_window": window, "order_inside": inside}
    scored["w_order"] = order_weight(features, scored)
    evidence = sum(values for name, values in scored.items() if name.startswith("w_"))
    continuity = float(scored["continuity"][0]) if len(window) else config.continuity_rate
    return {**scored, **_posteriors(evidence, StepShape.of(features, scored), config, continuity)}


def _posteriors(evidence: np.ndarray, shape: StepShape, config: MatchConfig, continuity: float,
                rounds: int = 1) -> dict[str, np.ndarray]:
    """Exclusive posteriors under the continuity share `continuity`, re-estimated from them for
    `rounds` EM rounds; `continuity` in the result is the last estimate. Within a step every
    direct pair has the same plan sizes, and so does every gap pair: the priors are two
    numbers per round, not arrays."""
    likelihood = np.exp2(np.clip(evidence, -200, 200))
    for _ in range(max(1, rounds)):
        priors = _step_priors(shape, config, continuity)
        masses = exclusive_posteriors(likelihood, shape, *priors)
        continuity = estimate_continuity(masses, shape, config)
    pair_prior = _by_gap(shape, priors[0], priors[1])
    masses["match_weight"] = evidence + np.log2(pair_prior / (1 - pair_prior))
    masses["score"] = np.minimum(masses["score_row"], masses["score_col"])
    masses["continuity"] = np.full(len(evidence), continuity)
    return masses


def _by_gap(shape: StepShape, direct: float, gap: float):
    return np.where(shape.gap, gap, direct) if shape.n_gap_tasks else direct


def _step_priors(shape: StepShape, config: MatchConfig, continuity: float) -> tuple[float, float, float, float, float]:
    """(pair prior of a direct pair, of a gap pair; prior that the later task has a predecessor
    among the plans compared; that an earlier task of the previous plan, of an older plan,
    has a successor in the later plan) — see prior_probability and exclusive_posteriors."""
    larger = max(shape.direct_size, shape.later_size, 1.0)
    later = max(shape.later_size, 1.0)
    gap_rate = config.gap_continuity_rate
    row_mass = continuity * shape.direct_size / larger + gap_rate * shape.n_gap_tasks / later
    return (float(np.clip(continuity / larger, 1e-9, 0.5)), float(np.clip(gap_rate / later, 1e-9, 0.5)),
            min(row_mass, 0.95), min(continuity * shape.later_size / larger, 0.95), min(gap_rate, 0.95))


def exclusive_posteriors(likelihood: np.ndarray, shape: StepShape, direct_prior: float, gap_prior: float,
                         row_prior: float, direct_col_prior: float, gap_col_prior: float) -> dict[str, np.ndarray]:
    """Posteriors that use the fact that a task has at most one partner in the other plan.

    For the later task j, the hypotheses are "no predecessor" and "predecessor is i" for each
    candidate i: P(i | all pairs of j) = π_ij·LR_ij / ((1 − Π_j) + Σ_k π_kj·LR_kj), with LR the
    Fellegi–Sunter likelihood ratio and Π_j the prior mass of j having any predecessor. The
    same from the earlier task's side gives the column posterior. A pair that must compete
    with similar candidates scores lower than the same pair alone.
    """
    mass = likelihood * _by_gap(shape, direct_prior, gap_prior)
    # float64 even for a step without pairs (bincount of nothing is an int array)
    row_denominator = np.bincount(shape.right_code, weights=mass).astype(np.float64)[shape.right_code]
    row_denominator += 1 - row_prior
    col_denominator = np.bincount(shape.left_code, weights=mass).astype(np.float64)[shape.left_code]
    col_denominator += _by_gap(shape, 1 - direct_col_prior, 1 - gap_col_prior)
    return {"evidence_mass": mass, "row_denominator": row_denominator, "col_denominator": col_denominator,
            "score_row": mass / row_denominator, "score_col": mass / col_denominator}


def estimate_continuity(masses: dict[str, np.ndarray], shape: StepShape, config: MatchConfig) -> float:
    """Expected share of tasks continuing between the previous and the later plan."""
    if shape.direct_size == 0:
        return config.continuity_rate
    row = masses["score_row"]
    expected_links = float(row[~shape.gap].sum() if shape.n_gap_tasks else row.sum())
    possible = min(shape.direct_size, shape.later_size)
    strength = config.continuity_prior_strength
    estimate = (expected_links + strength * config.continuity_rate) / (possible + strength)
    return float(np.clip(estimate, 0.05, 0.95))


def weight_breakdown(row, model: FellegiSunterModel) -> dict[str, dict]:
    """Per comparison: the level a scored pair fell in and the weight it added (for explain)."""
    out = {}
    for comparison in model.comparisons:
        index = int(row[f"gamma_{comparison.name}"])
        level = comparison.levels[index]
        out[comparison.name] = {
            "level": level.label,
            "u": None if level.is_null else float(model.u[comparison.name][index]),
            "weight": float(row.get(f"w_{comparison.name}", model.level_weights(comparison)[index])),
        }
    if "w_order" in row and not np.isnan(row.get("order_window", np.nan)):
        inside = "inside" if row["order_inside"] == 1 else "outside"
        out["order"] = {"level": f"{inside} the window of {int(row['order_window'])} tasks between the linked "
                                 "neighbours' partners", "u": None, "weight": float(row["w_order"])}
    return out


def estimate_m(levels, is_match: np.ndarray, comparisons: tuple[Comparison, ...] = COMPARISONS) -> dict[str, np.ndarray]:
    """P(level | match) among non-null levels, from pairs with known truth (the synthetic
    series); used to calibrate the m values declared in comparisons.py, never at run time."""
    out = {}
    is_match = np.asarray(is_match, dtype=bool)
    for comparison in comparisons:
        is_null = np.array([level.is_null for level in comparison.levels])
        gamma = np.asarray(levels[f"gamma_{comparison.name}"])[is_match]
        counts = np.bincount(gamma, minlength=len(comparison.levels)).astype(float)
        counts[is_null] = 0.0
        share = counts / max(counts.sum(), 1.0)
        share[is_null] = np.nan
        out[comparison.name] = share
    return out
