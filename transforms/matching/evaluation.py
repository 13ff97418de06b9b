"""Precision, recall and F1 of lineages: two tasks count as linked when they share a lineage.

Gold files label pairs of tasks named by file and printed number (`left_file,
left_task,right_file,right_task,label,note`). Labels: `match`, `match_gap` (linked
across plans in between), `nonmatch`, `ambiguous` (not scored) and `same_document`
(the two files are copies of one plan: every task pairs with its own number).

By default the gold file is read as closed world, as its README states: within every
pair of files it labels, any pair of tasks not labelled (or implied, through chains
of labelled links) as linked is a non-match. `closed_world=False` scores only the
labelled rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

POSITIVE_LABELS = ("match", "match_gap", "same_document")
GOLD_LABELS = (*POSITIVE_LABELS, "nonmatch", "ambiguous")
GOLD_COLUMNS = ("left_file", "left_task", "right_file", "right_task", "label")


@dataclass(frozen=True)
class Evaluation:
    precision: float
    recall: float
    f1: float
    true_positives: int
    false_positives: int
    false_negatives: int
    misses: pd.DataFrame  # one row per wrong or missing link (gold evaluations only)

    def summary(self) -> str:
        return (f"precision {self.precision:.3f}  recall {self.recall:.3f}  F1 {self.f1:.3f}  "
                f"(TP {self.true_positives}, FP {self.false_positives}, FN {self.false_negatives})")


def _scores(tp: int, fp: int, fn: int, misses: pd.DataFrame | None = None) -> Evaluation:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Evaluation(precision, recall, f1, tp, fp, fn, misses if misses is not None else pd.DataFrame())


def _cross_plan_pairs(frame: pd.DataFrame, group_columns: list[str]) -> int:
    """Pairs of tasks from different plans that share every column in `group_columns`."""
    within_group = frame.groupby(group_columns).size()
    within_plan = frame.groupby([*group_columns, "plan_id"]).size()
    return int((within_group * (within_group - 1) // 2).sum() - (within_plan * (within_plan - 1) // 2).sum())


def pairwise_lineage_scores(predicted: pd.DataFrame, truth: pd.DataFrame) -> Evaluation:
    """Pairwise scores over tasks of different plans; `predicted` has (plan_id, task_key,
    lineage_id), `truth` has (plan_id, task_key, true_lineage)."""
    joined = truth.merge(predicted[["plan_id", "task_key", "lineage_id"]], on=["plan_id", "task_key"], how="left")
    joined["lineage_id"] = joined["lineage_id"].fillna(joined["plan_id"] + "|" + joined["task_key"])
    both = _cross_plan_pairs(joined, ["true_lineage", "lineage_id"])
    predicted_pairs = _cross_plan_pairs(joined, ["lineage_id"])
    true_pairs = _cross_plan_pairs(joined, ["true_lineage"])
    return _scores(both, predicted_pairs - both, true_pairs - both)


def read_gold(csv_text: str) -> pd.DataFrame:
    """Parse a gold CSV (pure); task numbers become strings, labels are checked."""
    import io

    gold = pd.read_csv(io.StringIO(csv_text), dtype=str).fillna("")
    missing = [c for c in GOLD_COLUMNS if c not in gold.columns]
    if missing:
        raise ValueError(f"gold CSV lacks columns {missing}")
    unknown = sorted(set(gold["label"]) - set(GOLD_LABELS))
    if unknown:
        raise ValueError(f"gold CSV has unknown labels {unknown}; expected one of {GOLD_LABELS}")
    return gold


def evaluate_gold(gold: pd.DataFrame, source_tasks: pd.DataFrame, lineage: pd.DataFrame,
                  closed_world: bool = True) -> Evaluation:
    """Score lineages against gold pairs.

    `source_tasks` maps each file to its tasks: columns source (file name), number
    (printed task number), plan_id, task_key. `lineage` has lineage_id, plan_id, task_key.
    """
    located = _locate(source_tasks, lineage)
    truth = _gold_truth(gold, located)
    pairs = _universe(gold, located) if closed_world else _labelled_pairs(gold)
    ambiguous = {_pair_key(r.left_file, r.left_task, r.right_file, r.right_task)
                 for r in gold.itertuples() if r.label == "ambiguous"}
    rows = []
    for a, b in pairs:
        if _pair_key(*a, *b) in ambiguous:
            continue
        expected = truth.linked(a, b)
        linked = _lineage_of(located, a) is not None and _lineage_of(located, a) == _lineage_of(located, b)
        rows.append((a, b, expected, linked))
    tp = sum(1 for r in rows if r[2] and r[3])
    fp = sum(1 for r in rows if not r[2] and r[3])
    fn = sum(1 for r in rows if r[2] and not r[3])
    return _scores(tp, fp, fn, _misses(rows, gold, located))


def _locate(source_tasks: pd.DataFrame, lineage: pd.DataFrame) -> dict[tuple[str, str], str | None]:
    joined = source_tasks.merge(lineage[["plan_id", "task_key", "lineage_id"]], on=["plan_id", "task_key"], how="left")
    return {(str(s), str(n)): (None if pd.isna(line) else line)
            for s, n, line in zip(joined["source"], joined["number"], joined["lineage_id"])}


def _lineage_of(located, node) -> str | None:
    return located.get((str(node[0]), str(node[1])))


def _pair_key(file_a, task_a, file_b, task_b) -> frozenset:
    return frozenset([(str(file_a), str(task_a)), (str(file_b), str(task_b))])


class _Components:
    """Union–find over (file, number) nodes joined by positive gold labels."""

    def __init__(self):
        self.parent: dict = {}

    def find(self, node):
        self.parent.setdefault(node, node)
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def union(self, a, b):
        self.parent[self.find(a)] = self.find(b)

    def linked(self, a, b) -> bool:
        return self.find(a) == self.find(b)


def _gold_truth(gold: pd.DataFrame, located) -> _Components:
    components = _Components()
    numbers_by_file: dict[str, set[str]] = {}
    for source, number in located:
        numbers_by_file.setdefault(source, set()).add(number)
    for row in gold.itertuples():
        if row.label == "same_document":
            # Copies of one plan: every number present in both files pairs with itself.
            shared = numbers_by_file.get(row.left_file, set()) & numbers_by_file.get(row.right_file, set())
            for number in shared:
                components.union((row.left_file, number), (row.right_file, number))
        elif row.label in POSITIVE_LABELS:
            components.union((row.left_file, str(row.left_task)), (row.right_file, str(row.right_task)))
    return components


def _universe(gold: pd.DataFrame, located) -> list[tuple[tuple[str, str], tuple[str, str]]]:
    """All task pairs between every pair of files the gold file labels (plus the labelled
    pairs themselves, so a task missing from the ingested files still counts)."""
    tasks_by_file: dict[str, list[tuple[str, str]]] = {}
    for node in located:
        tasks_by_file.setdefault(node[0], []).append(node)
    pairs = set()
    for files in {frozenset([r.left_file, r.right_file]) for r in gold.itertuples()}:
        if len(files) == 2:
            file_a, file_b = sorted(files)
            pairs.update((a, b) for a in tasks_by_file.get(file_a, []) for b in tasks_by_file.get(file_b, []))
    pairs.update(_labelled_pairs(gold))
    unique = {_pair_key(*a, *b): (a, b) for a, b in pairs}
    return sorted(unique.values())


def _labelled_pairs(gold: pd.DataFrame):
    return [((r.left_file, str(r.left_task)), (r.right_file, str(r.right_task))) for r in gold.itertuples()]


def _misses(rows, gold: pd.DataFrame, located) -> pd.DataFrame:
    labels = {_pair_key(r.left_file, r.left_task, r.right_file, r.right_task): (r.label, getattr(r, "note", ""))
              for r in gold.itertuples()}
    out = []
    for a, b, expected, linked in rows:
        if expected != linked:
            label, note = labels.get(_pair_key(*a, *b), ("(closed world)", "implied non-match"))
            out.append({"left_file": a[0], "left_task": a[1], "right_file": b[0], "right_task": b[1],
                        "label": label, "error": "false link" if linked else "missed link",
                        "left_lineage": _lineage_of(located, a), "right_lineage": _lineage_of(located, b),
                        "note": note})
    return pd.DataFrame(out, columns=["left_file", "left_task", "right_file", "right_task", "label", "error",
                                      "left_lineage", "right_lineage", "note"])


def gold_comparison(gold: pd.DataFrame, source_tasks: pd.DataFrame, tasks: pd.DataFrame, matchers: dict) -> pd.DataFrame:
    """Every matcher side by side on the gold pairs: once with every plan loaded ("dev"), and
    leave-one-plan-out ("leave-one-plan-out": each plan left out in turn, the labelled pairs
    whose plans remain scored, counts pooled over the runs). `matchers` maps a name to a
    function tasks frame → lineage (plan_id, task_key, lineage_id)."""
    rows = []
    plans = list(dict.fromkeys(tasks["plan_id"]))
    for name, matcher in matchers.items():
        dev = evaluate_gold(gold, source_tasks, matcher(tasks))
        rows.append(_row("dev", name, dev.true_positives, dev.false_positives, dev.false_negatives))
        counts = np.zeros(3, dtype=np.int64)
        for plan in plans:
            kept_tasks = tasks[tasks["plan_id"] != plan]
            kept_sources = source_tasks[source_tasks["plan_id"] != plan]
            files = set(kept_sources["source"])
            kept_gold = gold[gold["left_file"].isin(files) & gold["right_file"].isin(files)]
            if kept_gold.empty or kept_tasks["plan_id"].nunique() < 2:
                continue
            fold = evaluate_gold(kept_gold, kept_sources, matcher(kept_tasks.reset_index(drop=True)))
            counts += (fold.true_positives, fold.false_positives, fold.false_negatives)
        rows.append(_row("leave-one-plan-out", name, *counts.tolist()))
    return pd.DataFrame(rows)


def _row(setting: str, matcher: str, tp: int, fp: int, fn: int) -> dict:
    scores = _scores(tp, fp, fn)
    return {"setting": setting, "matcher": matcher, "P": scores.precision, "R": scores.recall, "F1": scores.f1,
            "TP": tp, "FP": fp, "FN": fn}


__all__ = ["Evaluation", "evaluate_gold", "gold_comparison", "pairwise_lineage_scores", "read_gold"]
