"""Chaining links into lineages, aware of gaps, with lineage ids that stay put.

Plans are processed in order of start year (a 2021–2022 plan sorts by 2021). Each
later plan is matched against the *open tails* of the earlier plans inside the window:
tasks no plan since has continued, so a task absent from the plans in between still links
to its last appearance (`open_tails` says which plans in between count as a gap).

A lineage is a tree: every task takes the lineage of its primary parent (its only
accepted incoming link, or for a merged task its larger part: the longer text); split
parts join their parent's lineage; a merge part's own line ends at the merge (it is
recorded as a link, but lineages never fuse, so adding a year cannot renumber existing
lineages). A tree keeps the id its members had in
`previous_lineage` (the earliest member's); only trees with no previous id get a new
one, derived from their root task, so a rerun from scratch reproduces the same ids.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from transforms.matching.features import TaskFeatures

LINEAGE_COLUMNS = ("lineage_id", "plan_id", "task_key", "task_no")
EDGE_STATUSES = ("auto", "confirmed")  # link statuses that chain tasks; 'review' never does


@dataclass(frozen=True)
class ChainStep:
    """One later plan and the open tails it may continue, with how many complete plans each skips."""

    later_plan: int  # index into features.plans
    later_rows: np.ndarray
    tail_rows: np.ndarray  # tasks of earlier plans inside the window that nothing continues yet
    skipped: np.ndarray  # per tail row: complete plans between its plan and the later plan


def open_tails(features: TaskFeatures, later_plan: int, continued: np.ndarray, observation) -> ChainStep:
    """The observation model. A complete plan that lacks a line of work observed it missing; a
    partial plan (an excerpt) says nothing about the tasks it does not contain, and a year without
    a plan says nothing at all. So a tail may continue across any number of partial plans and
    missing years, and across at most `gap_window_complete_plans` complete plans (within the
    generous calendar window)."""
    complete = features.plans["complete"].to_numpy(bool)
    starts = features.plans["period_start"].to_numpy()
    rows, skipped, complete_between = [], [], 0
    for plan in range(later_plan - 1, -1, -1):
        if complete_between > observation["gap_window_complete_plans"]:
            break
        if starts[later_plan] - starts[plan] > observation["calendar_window_years"]:
            break
        found = features.rows_of_plan(plan)
        found = found[~np.isin(found, continued)]
        rows.append(found)
        skipped.append(np.full(len(found), complete_between))
        complete_between += int(complete[plan])
    empty = np.zeros(0, np.int64)
    return ChainStep(later_plan, features.rows_of_plan(later_plan), np.concatenate([empty, *rows[::-1]]),
                     np.concatenate([empty, *skipped[::-1]]))


def is_edge(links) -> np.ndarray:
    return np.isin(np.asarray(links["status"], dtype=object), EDGE_STATUSES)


def assign_lineage(features: TaskFeatures, links: pd.DataFrame,
                   previous_lineage: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per task: (lineage_id, plan_id, task_key, task_no)."""
    tasks = features.tasks
    lengths = features.tasks["text"].str.len().to_numpy(np.int64)
    root = tree_roots(primary_parents(features.size, links, lengths))
    lineage_of_root = _kept_ids(root, _previous_ids(tasks, previous_lineage))
    used = set(lineage_of_root.values())
    plan_ids, keys = tasks["plan_id"].to_numpy(), tasks["task_key"].to_numpy()
    for tree_root in np.unique(root).tolist():
        if tree_root not in lineage_of_root:
            lineage_of_root[tree_root] = _new_id(plan_ids[tree_root], keys[tree_root], used)
            used.add(lineage_of_root[tree_root])
    return pd.DataFrame({
        "lineage_id": pd.Series(root).map(lineage_of_root).to_numpy(),
        "plan_id": plan_ids, "task_key": keys, "task_no": tasks["task_no"].to_numpy(),
    })


def _kept_ids(root: np.ndarray, previous: np.ndarray) -> dict[int, str]:
    """Previous ids kept per tree: the id of the tree's earliest member that had one. When two
    trees claim one id (a previous lineage was cut in two), the tree with the older root keeps
    it and the other takes its next previous id, if any."""
    wanted = pd.DataFrame({"root": root, "row": np.arange(len(root)), "previous": previous}).dropna()
    wanted = wanted.drop_duplicates(["root", "previous"]).sort_values(["root", "row"], kind="stable")
    first = wanted.drop_duplicates("root")
    clean = ~first["previous"].duplicated(keep=False)
    kept = dict(zip(first.loc[clean, "root"].tolist(), first.loc[clean, "previous"].tolist()))
    used = set(kept.values())
    for tree_root, ids in wanted[wanted["root"].isin(first.loc[~clean, "root"])].groupby("root", sort=True)["previous"]:
        chosen = next((i for i in ids if i not in used), None)
        if chosen is not None:
            kept[int(tree_root)] = chosen
            used.add(chosen)
    return kept


def primary_parents(size: int, links: pd.DataFrame, text_length: np.ndarray) -> np.ndarray:
    """Parent row per row (-1 for roots): a confirmed link first; among the parents of a
    merged task, the larger part (the longer text; then the one sharing more content)."""
    parent = np.full(size, -1, dtype=np.int64)
    edge = is_edge(links)
    if not edge.any():
        return parent
    left, right = links["left"].to_numpy(np.int64)[edge], links["right"].to_numpy(np.int64)[edge]
    confirmed = links["status"].to_numpy()[edge] == "confirmed"
    # Best parent last: assigning in this order leaves each row with its best parent.
    order = np.lexsort((links["score"].to_numpy(np.float64)[edge], links["shared_weight"].to_numpy(np.float64)[edge],
                        text_length[left], confirmed))
    parent[right[order]] = left[order]
    return parent


def tree_roots(parent: np.ndarray) -> np.ndarray:
    """Root row of every row, by pointer jumping (parents always sit in earlier plans)."""
    root = np.where(parent >= 0, parent, np.arange(len(parent)))
    while True:
        jumped = root[root]
        if np.array_equal(jumped, root):
            return root
        root = jumped


def _previous_ids(tasks: pd.DataFrame, previous_lineage: pd.DataFrame | None) -> np.ndarray:
    if previous_lineage is None or previous_lineage.empty:
        return np.full(len(tasks), None, dtype=object)
    known = previous_lineage.drop_duplicates(["plan_id", "task_key"])[["plan_id", "task_key", "lineage_id"]]
    merged = tasks[["plan_id", "task_key"]].merge(known, on=["plan_id", "task_key"], how="left")
    return merged["lineage_id"].astype(object).where(merged["lineage_id"].notna(), None).to_numpy()


def _new_id(plan_id: str, task_key: str, used: set[str]) -> str:
    digest = hashlib.sha1(f"{plan_id}|{task_key}".encode()).hexdigest()
    candidate, salt = f"L{digest[:10]}", 0
    while candidate in used:  # only on a hash collision or a contested previous id
        salt += 1
        candidate = f"L{hashlib.sha1(f'{plan_id}|{task_key}|{salt}'.encode()).hexdigest()[:10]}"
    return candidate
