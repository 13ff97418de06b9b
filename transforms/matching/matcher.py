"""Facade: match the tasks of yearly plans into lineages. Only wires the stages.

    features → [per chain step: blocking → comparisons → scoring → order → assignment] → lineage → kinds

Pure: a tasks DataFrame (see features.REQUIRED_COLUMNS) and curated overrides in,
DataFrames out. Nothing here reads files or databases. Given the prior matching, the steps
of the plans that did not change keep their links and only the rest are matched
(see incremental.py).
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
from transforms.matching.incremental import EDGE_COLUMNS, KeptSteps, PriorMatching, kept_steps, plan_fingerprints
from transforms.matching.kinds import describe_links, plan_changes
from transforms.matching.lineage import assign_lineage, chain_steps, is_edge
from transforms.matching.overrides import LinkOverride, parse_overrides, resolve_overrides
from transforms.matching.pairs import Pairs, concat, to_frame
from transforms.matching.scoring import FellegiSunterModel, fit_u, prior_log2_odds
from transforms.matching.step import decide_step, step_pairs

__all__ = ["MatchConfig", "MatchResult", "LinkOverride", "PriorMatching", "match_plans", "parse_overrides",
           "explain_link", "fit_model", "score_all_steps"]


@dataclass(frozen=True)
class MatchResult:
    links: pd.DataFrame  # one row per link or review candidate (see kinds.describe_links)
    lineage: pd.DataFrame  # one row per task: lineage_id, plan_id, task_key, task_no
    plan_changes: pd.DataFrame  # one row per new/dropped task per consecutive plan pair
    plans: pd.DataFrame  # the plans in chain order with their fingerprints (incremental.PLAN_STATE_COLUMNS)
    kept_plans: int = 0  # leading plans whose links were kept from the prior matching

    @property
    def matched_plans(self) -> list[str]:
        """The plans whose step was matched in this run (the later plan of each step)."""
        return self.plans["plan_id"].iloc[max(1, self.kept_plans):].tolist()


def fit_model(features: TaskFeatures, config: MatchConfig) -> FellegiSunterModel:
    """u probabilities from random pairs of consecutive plans."""
    sample = compare(features, sample_pairs(features, config), config.workers)
    return fit_u(comparison_levels(sample), prior_log2_odds(features, sample, config), config,
                 years=sample["years_apart"])


def score_all_steps(features: TaskFeatures, model: FellegiSunterModel, config: MatchConfig,
                    overrides: Sequence[LinkOverride] = (), scored_steps: list | None = None,
                    kept: KeptSteps | None = None) -> pd.DataFrame:
    """Walk the plans in order; each step links the later plan to the previous plan and
    to the open tails of older plans. Returns every decided link (rows = task rows) of the
    steps not in `kept`; every step's scored candidates are appended to `scored_steps` when
    given (for explain)."""
    confirmed, rejected = resolve_overrides(features, overrides)
    kept_continued = [] if kept is None else [kept.edges["left"].to_numpy(np.int64)[is_edge(kept.edges)]]
    decided: list[Pairs] = []

    def continued_so_far() -> np.ndarray:
        edges = [links["left"][is_edge(links)] for links in decided]
        return np.concatenate([*kept_continued, *edges] or [np.zeros(0, np.int64)])

    for step in chain_steps(features, config.gap_window_years, continued_so_far):
        if kept is not None and step.later_plan < kept.first_step:
            continue
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
    prior: PriorMatching | None = None,
) -> MatchResult:
    """Links between tasks of different plans, the lineage of every task, and per plan
    pair the new and dropped tasks. `previous_lineage` keeps existing lineage ids; with
    `prior` (the last matching) the unchanged leading plans keep their links and only the
    plans from the first changed one on are matched."""
    features = prepare_features(tasks)
    fingerprints = plan_fingerprints(features, overrides, config)
    kept = kept_steps(features, fingerprints, prior)
    if kept.first_step < len(features.plans):
        links = score_all_steps(features, fit_model(features, config), config, overrides, kept=kept)
    else:
        links = pd.DataFrame({column: kept.edges[column].iloc[0:0] for column in EDGE_COLUMNS})
    edges = pd.concat([kept.edges, links[list(EDGE_COLUMNS)]], ignore_index=True)
    return MatchResult(
        links=_with_kept(kept.links, describe_links(features, links)),
        lineage=assign_lineage(features, edges, previous_lineage),
        plan_changes=plan_changes(features, edges),
        plans=fingerprints, kept_plans=kept.plans,
    )


def _with_kept(kept_links: pd.DataFrame, new_links: pd.DataFrame) -> pd.DataFrame:
    """The kept links as written before, then the new ones, both in describe_links' order."""
    if kept_links.empty or new_links.empty:  # concat with an empty frame would change column dtypes
        return new_links if kept_links.empty else kept_links[list(new_links.columns)]
    return pd.concat([kept_links[list(new_links.columns)], new_links], ignore_index=True)


def explain_link(tasks: pd.DataFrame, from_plan: str, from_task, to_plan: str, to_task,
                 config: MatchConfig = DEFAULT_CONFIG, overrides: Sequence[LinkOverride] = ()) -> dict:
    """Every component score, shared titles and departments, and the decision for one pair
    (see transforms.matching.explain; imported here so the facade offers the whole API)."""
    from transforms.matching.explain import explain_link as explain

    return explain(tasks, from_plan, from_task, to_plan, to_task, config, overrides)
