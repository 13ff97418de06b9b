"""What changed along each link, and which tasks are new or dropped per plan pair.

A link gets one `kind` (the first that applies, in this order) and a `changes`
list of every kind that applies:
  split / merged      one task became several / several became one;
  identical           same normalised text and same department lines;
  stage_advanced      the stage moved on (transforms/stages.py: 研究 → 起草 → 推进 → 出台 → 实施 → 完成);
  department_changed  the department lines differ (renames along a line do not count);
  narrowed / widened  the later text is mostly inside the earlier one and clearly shorter, or vice versa;
  reworded            anything else.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from transforms.matching.comparisons import SIGNAL_COLUMNS, text_ratio
from transforms.matching.features import TaskFeatures
from transforms.matching.lineage import is_edge
from transforms.matching.spec import DEFAULT_SPEC

LINK_COLUMNS = (
    "from_plan", "from_task_key", "from_task_no", "to_plan", "to_task_key", "to_task_no", "score", "kind",
)


def change_flags(features: TaskFeatures, links: pd.DataFrame, spec=DEFAULT_SPEC) -> pd.DataFrame:
    """One boolean column per kind, for every link (vectorised)."""
    contained, shorter = spec["kinds"]["contained"], spec["kinds"]["clearly_shorter"]
    left, right = links["left"].to_numpy(np.int64), links["right"].to_numpy(np.int64)
    role = links["role"].to_numpy() if "role" in links else np.full(len(links), "primary", dtype=object)
    edge = is_edge(links) if "status" in links else np.zeros(len(links), dtype=bool)
    split_sources, merge_targets = left[edge & (role == "split")], right[edge & (role == "merge")]
    weight_left, weight_right = features.overlap_weight[left], features.overlap_weight[right]
    departments_differ = (
        (features.department_weight[left] > 0) & (features.department_weight[right] > 0)
        & (features.department_bits[left] != features.department_bits[right]).any(axis=1)
    )
    flags = pd.DataFrame({
        "split": (role == "split") | np.isin(left, split_sources),
        "merged": (role == "merge") | np.isin(right, merge_targets),
        "identical": (features.text[left] == features.text[right]) & ~departments_differ,
        # features.stage: the stage order of transforms/stages.py (text.stage_of); NaN compares False.
        "stage_advanced": features.stage[right] > features.stage[left],
        "department_changed": departments_differ,
        "narrowed": (links["right_in_left"].to_numpy(np.float64) >= contained)
        & (weight_right <= shorter * weight_left),
        "widened": (links["left_in_right"].to_numpy(np.float64) >= contained)
        & (weight_left <= shorter * weight_right),
    }, index=links.index)
    flags["reworded"] = ~(flags["identical"] | flags["split"] | flags["merged"])
    return flags


KIND_PRIORITY = ("split", "merged", "identical", "stage_advanced", "department_changed", "narrowed", "widened",
                 "reworded")


def link_changes(features: TaskFeatures, link: pd.Series) -> list[str]:
    """Every kind that applies to one link, in priority order."""
    flags = change_flags(features, link.to_frame().T.astype({"left": np.int64, "right": np.int64}))
    return [kind for kind in KIND_PRIORITY if bool(flags[kind].iloc[0])]


def describe_links(features: TaskFeatures, links: pd.DataFrame) -> pd.DataFrame:
    """The public links table: plan/task keys, score, kind, signals, shared evidence, status."""
    if links.empty:
        return pd.DataFrame(columns=[*LINK_COLUMNS, "changes", *SIGNAL_COLUMNS, "shared_titles",
                                     "shared_departments", "status", "role", "rule", "is_gap", "match_weight"])
    tasks = features.tasks
    links = links.reset_index(drop=True)
    flags = change_flags(features, links)[list(KIND_PRIORITY)].to_numpy()
    left, right = links["left"].to_numpy(np.int64), links["right"].to_numpy(np.int64)
    table = pd.DataFrame({
        "from_plan": tasks["plan_id"].to_numpy()[left], "from_task_key": tasks["task_key"].to_numpy()[left],
        "from_task_no": tasks["task_no"].to_numpy()[left], "to_plan": tasks["plan_id"].to_numpy()[right],
        "to_task_key": tasks["task_key"].to_numpy()[right], "to_task_no": tasks["task_no"].to_numpy()[right],
        "score": links["score"].round(4).to_numpy(),
        "kind": np.array(KIND_PRIORITY, dtype=object)[np.argmax(flags, axis=1)],  # "reworded" is set when no other
        "changes": _joined_flags(flags),
    })
    for column in SIGNAL_COLUMNS:
        table[column] = links[column].to_numpy()
    missing = np.flatnonzero(np.isnan(table["text_ratio"].to_numpy(np.float64)))  # left out in comparisons
    table.loc[missing, "text_ratio"] = text_ratio(features, left[missing], right[missing])
    table["shared_titles"] = shared_titles_all(features, left, right)
    table["shared_departments"] = shared_departments_all(features, left, right)
    for column in ("status", "role", "rule", "is_gap", "match_weight"):
        table[column] = links[column].to_numpy()
    plan_code = {plan: code for code, plan in enumerate(sorted(features.plans["plan_id"]))}
    to_plan, from_plan = (table[c].map(plan_code).to_numpy() for c in ("to_plan", "from_plan"))
    order = np.lexsort((table["from_task_no"].to_numpy(), from_plan, table["to_task_no"].to_numpy(), to_plan))
    return table.iloc[order].reset_index(drop=True)  # by to_plan, to_task_no, from_plan, from_task_no


def _joined_flags(flags: np.ndarray) -> np.ndarray:
    """'|'-joined kinds per row of a boolean (links × KIND_PRIORITY) matrix, via the bit pattern."""
    patterns = flags.astype(np.int64) @ (1 << np.arange(len(KIND_PRIORITY)))
    names = {p: "|".join(k for i, k in enumerate(KIND_PRIORITY) if p >> i & 1) for p in np.unique(patterns).tolist()}
    return np.array([names[p] for p in patterns.tolist()], dtype=object)


def shared_titles(features: TaskFeatures, left: int, right: int) -> str:
    """Shared named documents; else related ones as `a ~ b`."""
    before, after = sorted(features.documents[left]), sorted(features.documents[right])
    same = [a for a in before if a in after]
    if same:
        return "、".join(same)
    return "、".join(f"{a} ~ {b}" for a in before for b in after if b in features.related.get(a, ()))


def shared_titles_all(features: TaskFeatures, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """`shared_titles` of every link; only links whose Bloom signatures overlap are read."""
    named_left = features.document_bits[left] | features.related_bits[left]
    named_right = features.document_bits[right]
    out = np.full(len(left), "", dtype=object)
    for k in np.flatnonzero((named_left & named_right) != 0).tolist():
        out[k] = shared_titles(features, int(left[k]), int(right[k]))
    return out


def shared_departments(features: TaskFeatures, left: int, right: int) -> str:
    """Departments of the later task whose line also appears in the earlier task."""
    return shared_departments_all(features, np.array([left]), np.array([right]))[0]


def shared_departments_all(features: TaskFeatures, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """`shared_departments` of every link. Department lists repeat from task to task, so the
    answer is worked out once per distinct (earlier lines, later names and lines)."""
    names = features.tasks["departments"].to_numpy()
    lines = features.tasks["lineage_ids"].to_numpy()
    out = np.full(len(left), "", dtype=object)
    known = np.flatnonzero((features.department_weight[left] > 0) & (features.department_weight[right] > 0))
    if not len(known):
        return out
    a, b = left[known], right[known]
    sets, names_count = int(features.department_set.max()) + 1, int(features.department_names.max()) + 1
    key = (features.department_set[a] * sets + features.department_set[b]) * names_count + features.department_names[b]
    inverse, _ = pd.factorize(key)
    _, first = np.unique(inverse, return_index=True)  # the first link of each distinct key
    answers = []
    for row_a, row_b in zip(a[first].tolist(), b[first].tolist()):
        before = {i for i in lines[row_a] if isinstance(i, str) and i}
        answers.append("、".join(n for n, line in zip(names[row_b], lines[row_b]) if line in before))
    out[known] = np.array(answers, dtype=object)[inverse]
    return out


def plan_changes(features: TaskFeatures, links: pd.DataFrame) -> pd.DataFrame:
    """Per pair of consecutive plans: later tasks continuing nothing ('new') and
    earlier tasks continued by nothing in the later plan ('dropped')."""
    edge = is_edge(links)
    edge_left, edge_right = links["left"].to_numpy(np.int64)[edge], links["right"].to_numpy(np.int64)[edge]
    continued_into = np.isin(np.arange(features.size), edge_right)
    rows, steps, changes = [], [], []
    for k in range(1, len(features.plans)):
        earlier, later = features.rows_of_plan(k - 1), features.rows_of_plan(k)
        carried = np.isin(earlier, edge_left[np.isin(edge_right, later)])
        for found, change in ((later[~continued_into[later]], "new"), (earlier[~carried], "dropped")):
            rows.append(found), steps.append(np.full(len(found), k)), changes.append(np.full(len(found), change))
    if not rows:
        return pd.DataFrame(columns=["from_plan", "to_plan", "plan_id", "task_key", "change"])
    rows, steps, changes = np.concatenate(rows), np.concatenate(steps), np.concatenate(changes)
    plans = features.plans["plan_id"].to_numpy()
    return pd.DataFrame({"from_plan": plans[steps - 1], "to_plan": plans[steps],
                         "plan_id": plans[features.plan_index[rows]],
                         "task_key": features.tasks["task_key"].to_numpy()[rows], "change": changes.astype(object)})
