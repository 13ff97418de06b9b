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

import re

import numpy as np
import pandas as pd

from transforms.matching.comparisons import SIGNAL_COLUMNS, text_ratio
from transforms.matching.features import MIN_SEARCHED_ANCHOR_CHARS, TaskFeatures
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


_STAGE_VERB = re.compile("|".join(sorted((v for verbs in STAGE_VERBS for v in verbs), key=len, reverse=True)))
_STAGE_OF_VERB = {verb: stage for stage, verbs in enumerate(STAGE_VERBS) for verb in verbs}


def stage_of(text: str) -> int | None:
    """0 drafting, 1 issuing, 2 implementing, None if no stage verb is found. The earliest
    verb decides; at one position the longest wins (研究制定 over 研究)."""
    found = _STAGE_VERB.search(text)
    return None if found is None else _STAGE_OF_VERB[found.group(0)]


def change_flags(features: TaskFeatures, links: pd.DataFrame) -> pd.DataFrame:
    """One boolean column per kind, for every link (vectorised)."""
    left, right = links["left"].to_numpy(np.int64), links["right"].to_numpy(np.int64)
    role = links["role"] if "role" in links else pd.Series("primary", index=links.index)
    edges = links[is_edge(links)] if "status" in links else links.iloc[0:0]
    split_sources = edges.loc[role.loc[edges.index] == "split", "left"]
    merge_targets = edges.loc[role.loc[edges.index] == "merge", "right"]
    stages = _stages(features, np.unique(np.concatenate([left, right])))
    before = pd.Series(left).map(stages).to_numpy(dtype=np.float64)
    after = pd.Series(right).map(stages).to_numpy(dtype=np.float64)
    weight_left, weight_right = features.overlap_weight[left], features.overlap_weight[right]
    departments_differ = (
        (features.department_weight[left] > 0) & (features.department_weight[right] > 0)
        & (features.department_bits[left] != features.department_bits[right]).any(axis=1)
    )
    flags = pd.DataFrame({
        "split": (role == "split").to_numpy() | links["left"].isin(split_sources).to_numpy(),
        "merged": (role == "merge").to_numpy() | links["right"].isin(merge_targets).to_numpy(),
        "identical": (features.text[left] == features.text[right]) & ~departments_differ,
        "stage_advanced": after > before,  # NaN compares False: no verb, no advance
        "department_changed": departments_differ,
        "narrowed": (links["right_in_left"].to_numpy(np.float64) >= CONTAINED)
        & (weight_right <= CLEARLY_SHORTER * weight_left),
        "widened": (links["left_in_right"].to_numpy(np.float64) >= CONTAINED)
        & (weight_left <= CLEARLY_SHORTER * weight_right),
    }, index=links.index)
    flags["reworded"] = ~(flags["identical"] | flags["split"] | flags["merged"])
    return flags


def _stages(features: TaskFeatures, rows: np.ndarray) -> dict[int, float]:
    out = {}
    for row in rows.tolist():
        stage = stage_of(features.text[row])
        out[row] = np.nan if stage is None else float(stage)
    return out


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
    flags = change_flags(features, links)
    ordered = flags[list(KIND_PRIORITY)]
    kind = np.select([ordered[k].to_numpy() for k in KIND_PRIORITY], list(KIND_PRIORITY), default="reworded")
    changes = _joined_flags(ordered)
    left, right = links["left"].to_numpy(), links["right"].to_numpy()
    table = pd.DataFrame({
        "from_plan": tasks["plan_id"].to_numpy()[left], "from_task_key": tasks["task_key"].to_numpy()[left],
        "from_task_no": tasks["task_no"].to_numpy()[left], "to_plan": tasks["plan_id"].to_numpy()[right],
        "to_task_key": tasks["task_key"].to_numpy()[right], "to_task_no": tasks["task_no"].to_numpy()[right],
        "score": links["score"].round(4).to_numpy(), "kind": kind, "changes": np.asarray(changes, dtype=object),
    })
    for column in SIGNAL_COLUMNS:
        table[column] = links[column].to_numpy()
    missing = np.flatnonzero(np.isnan(table["text_ratio"].to_numpy(np.float64)))  # left out in comparisons
    table.loc[missing, "text_ratio"] = text_ratio(features, left[missing], right[missing], workers=1)
    table["shared_titles"] = [shared_titles(features, a, b) for a, b in zip(left.tolist(), right.tolist())]
    table["shared_departments"] = shared_departments_all(features, left, right)
    for column in ("status", "role", "rule", "is_gap", "match_weight"):
        table[column] = links[column].to_numpy()
    return table.sort_values(["to_plan", "to_task_no", "from_plan", "from_task_no"]).reset_index(drop=True)


def _joined_flags(flags: pd.DataFrame) -> np.ndarray:
    joined = pd.Series("", index=flags.index)
    for kind in KIND_PRIORITY:
        joined = joined.where(~flags[kind], joined + np.where(joined == "", "", "|") + kind)
    return joined.to_numpy()


def shared_titles(features: TaskFeatures, left: int, right: int) -> str:
    """Shared anchors; else related ones as `a ~ b`; else an anchor the other text names."""
    before, after = features.anchors[left], features.anchors[right]
    if not before and not after:
        return ""
    same = [a for a in before if a in after]
    if same:
        return "、".join(same)
    related = [f"{a} ~ {b}" for a in before for b in after if b in features.related_anchors.get(a, ())]
    if related:
        return "、".join(related)
    named = [a for a in before if len(a) >= MIN_SEARCHED_ANCHOR_CHARS and a in features.text[right]]
    named += [b for b in after if len(b) >= MIN_SEARCHED_ANCHOR_CHARS and b in features.text[left]]
    return "、".join(dict.fromkeys(named))


def shared_departments(features: TaskFeatures, left: int, right: int) -> str:
    """Departments of the later task whose line also appears in the earlier task."""
    return shared_departments_all(features, np.array([left]), np.array([right]))[0]


def shared_departments_all(features: TaskFeatures, left: np.ndarray, right: np.ndarray) -> list[str]:
    names = features.tasks["departments"].to_numpy()
    lines = features.tasks["lineage_ids"].to_numpy()
    out = []
    for a, b in zip(left.tolist(), right.tolist()):
        before = _known_lines(lines[a])
        pairs = zip(names[b] if names[b] is not None else (), lines[b] if lines[b] is not None else ())
        out.append("、".join(n for n, line in pairs if line in before) if before else "")
    return out


def _known_lines(ids) -> set[str]:
    return {i for i in (ids if ids is not None else ()) if isinstance(i, str) and i}


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
