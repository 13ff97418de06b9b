"""Incremental matching: a new or changed plan is linked against the lineages already there.

The matcher walks the plans in chain order (lineage.chain_steps). Step k links plan k to
plan k-1 and to the open tails of older plans, so what it decides depends only on plans
0..k and on the steps before it. When the first p plans are the same plans, in the same
order, with the same tasks (and the same curated overrides and matcher settings) as at the
last matching, the links of steps 1..p-1 can be kept as they were written, and only the
steps from plan p on are matched. A new year at the end of the series costs one step.

Each plan gets a fingerprint over what its step reads (`plan_fingerprints`); the last
matching's fingerprints travel in `PriorMatching`, which the warehouse stores with the links.
A full rebuild is a matching without a prior. Kept links are not re-scored: editing spec.toml
changes every fingerprint (its hash is part of them); after a change to the matcher's code bump
MATCHER_VERSION (or match with `rebuild`), and every plan is matched again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from transforms.matching.comparisons import shared_bigram_weight
from transforms.matching.features import TaskFeatures
from transforms.matching.frames import TASK_COLUMNS
from transforms.matching.overrides import LinkOverride
from transforms.matching.spec import spec_hash
from transforms.matching.text import stage_signature

# Bump when a change to the matcher should re-match plans whose links are already stored.
MATCHER_VERSION = "3"
PLAN_STATE_COLUMNS = ("plan_id", "position", "fingerprint")
# What the lineage and plan-change stages read of a link.
EDGE_COLUMNS = ("left", "right", "status", "role", "score", "shared_weight")


@dataclass(frozen=True)
class PriorMatching:
    """What the last matching wrote: its links (the public links table, see kinds.describe_links)
    and its plans in chain order with their fingerprints (PLAN_STATE_COLUMNS)."""

    links: pd.DataFrame
    plans: pd.DataFrame


@dataclass(frozen=True)
class KeptSteps:
    """The leading plans whose steps are kept: `plans` of them (steps 1..plans-1 kept)."""

    plans: int
    links: pd.DataFrame  # their rows of the prior links table, unchanged
    edges: pd.DataFrame  # the same links as task rows of the current features (EDGE_COLUMNS)

    @property
    def first_step(self) -> int:
        """The first step to match (the later plan's index); steps start at 1."""
        return max(1, self.plans)


def plan_fingerprints(features: TaskFeatures, overrides: Sequence[LinkOverride], spec) -> pd.DataFrame:
    """Per plan, in chain order: a hash of its tasks (every column the matcher reads), the
    overrides naming it, the hash of spec.toml, the stage vocabulary's signature and MATCHER_VERSION."""
    columns = [features.tasks[column].to_numpy(dtype=object) for column in TASK_COLUMNS]
    rows = ["\x1f".join(map(str, values)) for values in zip(*columns)]
    plan_ids = features.plans["plan_id"].tolist()
    bounds = np.searchsorted(features.plan_index, np.arange(len(plan_ids) + 1))  # tasks are sorted by plan
    by_plan = {plan: "\x1e".join(rows[bounds[k]:bounds[k + 1]]) for k, plan in enumerate(plan_ids)}
    named: dict[str, list[str]] = {}
    for o in overrides:
        decision = "|".join((o.from_plan, o.from_task, o.to_plan, o.to_task, o.decision))
        for plan in {o.from_plan, o.to_plan}:
            named.setdefault(plan, []).append(decision)
    settings = f"{MATCHER_VERSION}\x1d{spec_hash(spec)}\x1d{stage_signature()}"
    fingerprints = [
        hashlib.sha256("\x1d".join((settings, by_plan[plan], *sorted(named.get(plan, ())))).encode()).hexdigest()
        for plan in plan_ids
    ]
    return pd.DataFrame({"plan_id": plan_ids, "position": np.arange(len(plan_ids)), "fingerprint": fingerprints})


def unchanged_prefix(current: pd.DataFrame, prior: pd.DataFrame) -> int:
    """How many leading plans are the same plans, in the same order, with the same fingerprints."""
    now = list(zip(current["plan_id"], current["fingerprint"]))
    before = list(zip(prior.sort_values("position")["plan_id"], prior.sort_values("position")["fingerprint"]))
    count = 0
    while count < min(len(now), len(before)) and now[count] == before[count]:
        count += 1
    return count


def kept_steps(features: TaskFeatures, fingerprints: pd.DataFrame, prior: PriorMatching | None) -> KeptSteps:
    """The prior links of the steps that stay as they were (none without a prior)."""
    plans = unchanged_prefix(fingerprints, prior.plans) if prior is not None else 0
    if plans < 2:  # a single plan has no step to keep
        return KeptSteps(plans, _no_links(prior), _no_edges())
    kept_ids = set(fingerprints["plan_id"].iloc[:plans])
    links = prior.links[prior.links["to_plan"].isin(kept_ids)].reset_index(drop=True)
    return KeptSteps(plans, links, link_edges(features, links))


def link_edges(features: TaskFeatures, links: pd.DataFrame) -> pd.DataFrame:
    """Public link rows (plan ids, task keys) as task rows of `features`, with EDGE_COLUMNS."""
    row_of = pd.Series(np.arange(features.size),
                       index=pd.MultiIndex.from_frame(features.tasks[["plan_id", "task_key"]]))
    left = row_of.reindex(pd.MultiIndex.from_frame(links[["from_plan", "from_task_key"]])).to_numpy()
    right = row_of.reindex(pd.MultiIndex.from_frame(links[["to_plan", "to_task_key"]])).to_numpy()
    if np.isnan(left).any() or np.isnan(right).any():
        raise ValueError("prior links name tasks that are not in the plans; match with a full rebuild")
    left, right = left.astype(np.int64), right.astype(np.int64)
    # shared_weight breaks ties between the parents of a merged task (lineage.primary_parents)
    shared = shared_bigram_weight(features, left, right, workers=-1)
    return pd.DataFrame({"left": left, "right": right, "status": links["status"].to_numpy(dtype=object),
                         "role": links["role"].to_numpy(dtype=object),
                         "score": links["score"].to_numpy(np.float64), "shared_weight": shared})


def _no_links(prior: PriorMatching | None) -> pd.DataFrame:
    return prior.links.iloc[0:0] if prior is not None else pd.DataFrame()


def _no_edges() -> pd.DataFrame:
    return pd.DataFrame({"left": np.zeros(0, np.int64), "right": np.zeros(0, np.int64),
                         "status": np.zeros(0, dtype=object), "role": np.zeros(0, dtype=object),
                         "score": np.zeros(0), "shared_weight": np.zeros(0)})
