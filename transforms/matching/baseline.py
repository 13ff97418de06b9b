"""The reference matcher of issue 12: a simple strong baseline the matcher must beat.

For each plan in chain order, every task is compared with the latest task of every lineage
whose last plan started at most `window_years` earlier: max(ratio, discounted partial_ratio)
of the normalised texts, plus a bonus for a shared 《》 title and for a shared department line.
A one-to-one assignment (scipy, per connected component of the pairs) keeps pairs at or above
the threshold. No probabilities, no
calibration, settings in spec.toml [baseline]. `candidates`, when given, limits the pairs
compared (row pairs of the sorted tasks; used on large synthetic plans, where all pairs do
not fit); otherwise all pairs are compared.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from transforms.matching.spec import DEFAULT_SPEC
from transforms.matching.text import fold_all, normalize_all


def baseline_lineage(tasks: pd.DataFrame, spec=DEFAULT_SPEC, candidates: pd.DataFrame | None = None) -> pd.DataFrame:
    """(plan_id, task_key, lineage_id) of every task, lineages by the reference matcher."""
    settings = spec["baseline"]
    ordered = tasks.sort_values(["period_start", "period_end", "plan_id", "position"], kind="stable")
    ordered = ordered.reset_index(drop=True)
    text = np.array(normalize_all(fold_all([str(t) for t in ordered["text"]])), dtype=object)
    titles = [frozenset(t or ()) for t in ordered["cited_titles"]]
    lines = [frozenset(i for i in (ids if ids is not None else ()) if isinstance(i, str)) for ids in ordered["lineage_ids"]]
    plan_codes, plans = pd.factorize(ordered["plan_id"])
    starts = ordered.groupby("plan_id", sort=False)["period_start"].first().reindex(plans).to_numpy()
    allowed = None if candidates is None else (candidates["left"].to_numpy(np.int64), candidates["right"].to_numpy(np.int64))
    lineage = np.arange(len(ordered))  # each task starts its own lineage
    latest: dict[int, int] = {}  # lineage → its latest task row
    for plan in range(len(plans)):
        rows = np.flatnonzero(plan_codes == plan)
        tails = np.array([r for r in latest.values() if starts[plan] - starts[plan_codes[r]] <= settings["window_years"]],
                         dtype=np.int64)
        for left, right in _assigned(tails, rows, text, titles, lines, allowed, settings):
            lineage[right] = lineage[left]
        for row in rows:
            latest[int(lineage[row])] = int(row)
    return pd.DataFrame({"plan_id": ordered["plan_id"], "task_key": ordered["task_key"],
                         "lineage_id": [f"B{n}" for n in lineage]})


def _assigned(tails, rows, text, titles, lines, allowed, settings) -> list[tuple[int, int]]:
    if not len(tails) or not len(rows):
        return []
    if allowed is None:
        left, right = np.repeat(tails, len(rows)), np.tile(rows, len(tails))
    else:
        keep = np.isin(allowed[1], rows) & np.isin(allowed[0], tails)
        left, right = allowed[0][keep], allowed[1][keep]
    score = pair_scores(left, right, text, titles, lines, settings)
    keep = score >= settings["threshold"]
    left, right, score = left[keep], right[keep], score[keep]
    if not len(left):
        return []
    left_codes, left_values = pd.factorize(left)
    right_codes, right_values = pd.factorize(right)
    graph = coo_matrix((np.ones(len(left)), (left_codes, len(left_values) + right_codes)),
                       shape=(len(left_values) + len(right_values),) * 2)
    component = connected_components(graph, directed=False)[1][left_codes]
    chosen = []
    for edges in np.split(np.argsort(component, kind="stable"), np.flatnonzero(np.diff(np.sort(component))) + 1):
        rows_of, row_index = np.unique(left_codes[edges], return_inverse=True)
        cols_of, col_index = np.unique(right_codes[edges], return_inverse=True)
        matrix = np.zeros((len(rows_of), len(cols_of)))
        matrix[row_index, col_index] = score[edges]
        for a, b in zip(*linear_sum_assignment(matrix, maximize=True)):
            if matrix[a, b] > 0:
                chosen.append((int(left_values[rows_of[a]]), int(right_values[cols_of[b]])))
    return chosen


def pair_scores(left, right, text, titles, lines, settings) -> np.ndarray:
    """max(ratio, discount × partial_ratio) + title and department bonuses, 0–100 scale."""
    a, b = text[left], text[right]
    score = process.cpdist(a, b, scorer=fuzz.ratio, workers=-1).astype(np.float64)
    lengths_a = np.fromiter(map(len, a), np.int64, len(a))
    lengths_b = np.fromiter(map(len, b), np.int64, len(b))
    uneven = np.flatnonzero(np.maximum(lengths_a, lengths_b)
                            >= settings["partial_length_ratio"] * np.maximum(np.minimum(lengths_a, lengths_b), 1))
    if len(uneven):
        partial = process.cpdist(a[uneven], b[uneven], scorer=fuzz.partial_ratio, workers=-1)
        score[uneven] = np.maximum(score[uneven], settings["partial_ratio_discount"] * partial)
    score += settings["shared_title_bonus"] * np.array([bool(titles[i] & titles[j]) for i, j in zip(left, right)])
    score += settings["shared_department_bonus"] * np.array([bool(lines[i] & lines[j]) for i, j in zip(left, right)])
    return score
