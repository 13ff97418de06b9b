"""Facade: match the tasks of yearly plans into lineages. Only wires the stages.

    features → [per chain step: blocking → comparisons → scoring → order → assignment] → lineage → kinds

Pure: a tasks DataFrame (see features.REQUIRED_COLUMNS) and curated overrides in,
DataFrames out. Nothing here reads files or databases.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from transforms.matching.blocking import sample_pairs
from transforms.matching.comparisons import comparison_levels, compare
from transforms.matching.config import DEFAULT_CONFIG, MatchConfig
from transforms.matching.features import TaskFeatures, prepare_features
from transforms.matching.kinds import describe_links, plan_changes
from transforms.matching.lineage import assign_lineage, chain_steps, is_edge
from transforms.matching.overrides import LinkOverride, parse_overrides, resolve_overrides
from transforms.matching.pairs import Pairs, concat, to_frame
from transforms.matching.scoring import FellegiSunterModel, fit_u, prior_log2_odds
from transforms.matching.step import decide_step, step_pairs

__all__ = ["MatchConfig", "MatchResult", "LinkOverride", "match_plans", "parse_overrides", "explain_link",
           "fit_model", "score_all_steps"]


@dataclass(frozen=True)
class MatchResult:
    links: pd.DataFrame  # one row per link or review candidate (see kinds.describe_links)
    lineage: pd.DataFrame  # one row per task: lineage_id, plan_id, task_key, task_no
    plan_changes: pd.DataFrame  # one row per new/dropped task per consecutive plan pair


def fit_model(features: TaskFeatures, config: MatchConfig) -> FellegiSunterModel:
    """u probabilities from random pairs of consecutive plans."""
    sample = compare(features, sample_pairs(features, config), config.workers)
    return fit_u(comparison_levels(sample), prior_log2_odds(features, sample, config), config,
                 years=sample["years_apart"])


def score_all_steps(features: TaskFeatures, model: FellegiSunterModel, config: MatchConfig,
                    overrides: Sequence[LinkOverride] = (), scored_steps: list | None = None) -> pd.DataFrame:
    """Walk the plans in order; each step links the later plan to the previous plan and
    to the open tails of older plans. Returns every decided link (rows = task rows);
    every step's scored candidates are appended to `scored_steps` when given (for explain)."""
    confirmed, rejected = resolve_overrides(features, overrides)
    decided: list[Pairs] = []

    def continued_so_far() -> np.ndarray:
        return np.concatenate([links["left"][is_edge(links)] for links in decided] or [np.zeros(0, np.int64)])

    for step in chain_steps(features, config.gap_window_years, continued_so_far):
        scored, links = decide_step(features, step_pairs(features, step, config, confirmed, rejected), model,
                                    config, confirmed)
        if scored_steps is not None:
            scored_steps.append(to_frame(scored))
        decided.append(links)
    if not decided:
        return pd.DataFrame({"left": np.zeros(0, np.int64), "right": np.zeros(0, np.int64), "status": []})
    return to_frame(concat(decided))


def match_plans(
    tasks: pd.DataFrame,
    previous_lineage: pd.DataFrame | None = None,
    overrides: Sequence[LinkOverride] = (),
    config: MatchConfig = DEFAULT_CONFIG,
) -> MatchResult:
    """Links between tasks of different plans, the lineage of every task, and per plan
    pair the new and dropped tasks. `previous_lineage` keeps existing lineage ids."""
    features = prepare_features(tasks)
    model = fit_model(features, config)
    links = score_all_steps(features, model, config, overrides)
    return MatchResult(
        links=describe_links(features, links),
        lineage=assign_lineage(features, links, previous_lineage),
        plan_changes=plan_changes(features, links),
    )


def explain_link(tasks: pd.DataFrame, from_plan: str, from_task, to_plan: str, to_task,
                 config: MatchConfig = DEFAULT_CONFIG, overrides: Sequence[LinkOverride] = ()) -> dict:
    """Every component score, shared titles and departments, and the decision for one pair
    (see transforms.matching.explain; imported here so the facade offers the whole API)."""
    from transforms.matching.explain import explain_link as explain

    return explain(tasks, from_plan, from_task, to_plan, to_task, config, overrides)
