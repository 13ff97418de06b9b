"""Fellegi–Sunter scoring: every comparison level adds log2(m/u) to the prior log-odds.

m (how often a level occurs among true continuations) starts from the values declared
in comparisons.py. u (how often a level occurs among unrelated pairs) is estimated from
the plans being matched, as Splink does: from pairs drawn at random between consecutive
plans, almost all non-matches, re-weighted by (1 − posterior) for a couple of rounds so
the few real matches among them do not inflate u.

Two things are then re-estimated for each later plan: the share of tasks that continue
(the mixing weight; an EM step pulled towards a prior so a short excerpt cannot move it
far), and whether the plan kept the earlier plan's heading scheme. A plan regrouped
under new headings keeps its tasks but not their places, and there section and position
must stop counting for or against a pair; see `adapt_context_m`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from transforms.matching.comparisons import COMPARISONS, Comparison, comparison_levels
from transforms.matching.config import MatchConfig
from transforms.matching.features import TaskFeatures

# u values used before any data is seen, and as the pull-towards value for sparse counts.
DEFAULT_U = {
    "text": (0.002, 0.004, 0.01, 0.01, 0.02, 0.04, 0.10, 0.814),
    "anchors": (None, 0.02, 0.01, 0.45, 0.52),
    "departments": (None, 0.05, 0.05, 0.15, 0.05, 0.30, 0.40),
    "section": (None, 0.03, 0.07, 0.05, 0.15, 0.70),
    "position": (None, 0.04, 0.08, 0.18, 0.70),
}
MIN_U = 1e-9  # numerical guard only


CONTEXT_COMPARISONS = ("section", "position")


@dataclass(frozen=True)
class FellegiSunterModel:
    comparisons: tuple[Comparison, ...]
    m: dict[str, np.ndarray]  # per comparison, per level; NaN on null levels
    u: dict[str, np.ndarray]

    def level_weights(self, comparison: Comparison) -> np.ndarray:
        """log2(m/u) per level; 0 on the null level (missing evidence moves nothing)."""
        weights = np.log2(self.m[comparison.name] / self.u[comparison.name])
        return np.where(np.isnan(weights), 0.0, weights)

    def with_m(self, changes: dict[str, np.ndarray]) -> FellegiSunterModel:
        return replace(self, m={**self.m, **changes})


def default_model(comparisons: tuple[Comparison, ...] = COMPARISONS) -> FellegiSunterModel:
    return FellegiSunterModel(
        comparisons, {c.name: c.m for c in comparisons}, {c.name: _as_u(DEFAULT_U[c.name]) for c in comparisons}
    )


def _as_u(values) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def fit_u(levels: pd.DataFrame, prior_log2_odds: np.ndarray, config: MatchConfig,
          comparisons: tuple[Comparison, ...] = COMPARISONS) -> FellegiSunterModel:
    """Estimate u from sampled pairs; a few EM-style rounds discount the likely matches."""
    model = default_model(comparisons)
    non_match = np.ones(len(levels))
    for _ in range(config.u_em_iterations + 1):
        u = {c.name: np.maximum(level_shares(c, levels[f"gamma_{c.name}"].to_numpy(), non_match,
                                             _as_u(DEFAULT_U[c.name]), config.u_prior_strength), MIN_U)
             for c in comparisons}
        model = FellegiSunterModel(comparisons, model.m, u)
        non_match = 1.0 - posterior(match_weight(levels, model) + prior_log2_odds)
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


def adapt_context_m(levels: pd.DataFrame, content_score: np.ndarray, model: FellegiSunterModel,
                    config: MatchConfig) -> FellegiSunterModel:
    """m of section and position for this later plan.

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
        log_odds += float((weight * ratio[levels[f"gamma_{comparison.name}"].to_numpy()]).sum())
    kept = 1.0 / (1.0 + np.exp(-np.clip(log_odds, -50, 50)))
    return model.with_m({c.name: kept * c.m + (1 - kept) * model.u[c.name] for c in context})


