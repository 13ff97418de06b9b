"""Fellegi–Sunter scoring: every comparison level adds log2(m/u) to the prior log-odds.

m (how often a level occurs among true continuations) is fixed in comparisons.py.
u (how often it occurs among unrelated pairs) is estimated from the plans being
matched, as Splink does: from pairs drawn at random between consecutive plans,
which are almost all non-matches, re-weighted by (1 − posterior) for a couple of
rounds so the few real matches among them do not inflate u. The prior odds follow
from plan sizes: each task continues with probability `continuity_rate` and then
has exactly one partner among the other plan's tasks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from transforms.matching.comparisons import COMPARISONS, Comparison, comparison_levels
from transforms.matching.config import MatchConfig
from transforms.matching.features import TaskFeatures

# u values used before any data is seen, and as the pull-towards value for sparse counts.
DEFAULT_U = {
    "text": (0.002, 0.004, 0.01, 0.01, 0.04, 0.15, 0.786),
    "anchors": (None, 0.01, 0.01, 0.03, 0.45, 0.50),
    "departments": (None, 0.10, 0.15, 0.30, 0.45),
    "lead_department": (None, 0.30, 0.70),
    "section": (0.03, 0.07, 0.05, 0.15, 0.70),
    "position": (None, 0.04, 0.08, 0.18, 0.70),
}
MIN_U = 1e-4  # no level is ever treated as impossible among non-matches


@dataclass(frozen=True)
class FellegiSunterModel:
    comparisons: tuple[Comparison, ...]
    u: dict[str, np.ndarray]  # per comparison, per level; NaN on null levels

    def level_weights(self, comparison: Comparison) -> np.ndarray:
        """log2(m/u) per level; 0 on the null level (missing evidence moves nothing)."""
        weights = np.log2(comparison.m / self.u[comparison.name])
        return np.where(np.isnan(weights), 0.0, weights)


def default_model(comparisons: tuple[Comparison, ...] = COMPARISONS) -> FellegiSunterModel:
    return FellegiSunterModel(comparisons, {c.name: _as_u(DEFAULT_U[c.name]) for c in comparisons})


def _as_u(values) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def fit_u(levels: pd.DataFrame, prior_log2_odds: np.ndarray, config: MatchConfig,
          comparisons: tuple[Comparison, ...] = COMPARISONS) -> FellegiSunterModel:
    """Estimate u from sampled pairs; a few EM-style rounds discount the likely matches."""
    model = default_model(comparisons)
    non_match = np.ones(len(levels))
    for _ in range(config.u_em_iterations + 1):
        model = FellegiSunterModel(
            comparisons, {c.name: _u_from_counts(c, levels[f"gamma_{c.name}"].to_numpy(), non_match, config)
                          for c in comparisons},
        )
        non_match = 1.0 - posterior(match_weight(levels, model) + prior_log2_odds)
    return model


def _u_from_counts(comparison: Comparison, gamma: np.ndarray, weight: np.ndarray, config: MatchConfig):
    prior = _as_u(DEFAULT_U[comparison.name])
    is_null = np.array([level.is_null for level in comparison.levels])
    counts = np.bincount(gamma, weights=weight, minlength=len(comparison.levels)).astype(np.float64)
    counts[is_null] = 0.0
    prior_share = np.where(is_null, 0.0, np.nan_to_num(prior))
    prior_share = prior_share / prior_share.sum()
    u = (counts + config.u_prior_strength * prior_share) / (counts.sum() + config.u_prior_strength)
    u = np.maximum(u, MIN_U)
    u = u / u[~is_null].sum()
    u[is_null] = np.nan
    return u


def match_weight(levels: pd.DataFrame, model: FellegiSunterModel) -> np.ndarray:
    """Σ log2(m/u) over comparisons (without the prior)."""
    total = np.zeros(len(levels))
    for comparison in model.comparisons:
        total += model.level_weights(comparison)[levels[f"gamma_{comparison.name}"].to_numpy()]
    return total


def posterior(log2_odds: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp2(-np.clip(log2_odds, -60, 60)))


def prior_log2_odds(features: TaskFeatures, pairs: pd.DataFrame, config: MatchConfig) -> np.ndarray:
    """Prior log-odds per pair. Consecutive plans: a task continues with probability
    `continuity_rate`, its partner one of max(n_left, n_right) tasks. A task that was
    absent from the plans in between (a gap pair) comes back with `gap_continuity_rate`."""
    sizes = features.plans["n_tasks"].to_numpy(np.float64)
    left_size = sizes[features.plan_index[pairs["left"].to_numpy()]]
    right_size = sizes[features.plan_index[pairs["right"].to_numpy()]]
    gap = pairs["is_gap"].to_numpy(bool) if "is_gap" in pairs else np.zeros(len(pairs), bool)
    rate = np.where(gap, config.gap_continuity_rate, config.continuity_rate)
    probability = np.clip(rate / np.where(gap, right_size, np.maximum(left_size, right_size)), 1e-9, 0.5)
    return np.log2(probability / (1 - probability))


def score_pairs(signals: pd.DataFrame, features: TaskFeatures, model: FellegiSunterModel,
                config: MatchConfig) -> pd.DataFrame:
    """Adds gamma_* levels, `match_weight` (log2 odds incl. prior) and `score` (posterior 0–1)."""
    levels = comparison_levels(signals, model.comparisons)
    weight = match_weight(levels, model) + prior_log2_odds(features, signals, config)
    scored = pd.concat([signals, levels], axis=1)
    scored["match_weight"] = weight
    scored["score"] = posterior(weight)
    return scored


def weight_breakdown(levels: pd.Series, model: FellegiSunterModel) -> dict[str, dict]:
    """Per comparison: the level a pair fell in and the weight it added (for explain)."""
    out = {}
    for comparison in model.comparisons:
        index = int(levels[f"gamma_{comparison.name}"])
        out[comparison.name] = {
            "level": comparison.levels[index].label,
            "m": None if comparison.levels[index].m is None else float(comparison.levels[index].m),
            "u": None if comparison.levels[index].is_null else float(model.u[comparison.name][index]),
            "weight": float(model.level_weights(comparison)[index]),
        }
    return out
