"""Facade: match the tasks of yearly plans into lineages. Only wires the stages.

    features → blocking → comparisons → scoring → assignment → lineage → kinds

Pure: a tasks DataFrame (see features.REQUIRED_COLUMNS) and curated overrides in,
DataFrames out. Nothing here reads files or databases.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from transforms.matching.assignment import decide_links
from transforms.matching.blocking import sample_pairs, step_candidates
from transforms.matching.comparisons import comparison_levels, compare
from transforms.matching.config import DEFAULT_CONFIG, MatchConfig
from transforms.matching.features import TaskFeatures, prepare_features
from transforms.matching.kinds import describe_links, plan_changes
from transforms.matching.lineage import assign_lineage, chain_steps
from transforms.matching.overrides import LinkOverride, apply_overrides, parse_overrides, resolve_overrides
from transforms.matching.scoring import FellegiSunterModel, fit_u, prior_log2_odds, score_pairs

__all__ = ["MatchConfig", "MatchResult", "LinkOverride", "match_plans", "parse_overrides", "explain_link",
           "fit_model", "score_all_steps"]


@dataclass(frozen=True)
class MatchResult:
    links: pd.DataFrame  # one row per link or review candidate (see kinds.describe_links)
    lineage: pd.DataFrame  # one row per task: lineage_id, plan_id, task_key, task_no
    plan_changes: pd.DataFrame  # one row per new/dropped task per consecutive plan pair


def fit_model(features: TaskFeatures, config: MatchConfig) -> FellegiSunterModel:
    """u probabilities from random pairs of consecutive plans."""
    sample = sample_pairs(features, config)
    levels = comparison_levels(compare(features, sample, config.workers))
    return fit_u(levels, prior_log2_odds(features, sample, config), config)


def score_all_steps(features: TaskFeatures, model: FellegiSunterModel, config: MatchConfig,
                    overrides: Sequence[LinkOverride] = (), scored_steps: list | None = None) -> pd.DataFrame:
    """Walk the plans in order; each step links the later plan to the previous plan and
    to the open tails of older plans. Returns every decided link (rows = task rows);
    every step's scored candidates are appended to `scored_steps` when given (for explain)."""
    confirmed, rejected = resolve_overrides(features, overrides)
    decided: list[pd.DataFrame] = []

    def links_so_far() -> pd.DataFrame:
        return pd.concat(decided, ignore_index=True) if decided else pd.DataFrame(
            {"left": [], "right": [], "status": []})

    for step in chain_steps(features, config.gap_window_years, links_so_far):
        pairs = step_candidates(features, step.direct_rows, step.gap_rows, step.later_rows, config)
        pairs = apply_overrides(pairs, step.later_rows, confirmed, rejected)
        scored = score_pairs(compare(features, pairs, config.workers), features, model, config)
        if scored_steps is not None:
            scored_steps.append(scored)
        decided.append(decide_links(scored, confirmed, config))
    return links_so_far()


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