def without_context(model: FellegiSunterModel) -> FellegiSunterModel:
    return model.with_m({name: model.u[name] for name in CONTEXT_COMPARISONS if name in model.u})


def match_weight(levels: pd.DataFrame, model: FellegiSunterModel) -> np.ndarray:
    """Σ log2(m/u) over comparisons (without the prior)."""
    total = np.zeros(len(levels))
    for comparison in model.comparisons:
        total += model.level_weights(comparison)[levels[f"gamma_{comparison.name}"].to_numpy()]
    return total


def posterior(log2_odds: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp2(-np.clip(log2_odds, -60, 60)))


def prior_probability(features: TaskFeatures, pairs: pd.DataFrame, config: MatchConfig,
                      continuity: float | None = None) -> np.ndarray:
    """Prior probability that a pair is a continuation. Consecutive plans: a task continues
    with probability `continuity`, its partner one of max(n_left, n_right) tasks. An open
    tail of an older plan (a gap pair) comes back with `gap_continuity_rate`, into any later task."""
    rate = config.continuity_rate if continuity is None else continuity
    left_size, right_size, gap = _sizes(features, pairs)
    rate = np.where(gap, config.gap_continuity_rate, rate)
    return np.clip(rate / np.where(gap, right_size, np.maximum(left_size, right_size)), 1e-9, 0.5)


def _sizes(features: TaskFeatures, pairs: pd.DataFrame):
    sizes = features.plans["n_tasks"].to_numpy(np.float64)
    left_size = sizes[features.plan_index[pairs["left"].to_numpy(np.int64)]]
    right_size = sizes[features.plan_index[pairs["right"].to_numpy(np.int64)]]
    gap = pairs["is_gap"].to_numpy(bool) if "is_gap" in pairs else np.zeros(len(pairs), bool)
    return left_size, right_size, gap


def prior_log2_odds(features: TaskFeatures, pairs: pd.DataFrame, config: MatchConfig) -> np.ndarray:
    probability = prior_probability(features, pairs, config)
    return np.log2(probability / (1 - probability))


def score_pairs(signals: pd.DataFrame, features: TaskFeatures, model: FellegiSunterModel,
                config: MatchConfig) -> pd.DataFrame:
    """Adds gamma_* levels, w_* level weights, `match_weight` (Fellegi–Sunter log2 odds incl.
    the prior, the pair on its own) and the posteriors `score_row`, `score_col` and `score`
    (the smaller of the two); see the module docstring for what is re-estimated here."""
    levels = comparison_levels(signals, model.comparisons)
    scored = pd.concat([signals, levels], axis=1)
    content_only = _posteriors(scored, levels, without_context(model), features, config)
    step_model = adapt_context_m(levels, content_only["score"], model, config)
    final = _posteriors(scored, levels, step_model, features, config)
    for comparison in step_model.comparisons:
        scored[f"w_{comparison.name}"] = step_model.level_weights(comparison)[levels[f"gamma_{comparison.name}"]]
    for column, values in final.items():
        scored[column] = values
    return scored


def _posteriors(pairs: pd.DataFrame, levels: pd.DataFrame, model: FellegiSunterModel, features: TaskFeatures,
                config: MatchConfig) -> dict[str, np.ndarray]:
    """Exclusive posteriors, with the continuity share re-estimated by a few EM rounds."""
    evidence = match_weight(levels, model)
    continuity = config.continuity_rate
    for _ in range(config.continuity_em_iterations + 1):
        prior = prior_probability(features, pairs, config, continuity)
        masses = exclusive_posteriors(pairs, evidence, prior, features, config, continuity)
        continuity = estimate_continuity(pairs, masses, features, config)
    masses["match_weight"] = evidence + np.log2(prior / (1 - prior))
    masses["score"] = np.minimum(masses["score_row"], masses["score_col"])
    return masses


