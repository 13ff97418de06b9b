"""Chaining links into lineages, aware of gaps, with lineage ids that stay put.

Plans are processed in order of start year (a 2021–2022 plan sorts by 2021). Each
later plan is matched against the previous plan and against the *open tails* of
older plans within the window: tasks that were not continued by any plan since, so
a task absent from the plans in between still links to its last appearance.

A lineage is a tree: every task takes the lineage of its primary parent (the best
accepted incoming link); split parts join their parent's lineage; a merge part's own
line ends at the merge (it is recorded as a link, but lineages never fuse, so adding
a year cannot renumber existing lineages). A tree keeps the id its members had in
`previous_lineage` (the earliest member's); only trees with no previous id get a new
one, derived from their root task, so a rerun from scratch reproduces the same ids.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from transforms.matching.features import TaskFeatures

LINEAGE_COLUMNS = ("lineage_id", "plan_id", "task_key", "task_no")
EDGE_STATUSES = ("auto", "confirmed")  # link statuses that chain tasks; 'review' never does


@dataclass(frozen=True)
class ChainStep:
    """One later plan and the rows it may continue."""

    later_plan: int  # index into features.plans
    later_rows: np.ndarray
    direct_rows: np.ndarray  # all tasks of the previous plan
    gap_rows: np.ndarray  # open tails of older plans inside the window


def chain_steps(features: TaskFeatures, window_years: int, links_so_far) -> Iterator[ChainStep]:
    """Yields steps in plan order; `links_so_far()` returns the accepted links decided so far."""
    starts = features.plans["period_start"].to_numpy()
    for k in range(1, len(features.plans)):
        older = [j for j in range(k - 1) if starts[k] - starts[j] <= window_years]
        older_rows = np.flatnonzero(np.isin(features.plan_index, older))
        if len(older_rows):
            links = links_so_far()
            continued = links.loc[is_edge(links), "left"].to_numpy(np.int64)
            older_rows = older_rows[~np.isin(older_rows, continued)]
        gap_rows = older_rows
        yield ChainStep(k, np.flatnonzero(features.plan_index == k), np.flatnonzero(features.plan_index == k - 1),
                        gap_rows)


def is_edge(links: pd.DataFrame) -> pd.Series:
    return links["status"].isin(EDGE_STATUSES)


def assign_lineage(features: TaskFeatures, links: pd.DataFrame,
                   previous_lineage: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per task: (lineage_id, plan_id, task_key, task_no)."""
    parent = primary_parents(features.size, links)
    root = _roots(parent)
    tasks = features.tasks
    previous = _previous_ids(tasks, previous_lineage)
    lineage_of_root: dict[int, str] = {}
    used: set[str] = set()
    # Trees in order of their root, so the older line keeps a contested previous id.
    for tree_root, members in sorted(_members_by_root(root).items()):
        wanted = [previous[m] for m in members if previous[m] is not None]
        chosen = next((w for w in wanted if w not in used), None)
        if chosen is None:
            chosen = _new_id(tasks.at[tree_root, "plan_id"], tasks.at[tree_root, "task_key"], used)
        used.add(chosen)
        lineage_of_root[tree_root] = chosen
    return pd.DataFrame({
        "lineage_id": [lineage_of_root[r] for r in root],
        "plan_id": tasks["plan_id"].to_numpy(), "task_key": tasks["task_key"].to_numpy(),
        "task_no": tasks["task_no"].to_numpy(),
    })


def primary_parents(size: int, links: pd.DataFrame) -> np.ndarray:
    """Parent row per row (-1 for roots): confirmed links first, then the highest score."""
    parent = np.full(size, -1, dtype=np.int64)
    edges = links[is_edge(links)]
    if edges.empty:
        return parent
    edges = edges.assign(_confirmed=edges["status"] == "confirmed")
    edges = edges.sort_values(["_confirmed", "score"], ascending=False).drop_duplicates("right")
    parent[edges["right"].to_numpy()] = edges["left"].to_numpy()
    return parent


def _roots(parent: np.ndarray) -> np.ndarray:
    # Rows are in plan order and parents always come from earlier plans, so one pass suffices.
    root = np.arange(len(parent))
    for row in range(len(parent)):
        if parent[row] >= 0:
            root[row] = root[parent[row]]
    return root


def _members_by_root(root: np.ndarray) -> dict[int, list[int]]:
    members: dict[int, list[int]] = {}
    for row, r in enumerate(root):
        members.setdefault(int(r), []).append(row)
    return members


def _previous_ids(tasks: pd.DataFrame, previous_lineage: pd.DataFrame | None) -> list[str | None]:
    if previous_lineage is None or previous_lineage.empty:
        return [None] * len(tasks)
    known = dict(zip(zip(previous_lineage["plan_id"], previous_lineage["task_key"]), previous_lineage["lineage_id"]))
    return [known.get(key) for key in zip(tasks["plan_id"], tasks["task_key"])]


def _new_id(plan_id: str, task_key: str, used: set[str]) -> str:
    digest = hashlib.sha1(f"{plan_id}|{task_key}".encode()).hexdigest()
    candidate, salt = f"L{digest[:10]}", 0
    while candidate in used:  # only on a hash collision or a contested previous id
        salt += 1
        candidate = f"L{hashlib.sha1(f'{plan_id}|{task_key}|{salt}'.encode()).hexdigest()[:10]}"
    return candidate
