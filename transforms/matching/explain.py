"""Why two tasks are (not) linked: every comparison's level and weight, the prior, the decision.

It runs the matcher's own stages (matcher.calibrate, matcher.link_plans) on the same inputs and
reads the pair as its chain step scored it, so what it says is what `match_plans` decided.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from transforms.matching.comparisons import SIGNAL_COLUMNS, compare, text_ratio
from transforms.matching.features import prepare_features
from transforms.matching.kinds import link_changes, shared_departments, shared_titles
from transforms.matching.lineage import ChainStep
from transforms.matching.matcher import calibrate, link_plans, score_step
from transforms.matching.overrides import LinkOverride, task_row
from transforms.matching.pairs import make_pairs, to_frame
from transforms.matching.scoring import Model
from transforms.matching.spec import DEFAULT_SPEC


def explain_link(tasks: pd.DataFrame, from_plan: str, from_task: str | int, to_plan: str, to_task: str | int,
                 spec=DEFAULT_SPEC, overrides: Sequence[LinkOverride] = ()) -> dict:
    """Component weights, shared titles and departments, and the decision for one pair. Tasks are
    named by printed number or task key. The decision is 'confirmed', 'auto', 'review', or
    'not linked' with a reason."""
    features = prepare_features(tasks, spec)
    left, right = task_row(features, from_plan, from_task), task_row(features, to_plan, to_task)
    if left is None or right is None:
        missing = f"{from_plan}:{from_task}" if left is None else f"{to_plan}:{to_task}"
        raise KeyError(f"no task {missing} in the tasks frame")
    if features.plan_index[left] >= features.plan_index[right]:
        raise ValueError(f"{from_plan} must be an earlier plan than {to_plan}")
    model = calibrate(features, spec)
    steps: list[pd.DataFrame] = []
    links = link_plans(features, model, spec, overrides, scored_steps=steps)
    scored, candidate = _scored_pair(features, model, spec, steps, left, right)
    decided = links[(links["left"] == left) & (links["right"] == right)]
    decision = spec["decision"]
    return {
        "from": _task(features, left, from_plan), "to": _task(features, right, to_plan),
        "signals": {**{c: _plain(scored.get(c)) for c in SIGNAL_COLUMNS},
                    "text_ratio": float(text_ratio(features, np.array([left]), np.array([right]), workers=1)[0])},
        "comparisons": weight_breakdown(scored, model, spec),
        "prior_log2_odds": float(scored["match_weight"] - sum(scored[f"w_{n}"] for n in model.names)),
        "match_weight": float(scored["match_weight"]), "score": float(scored["score"]),
        "threshold": decision["threshold"], "review_threshold": decision["review_threshold"],
        "gap_pair": bool(scored["is_gap"]), "complete_plans_skipped": int(scored["complete_plans_skipped"]),
        "candidate": candidate, "blocking_rule": scored["rule"],
        "shared_titles": shared_titles(features, left, right),
        "shared_departments": shared_departments(features, left, right),
        "changes": link_changes(features, scored),
        "decision": _decision(decided, links, left, right, float(scored["score"]), candidate, decision),
    }


def weight_breakdown(row, model: Model, spec) -> dict[str, dict]:
    """Per comparison: the level the pair fell in, its u and the weight it added."""
    out = {}
    for entry in spec["comparison"]:
        name, level = entry["name"], int(row[f"gamma_{entry['name']}"])
        out[name] = {"level": "unknown (no evidence)" if level < 0 else entry["levels"][level],
                     "u": None if level < 0 else float(model.u[name][level]),
                     "m": None if level < 0 else float(model.m[name][level]),
                     "weight": float(row[f"w_{name}"])}
    return out


def _task(features, row: int, plan: str) -> dict:
    tasks = features.tasks
    return {"plan": plan, "task_key": tasks.at[row, "task_key"], "task_no": int(tasks.at[row, "task_no"]),
            "text": tasks.at[row, "text"]}


def _scored_pair(features, model: Model, spec, steps: list[pd.DataFrame], left: int, right: int):
    """The pair as its chain step scored it, or on its own (one pair, one step) when blocking, the
    observation window or a rejection kept it out of the candidates."""
    for scored in steps:
        found = scored[(scored["left"] == left) & (scored["right"] == right)]
        if not found.empty:
            return found.iloc[0], True
    plan = int(features.plan_index[right])
    step = ChainStep(plan, features.rows_of_plan(plan), np.array([left]), np.zeros(1))
    pair = make_pairs([left], [right], "explain")
    pair["complete_plans_skipped"] = np.zeros(1)
    return to_frame(score_step(features, step, compare(features, pair, spec), model, spec)).iloc[0], False


def _plain(value):
    return None if value is None or pd.isna(value) else float(value)


def _decision(decided: pd.DataFrame, links: pd.DataFrame, left: int, right: int, score: float, candidate: bool,
              decision) -> dict:
    if not decided.empty:
        row = decided.iloc[0]
        return {"status": row["status"], "role": row["role"], "linked": row["status"] in ("auto", "confirmed")}
    if not candidate:
        reason = "not a candidate (blocking, the observation window, or rejected by an override)"
    elif score < decision["review_threshold"]:
        reason = "score below the review threshold"
    elif ((links["right"] == right) & links["status"].isin(["auto", "confirmed"])).any():
        reason = "the later task continues another task with more evidence"
    elif ((links["left"] == left) & links["status"].isin(["auto", "confirmed"])).any():
        reason = "the earlier task is continued by another task with more evidence"
    else:
        reason = "no shared content, or the one-to-one assignment preferred other pairs"
    return {"status": "not linked", "role": None, "linked": False, "reason": reason}
