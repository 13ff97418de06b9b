"""Why two tasks are (not) linked: every signal, level and weight, and the decision."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from transforms.matching.comparisons import SIGNAL_COLUMNS, compare, text_ratio
from transforms.matching.config import DEFAULT_CONFIG, MatchConfig
from transforms.matching.features import prepare_features
from transforms.matching.kinds import link_changes, shared_departments, shared_titles
from transforms.matching.matcher import fit_model, score_all_steps
from transforms.matching.overrides import LinkOverride, task_row
from transforms.matching.pairs import make_pairs, to_frame
from transforms.matching.scoring import posterior, prior_log2_odds, score_pairs, weight_breakdown


def explain_link(tasks: pd.DataFrame, from_plan: str, from_task: str | int, to_plan: str, to_task: str | int,
                 config: MatchConfig = DEFAULT_CONFIG, overrides: Sequence[LinkOverride] = ()) -> dict:
    """Component scores, shared titles and departments, and the decision for one pair.

    Tasks are named by printed number or task key. The decision is what `match_plans`
    decides with the same inputs: 'confirmed', 'auto', 'review', or 'not linked' with a reason.
    """
    features = prepare_features(tasks)
    left, right = task_row(features, from_plan, from_task), task_row(features, to_plan, to_task)
    if left is None or right is None:
        missing = f"{from_plan}:{from_task}" if left is None else f"{to_plan}:{to_task}"
        raise KeyError(f"no task {missing} in the tasks frame")
    if features.plan_index[left] >= features.plan_index[right]:
        raise ValueError(f"{from_plan} must be an earlier plan than {to_plan}")
    model = fit_model(features, config)
    steps: list[pd.DataFrame] = []
    links = score_all_steps(features, model, config, overrides, scored_steps=steps)
    scored, candidate = _scored_pair(features, model, config, steps, left, right)
    decided = links[(links["left"] == left) & (links["right"] == right)]
    pair = make_pairs([left], [right], "explain", bool(scored["is_gap"]))
    prior = float(prior_log2_odds(features, pair, config)[0])
    return {
        "from": {"plan": from_plan, "task_key": features.tasks.at[left, "task_key"],
                 "task_no": int(features.tasks.at[left, "task_no"]), "text": features.tasks.at[left, "text"]},
        "to": {"plan": to_plan, "task_key": features.tasks.at[right, "task_key"],
               "task_no": int(features.tasks.at[right, "task_no"]), "text": features.tasks.at[right, "text"]},
        "signals": {**{c: _plain(scored[c]) for c in SIGNAL_COLUMNS},
                    "text_ratio": float(text_ratio(features, np.array([left]), np.array([right]), workers=1)[0])},
        "comparisons": weight_breakdown(scored, model),
        "prior_log2_odds": prior, "prior_probability": float(posterior(prior)),
        "match_weight": float(scored["match_weight"]), "score": float(scored["score"]),
        "threshold": config.threshold, "review_threshold": config.review_threshold,
        "gap_pair": bool(scored["is_gap"]), "candidate": candidate, "blocking_rule": scored["rule"],
        "shared_titles": shared_titles(features, left, right),
        "shared_departments": shared_departments(features, left, right),
        "changes": link_changes(features, scored),
        "decision": _decision(decided, links, left, right, float(scored["score"]), candidate, config),
    }


def _scored_pair(features, model, config: MatchConfig, steps: list[pd.DataFrame], left: int, right: int):
    """The pair as scored in its chain step (with that step's estimates), or on its own
    when blocking, the gap window or a rejection kept it out of the candidates."""
    for scored in steps:
        found = scored[(scored["left"] == left) & (scored["right"] == right)]
        if not found.empty:
            return found.iloc[0], True
    is_gap = bool(features.plan_index[right] - features.plan_index[left] > 1)
    pair = make_pairs([left], [right], "explain", is_gap)
    return to_frame(score_pairs(compare(features, pair, config.workers), features, model, config)).iloc[0], False


def _plain(value):
    return None if pd.isna(value) else float(value)


def _decision(decided: pd.DataFrame, links: pd.DataFrame, left: int, right: int, score: float, candidate: bool,
              config: MatchConfig) -> dict:
    if not decided.empty:
        row = decided.iloc[0]
        return {"status": row["status"], "role": row["role"], "linked": row["status"] in ("auto", "confirmed")}
    if not candidate:
        reason = "not a candidate (blocking, gap window, or rejected by an override)"
    elif score < config.review_threshold:
        reason = "score below the review threshold"
    elif ((links["right"] == right) & links["status"].isin(["auto", "confirmed"])).any():
        reason = "the later task continues another task with more evidence"
    elif ((links["left"] == left) & links["status"].isin(["auto", "confirmed"])).any():
        reason = "the earlier task is continued by another task with more evidence"
    else:
        reason = "the one-to-one assignment preferred other pairs"
    return {"status": "not linked", "role": None, "linked": False, "reason": reason}
