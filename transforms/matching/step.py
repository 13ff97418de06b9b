"""One chain step: the later plan against the previous plan and the open tails of older plans.

    candidates → comparisons → scoring → tentative links → order evidence → rescoring → links

Scoring runs twice. The first pass decides the links that content, departments and context
make confident; those links are the anchors of the order evidence (order.py), which the
second pass adds for every candidate pair before the links are decided for good.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from transforms.matching.assignment import decide_links, is_confirmed
from transforms.matching.blocking import step_candidates
from transforms.matching.comparisons import compare
from transforms.matching.config import MatchConfig
from transforms.matching.features import TaskFeatures
from transforms.matching.lineage import ChainStep
from transforms.matching.order import order_windows
from transforms.matching.overrides import apply_overrides
from transforms.matching.pairs import Pairs
from transforms.matching.scoring import FellegiSunterModel, rescore_with_order, score_pairs


def step_pairs(features: TaskFeatures, step: ChainStep, config: MatchConfig, confirmed: pd.DataFrame,
               rejected: pd.DataFrame) -> Pairs:
    """Candidate pairs of the step (after overrides) with their comparison signals."""
    pairs = step_candidates(features, step.direct_rows, step.gap_rows, step.later_rows, config)
    pairs = apply_overrides(pairs, step.later_rows, confirmed, rejected)
    return compare(features, pairs, config.workers)


def decide_step(features: TaskFeatures, signals: Pairs, model: FellegiSunterModel, config: MatchConfig,
                confirmed: pd.DataFrame) -> tuple[Pairs, Pairs]:
    """(scored pairs, decided links) of one step, order evidence included."""
    first = score_pairs(signals, features, model, config)
    # Anchors: confident pairs between the previous and the later plan. Row and column posteriors
    # each sum to at most 1 per task, so pairs with both above 0.5 are one-to-one already.
    anchor = ((first["score"] >= config.threshold) | is_confirmed(first, confirmed)) & ~first["is_gap"].astype(bool)
    window, inside = order_windows(features, signals, first["left"][anchor], first["right"][anchor])
    scored = rescore_with_order(first, window, inside, features, config)
    return scored, decide_links(scored, confirmed, config)
