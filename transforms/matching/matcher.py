"""Match the tasks of yearly plans into lineages. The stages, in the order a pair meets them:

    1. features      features.prepare_features          every task's normalised text, bigrams, documents, lines
    2. calibration   calibrate → scoring.fit_model      u from random pairs, m by EM on consecutive plans
    3. per later plan, in chain order (link_plans):
         candidates  step_candidates                    open tails (lineage.open_tails) × the plan, blocked
         comparisons comparisons.compare                one level per comparison of spec.toml
         scores      score_step                         evidence, priors, one-to-one posteriors
         assignment  assignment.decide_links            one-to-one, then split and merge parts
    4. lineages      lineage.assign_lineage             trees of links, stable ids
    5. kinds         kinds.describe_links / plan_changes

Pure: a tasks DataFrame (frames.TASK_COLUMNS) and curated overrides in, DataFrames out. Given
the prior matching, the steps of the plans that did not change keep their links (incremental.py).
explain.py, evaluation and the benchmarks call these same functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from transforms.matching.assignment import decide_links
from transforms.matching.blocking import candidate_pairs, sample_pairs
from transforms.matching.comparisons import compare
from transforms.matching.features import TaskFeatures, prepare_features
from transforms.matching.incremental import EDGE_COLUMNS, KeptSteps, PriorMatching, kept_steps, plan_fingerprints
from transforms.matching.kinds import describe_links, plan_changes
from transforms.matching.lineage import ChainStep, assign_lineage, is_edge, open_tails
from transforms.matching.overrides import LinkOverride, apply_overrides, parse_overrides, resolve_overrides
from transforms.matching.pairs import Pairs, concat, make_pairs, to_frame
from transforms.matching.scoring import Model, bounded_pair_prior, fit_model, one_to_one_posteriors, pair_odds
from transforms.matching.spec import DEFAULT_SPEC

__all__ = ["MatchResult", "LinkOverride", "PriorMatching", "match_plans", "parse_overrides", "calibrate",
           "link_plans", "step_candidates", "score_step"]


@dataclass(frozen=True)
class MatchResult:
    links: pd.DataFrame  # one row per link or review candidate (see kinds.describe_links)
    lineage: pd.DataFrame  # one row per task: lineage_id, plan_id, task_key, task_no
    plan_changes: pd.DataFrame  # one row per new/dropped task per consecutive plan pair
    plans: pd.DataFrame  # the plans in chain order with their fingerprints (incremental.PLAN_STATE_COLUMNS)
    kept_plans: int = 0  # leading plans whose links were kept from the prior matching

    @property
    def matched_plans(self) -> list[str]:
        """The plans whose step was matched in this run."""
        return self.plans["plan_id"].iloc[max(1, self.kept_plans):].tolist()


def match_plans(tasks: pd.DataFrame, previous_lineage: pd.DataFrame | None = None,
                overrides: Sequence[LinkOverride] = (), spec=DEFAULT_SPEC,
                prior: PriorMatching | None = None) -> MatchResult:
    """Links between tasks of different plans, the lineage of every task, and per plan pair the new
    and dropped tasks. `previous_lineage` keeps existing lineage ids; with `prior` (the last
    matching) the unchanged leading plans keep their links and only the rest is matched."""
    features = prepare_features(tasks, spec)
    fingerprints = plan_fingerprints(features, overrides, spec)
    kept = kept_steps(features, fingerprints, prior)
    if kept.first_step < len(features.plans):
        links = link_plans(features, calibrate(features, spec), spec, overrides, kept)
    else:
        links = pd.DataFrame({column: kept.edges[column].iloc[0:0] for column in EDGE_COLUMNS})
    edges = pd.concat([kept.edges, links[list(EDGE_COLUMNS)]], ignore_index=True)
    return MatchResult(
        links=_with_kept(kept.links, describe_links(features, links)),
        lineage=assign_lineage(features, edges, previous_lineage),
        plan_changes=plan_changes(features, edges), plans=fingerprints, kept_plans=kept.plans,
    )


def calibrate(features: TaskFeatures, spec) -> Model:
    """u from random pairs of consecutive plans; m and the continuity share by EM over the blocked
    candidates of (a seeded draw of) the later tasks of every pair of consecutive plans."""
    settings = spec["calibration"]
    rng = np.random.default_rng(settings["seed"])
    parts, sizes, possible_links = [], [], 0.0
    for k in range(1, len(features.plans)):
        earlier, later = features.rows_of_plan(k - 1), features.rows_of_plan(k)
        n_earlier, n_later = len(earlier), len(later)
        if n_later > settings["em_tasks_per_plan"]:
            later = np.sort(rng.choice(later, settings["em_tasks_per_plan"], replace=False))
        parts.append(candidate_pairs(features, earlier, later, spec["blocking"]))
        sizes.append(np.tile([n_earlier, n_later, len(later)], (len(parts[-1]["left"]), 1)))
        # the drawn later tasks can continue at most this many earlier tasks (after an excerpt: few)
        possible_links += len(later) * min(n_earlier, n_later) / max(n_later, 1)
    candidates = compare(features, concat(parts) if parts else make_pairs([], [], ""), spec)
    sample = compare(features, sample_pairs(features, settings, settings["seed"]), spec)
    size = np.concatenate(sizes) if sizes else np.zeros((0, 3))
    return fit_model(sample, candidates, (size[:, 0], size[:, 1], size[:, 2]), possible_links, spec)


def link_plans(features: TaskFeatures, model: Model, spec, overrides: Sequence[LinkOverride] = (),
               kept: KeptSteps | None = None, scored_steps: list | None = None) -> pd.DataFrame:
    """Walk the plans in chain order; each later plan is linked to the open tails before it.
    Returns every decided link (rows = task rows) of the steps not in `kept`; each step's scored
    candidates are appended to `scored_steps` when given (explain reads them)."""
    confirmed, rejected = resolve_overrides(features, overrides)
    continued = [np.zeros(0, np.int64)] if kept is None else [closed_tails(features, kept.edges)]
    decided: list[Pairs] = []
    for later_plan in range(max(1, kept.first_step if kept is not None else 1), len(features.plans)):
        step = open_tails(features, later_plan, np.concatenate(continued), spec["observation"])
        pairs = step_candidates(features, step, spec, confirmed, rejected)
        scored = score_step(features, step, compare(features, pairs, spec), model, spec)
        links = decide_links(scored, confirmed, spec)
        if scored_steps is not None:
            scored_steps.append(to_frame(scored))
        decided.append(links)
        continued.append(closed_tails(features, links))
    if not decided:
        return pd.DataFrame({"left": np.zeros(0, np.int64), "right": np.zeros(0, np.int64), "status": []})
    return to_frame(concat(decided))


def closed_tails(features: TaskFeatures, links) -> np.ndarray:
    """The earlier tasks that `links` continue, and so are no open tail any more. A link into a
    truncated task closes nothing: that copy observed only the prefix of the line of work, so the
    earlier, fuller task stays comparable with the plans after it (an excerpt must never separate a
    lineage: the excerpt's task and a later task may then both continue it, in one tree)."""
    left, right = np.asarray(links["left"], dtype=np.int64), np.asarray(links["right"], dtype=np.int64)
    return left[is_edge(links) & ~features.truncated[right]]


def step_candidates(features: TaskFeatures, step: ChainStep, spec, confirmed: pd.DataFrame,
                    rejected: pd.DataFrame) -> Pairs:
    """Blocked pairs of open tails × later tasks, overrides applied, each with the number of
    complete plans it skips (0: a plain continuation)."""
    pairs = candidate_pairs(features, step.tail_rows, step.later_rows, spec["blocking"])
    pairs = apply_overrides(pairs, step.later_rows, confirmed, rejected)
    skipped_of = np.zeros(features.size)
    skipped_of[step.tail_rows] = step.skipped
    pairs["complete_plans_skipped"] = skipped_of[pairs["left"]]
    pairs["is_gap"] = pairs["complete_plans_skipped"] > 0
    return pairs


def score_step(features: TaskFeatures, step: ChainStep, compared: Pairs, model: Model, spec) -> Pairs:
    """Evidence, the prior of each pair and the one-to-one posteriors of one step.

    A later task continues some open tail with prior `continuity`, spread over max(live tails, later
    tasks) partners; skipping g complete plans multiplies it by gap_return_rate^g, and such a tail
    counts as gap_return_rate^g of a live tail (most lines of work missing from a complete plan have
    ended: counting them whole spread the prior of the live tails thin, so that an earlier task
    seemed unlikely to continue at all). `match_weight` is log2 of the pair's odds on its own."""
    left, right = compared["left"], compared["right"]
    continuity, rate = model.continuity, spec["observation"]["gap_return_rate"]
    live_tails = float(np.sum(rate ** step.skipped))
    partners = max(live_tails, len(step.later_rows), 1)
    pair_prior = bounded_pair_prior(continuity * rate ** compared["complete_plans_skipped"] / partners)
    cap = spec["prior"]["max_mass"]
    row_mass = min(continuity * live_tails / partners, cap)
    col_mass = np.minimum(pair_prior * len(step.later_rows), cap)
    weights = model.weights(compared)
    evidence = sum(weights.values()) if weights else np.zeros(len(left))
    odds = pair_odds(evidence, pair_prior, row_mass, col_mass)
    posteriors = one_to_one_posteriors(odds, left, right, spec["decision"])
    closeness = 1.0 - np.abs(features.relative_position[left] - features.relative_position[right])
    return {**compared, **weights, **posteriors, "match_weight": np.log2(np.maximum(odds, 1e-300)),
            "closeness": closeness}


def _with_kept(kept_links: pd.DataFrame, new_links: pd.DataFrame) -> pd.DataFrame:
    """The kept links as written before, then the new ones, both in describe_links' order."""
    if kept_links.empty or new_links.empty:  # concat with an empty frame would change column dtypes
        return new_links if kept_links.empty else kept_links[list(new_links.columns)]
    return pd.concat([kept_links[list(new_links.columns)], new_links], ignore_index=True)