def exclusive_posteriors(pairs: pd.DataFrame, evidence: np.ndarray, prior: np.ndarray, features: TaskFeatures,
                         config: MatchConfig, continuity: float) -> dict[str, np.ndarray]:
    """Posteriors that use the fact that a task has at most one partner in the other plan.

    For the later task j, the hypotheses are "no predecessor" and "predecessor is i" for each
    candidate i: P(i | all pairs of j) = π_ij·LR_ij / ((1 − Π_j) + Σ_k π_kj·LR_kj), with LR the
    Fellegi–Sunter likelihood ratio and Π_j the prior mass of j having any predecessor. The
    same from the earlier task's side gives the column posterior. A pair that must compete
    with similar candidates scores lower than the same pair alone.
    """
    mass = prior * np.exp2(np.clip(evidence, -200, 200))
    right, left = pairs["right"].to_numpy(np.int64), pairs["left"].to_numpy(np.int64)
    row_total = np.bincount(right, weights=mass, minlength=features.size)[right]
    col_total = np.bincount(left, weights=mass, minlength=features.size)[left]
    row_prior, col_prior = _prior_masses(pairs, features, config, continuity)
    row_denominator, col_denominator = (1 - row_prior) + row_total, (1 - col_prior) + col_total
    return {"evidence_mass": mass, "row_denominator": row_denominator, "col_denominator": col_denominator,
            "score_row": mass / row_denominator, "score_col": mass / col_denominator}


def _prior_masses(pairs: pd.DataFrame, features: TaskFeatures, config: MatchConfig,
                  continuity: float) -> tuple[np.ndarray, np.ndarray]:
    """Prior probability that the later task has any predecessor among the plans compared in
    this step, and that the earlier task has a successor in the later plan (capped at 0.95)."""
    left_size, right_size, gap = _sizes(features, pairs)
    if len(pairs) == 0:
        return np.zeros(0), np.zeros(0)
    n_gap = len(np.unique(pairs["left"].to_numpy()[gap]))
    direct_size = left_size[~gap].max() if (~gap).any() else 0.0
    later_size = right_size.max()
    row_mass = (continuity * direct_size / max(direct_size, later_size)
                + config.gap_continuity_rate * n_gap / later_size)
    col_mass = np.where(gap, config.gap_continuity_rate, continuity * right_size / np.maximum(left_size, right_size))
    return np.full(len(pairs), min(row_mass, 0.95)), np.minimum(col_mass, 0.95)


def estimate_continuity(pairs: pd.DataFrame, masses: dict[str, np.ndarray], features: TaskFeatures,
                        config: MatchConfig) -> float:
    """Expected share of tasks continuing between the previous and the later plan."""
    left_size, right_size, gap = _sizes(features, pairs)
    if (~gap).sum() == 0:
        return config.continuity_rate
    expected_links = float(masses["score_row"][~gap].sum())
    possible = float(min(left_size[~gap].max(), right_size.max()))
    strength = config.continuity_prior_strength
    estimate = (expected_links + strength * config.continuity_rate) / (possible + strength)
    return float(np.clip(estimate, 0.05, 0.95))


def weight_breakdown(row: pd.Series, model: FellegiSunterModel) -> dict[str, dict]:
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
    return out


def estimate_m(levels: pd.DataFrame, is_match: np.ndarray,
               comparisons: tuple[Comparison, ...] = COMPARISONS) -> dict[str, np.ndarray]:
    """P(level | match) among non-null levels, from pairs with known truth (the synthetic
    series); used to calibrate the m values declared in comparisons.py, never at run time."""
    out = {}
    matches = levels[np.asarray(is_match, dtype=bool)]
    for comparison in comparisons:
        is_null = np.array([level.is_null for level in comparison.levels])
        counts = np.bincount(matches[f"gamma_{comparison.name}"], minlength=len(comparison.levels)).astype(float)
        counts[is_null] = 0.0
        share = counts / max(counts.sum(), 1.0)
        share[is_null] = np.nan
        out[comparison.name] = share
    return out
