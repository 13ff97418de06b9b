"""What changed along each link, and which tasks are new or dropped per plan pair.

A link gets one `kind` (the first that applies, in this order) and a `changes`
list of every kind that applies:
  split / merged      one task became several / several became one;
  identical           same normalised text and same department lines;
  stage_advanced      the leading verb moved on: 研究制定/推动 → 出台/印发 → 实施/落实;
  department_changed  the department lines differ (renames along a line do not count);
  narrowed / widened  the later text is mostly inside the earlier one and clearly shorter, or vice versa;
  reworded            anything else.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from transforms.matching.comparisons import SIGNAL_COLUMNS
from transforms.matching.features import TaskFeatures
from transforms.matching.lineage import is_edge

KINDS = ("identical", "reworded", "narrowed", "widened", "split", "merged", "department_changed", "stage_advanced")
# Leading verbs by stage of a policy instrument; the earliest one found in a text decides.
STAGE_VERBS = (
    ("研究制定", "研究起草", "研究论证", "研究修订", "推动制定", "推进制定", "启动制定", "推动修订", "推进修订",
     "推动修改", "推进修改", "起草", "论证", "修订", "修改", "研究"),
    ("制定出台", "出台", "印发", "发布", "颁布", "制定"),
    ("贯彻落实", "组织实施", "实施", "落实", "执行"),
)
CONTAINED = 0.8  # share of the smaller text inside the larger for narrowed/widened
CLEARLY_SHORTER = 0.75
LINK_COLUMNS = (
    "from_plan", "from_task_key", "from_task_no", "to_plan", "to_task_key", "to_task_no", "score", "kind",
)


def stage_of(text: str) -> int | None:
    """0 drafting, 1 issuing, 2 implementing, None if no stage verb is found."""
    best: tuple[int, int, int] | None = None  # (position, -len, stage)
    for stage, verbs in enumerate(STAGE_VERBS):
        for verb in verbs:
            at = text.find(verb)
            if at >= 0 and (best is None or (at, -len(verb)) < best[:2]):
                best = (at, -len(verb), stage)
    return None if best is None else best[2]


def link_changes(features: TaskFeatures, link: pd.Series) -> list[str]:
    """Every kind that applies to one link, in priority order."""
    left, right = int(link["left"]), int(link["right"])
    changes = []
    if link.get("role") == "split" or link.get("_has_split_part", False):
        changes.append("split")
    if link.get("role") == "merge" or link.get("_has_merge_part", False):
        changes.append("merged")
    departments_differ = _department_lines_differ(features, left, right)
    if features.text[left] == features.text[right] and not departments_differ:
        changes.append("identical")
    before, after = stage_of(features.text[left]), stage_of(features.text[right])
    if before is not None and after is not None and after > before:
        changes.append("stage_advanced")
    if departments_differ:
        changes.append("department_changed")
    weight_left, weight_right = features.overlap_weight[left], features.overlap_weight[right]
    if link["right_in_left"] >= CONTAINED and weight_right <= CLEARLY_SHORTER * weight_left:
        changes.append("narrowed")
    if link["left_in_right"] >= CONTAINED and weight_left <= CLEARLY_SHORTER * weight_right:
        changes.append("widened")
    if "identical" not in changes and not {"split", "merged"} & set(changes):
        changes.append("reworded")
    return changes


def _department_lines_differ(features: TaskFeatures, left: int, right: int) -> bool:
    before = _known_lines(features.tasks.at[left, "lineage_ids"])
    after = _known_lines(features.tasks.at[right, "lineage_ids"])
    return bool(before) and bool(after) and before != after


def _known_lines(ids) -> set[str]:
    return {i for i in (ids if ids is not None else ()) if isinstance(i, str) and i}


def describe_links(features: TaskFeatures, links: pd.DataFrame) -> pd.DataFrame:
    """The public links table: plan/task keys, score, kind, signals, shared evidence, status."""
    if links.empty:
        return pd.DataFrame(columns=[*LINK_COLUMNS, "changes", *SIGNAL_COLUMNS, "shared_titles",
                                     "shared_departments", "status", "role", "rule", "is_gap", "match_weight"])
    tasks = features.tasks
    edges = links[is_edge(links)]
    marked = links.assign(
        _has_split_part=links["left"].isin(edges.loc[edges["role"] == "split", "left"]),
        _has_merge_part=links["right"].isin(edges.loc[edges["role"] == "merge", "right"]),
    )
    changes = [link_changes(features, link) for _, link in marked.iterrows()]
    left, right = links["left"].to_numpy(), links["right"].to_numpy()
    table = pd.DataFrame({
        "from_plan": tasks["plan_id"].to_numpy()[left], "from_task_key": tasks["task_key"].to_numpy()[left],
        "from_task_no": tasks["task_no"].to_numpy()[left], "to_plan": tasks["plan_id"].to_numpy()[right],
        "to_task_key": tasks["task_key"].to_numpy()[right], "to_task_no": tasks["task_no"].to_numpy()[right],
        "score": links["score"].round(4).to_numpy(), "kind": [c[0] for c in changes],
        "changes": ["|".join(c) for c in changes],
    })
    for column in SIGNAL_COLUMNS:
        table[column] = links[column].to_numpy()
    table["shared_titles"] = [shared_titles(features, a, b) for a, b in zip(left, right)]
    table["shared_departments"] = [shared_departments(features, a, b) for a, b in zip(left, right)]
    for column in ("status", "role", "rule", "is_gap", "match_weight"):
        table[column] = links[column].to_numpy()
    return table.sort_values(["to_plan", "to_task_no", "from_plan", "from_task_no"]).reset_index(drop=True)


def shared_titles(features: TaskFeatures, left: int, right: int) -> str:
    """Shared anchors; else related ones as `a ~ b`; else an anchor the other text names."""
    before, after = features.anchors[left], features.anchors[right]
    same = [a for a in before if a in after]
    if same:
        return "、".join(same)
    related = [f"{a} ~ {b}" for a in before for b in after if b in features.related_anchors.get(a, ())]
    if related:
        return "、".join(related)
    named = [a for a in before if a in features.text[right]] + [b for b in after if b in features.text[left]]
    return "、".join(dict.fromkeys(named))


def shared_departments(features: TaskFeatures, left: int, right: int) -> str:
    """Departments of the later task whose line also appears in the earlier task."""
    before = _known_lines(features.tasks.at[left, "lineage_ids"])
    names = features.tasks.at[right, "departments"]
    lines = features.tasks.at[right, "lineage_ids"]
    if names is None or lines is None:
        return ""
    return "、".join(n for n, line in zip(names, lines) if line in before)


def plan_changes(features: TaskFeatures, links: pd.DataFrame) -> pd.DataFrame:
    """Per pair of consecutive plans: later tasks continuing nothing ('new') and
    earlier tasks continued by nothing in the later plan ('dropped')."""
    edges = links[is_edge(links)]
    continued_into = set(edges["right"])
    rows = []
    plans = features.plans["plan_id"].tolist()
    for k in range(1, len(plans)):
        earlier = np.flatnonzero(features.plan_index == k - 1)
        later = np.flatnonzero(features.plan_index == k)
        carried = set(edges.loc[edges["right"].isin(later), "left"])
        rows += [(plans[k - 1], plans[k], plans[k], r, "new") for r in later if r not in continued_into]
        rows += [(plans[k - 1], plans[k], plans[k - 1], r, "dropped") for r in earlier if r not in carried]
    frame = pd.DataFrame(rows, columns=["from_plan", "to_plan", "plan_id", "row", "change"])
    frame["task_key"] = features.tasks["task_key"].to_numpy()[frame["row"].to_numpy(np.int64)]
    return frame[["from_plan", "to_plan", "plan_id", "task_key", "change"]]
