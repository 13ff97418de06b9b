"""Per-task features shared by blocking and comparisons (computed once per run).

Chinese has no word breaks, so text is compared on characters: a normalised
string for edit similarity and a TF-IDF-weighted set of character bigrams for
content overlap, where ubiquitous bigrams such as 知识/产权 weigh almost nothing.
Named anchors (《》 titles and “”-quoted campaign names) are normalised so that
《中华人民共和国著作权法》 ~ 《著作权法》 and 剑网2015 ~ 剑网2020. All arrays are
indexed by the row number of the sorted tasks frame.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from rapidfuzz import fuzz, process

REQUIRED_COLUMNS = (
    "plan_id", "period_start", "period_end", "task_key", "task_no", "position", "section_path",
    "section_title", "text", "departments", "lineage_ids", "cited_titles", "truncated",
)
_PUNCT = re.compile(r"[\s\W_]+")
# A year, optionally a span and 年/年度: 2020, 2021—2022年, （2021-2035年）.
_YEAR = re.compile(r"(?:19|20)\d{2}(?:\s*[—–\-~至]\s*(?:19|20)\d{2})?\s*年?度?")
_QUOTED = re.compile(r"[“\"「]([^”\"」]{2,14})[”\"」]")
_STATE_PREFIX = "中华人民共和国"
MIN_ANCHOR_CHARS = 3
RELATED_PREFIX_CHARS = 6  # two titles with a long common stem and ratio ≥ 0.8 are related
RELATED_TITLE_RATIO = 80.0


def normalize_text(text: str) -> str:
    """NFKC, years removed (剑网2015 → 剑网), punctuation and spaces dropped."""
    folded = unicodedata.normalize("NFKC", text)
    return _PUNCT.sub("", _YEAR.sub("", folded))


def normalize_anchor(title: str) -> str:
    """A cited title or campaign name as a comparable key: 《中华人民共和国专利法》 → 专利法."""
    key = normalize_text(title)
    if key.startswith(_STATE_PREFIX) and len(key) > len(_STATE_PREFIX) + 1:
        key = key[len(_STATE_PREFIX):]
    return key


def task_anchors(text: str, cited_titles) -> tuple[str, ...]:
    """Normalised 《》 titles plus “”-quoted names of the task, in order, without repeats."""
    raw = list(cited_titles) + _QUOTED.findall(unicodedata.normalize("NFKC", text))
    keys = (normalize_anchor(t) for t in raw)
    return tuple(dict.fromkeys(k for k in keys if len(k) >= MIN_ANCHOR_CHARS))


@dataclass(frozen=True)
class TaskFeatures:
    tasks: pd.DataFrame  # the input, sorted by plan order and position, index 0..n-1
    plans: pd.DataFrame  # one row per plan in chain order: plan_id, period_start, period_end, n_tasks, partial
    plan_index: np.ndarray  # row → position of its plan in `plans`
    text: list[str]  # normalised text
    text_length: np.ndarray
    truncated: np.ndarray
    bigrams: sp.csr_matrix  # presence × idf, rows = tasks
    bigram_norm2: np.ndarray  # Σ idf² per task
    bigram_df: np.ndarray  # document frequency per bigram column
    departments: sp.csr_matrix  # presence of department lines, rows = tasks
    department_weight: np.ndarray  # idf per department line column
    has_departments: np.ndarray
    lead_department: np.ndarray  # column index of the first known line, -1 if none
    anchors: list[tuple[str, ...]]
    anchor_matrix: sp.csr_matrix  # presence of normalised anchors
    related_anchor_matrix: sp.csr_matrix  # anchors × related anchors, to find related pairs
    section_code: np.ndarray  # row → index into `section_similarity`
    section_similarity: np.ndarray  # 0–1, distinct section titles × distinct section titles
    section_rank: np.ndarray  # 1-based order of the task inside its section
    relative_position: np.ndarray  # position / plan size; NaN for partial plans


def plan_table(tasks: pd.DataFrame) -> pd.DataFrame:
    """Plans in chain order: start year, then end year (a 2021–2022 plan sorts by 2021)."""
    grouped = tasks.groupby("plan_id", sort=False)
    plans = grouped.agg(
        period_start=("period_start", "first"), period_end=("period_end", "first"),
        n_tasks=("task_key", "size"), partial=("truncated", "any"),
    ).reset_index()
    plans = plans.sort_values(["period_start", "period_end", "plan_id"], kind="stable")
    return plans.reset_index(drop=True)


def sort_tasks(tasks: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    missing = [c for c in REQUIRED_COLUMNS if c not in tasks.columns]
    if missing:
        raise ValueError(f"tasks frame lacks columns {missing}")
    if tasks.duplicated(["plan_id", "task_key"]).any():
        raise ValueError("tasks frame has repeated (plan_id, task_key); merge copies of a plan first")
    plans = plan_table(tasks)
    order = {p: i for i, p in enumerate(plans["plan_id"])}
    ranked = tasks.assign(_plan=tasks["plan_id"].map(order))
    ranked = ranked.sort_values(["_plan", "position"], kind="stable").drop(columns="_plan")
    return ranked.reset_index(drop=True), plans


def prepare_features(tasks: pd.DataFrame) -> TaskFeatures:
    ordered, plans = sort_tasks(tasks)
    plan_index = ordered["plan_id"].map({p: i for i, p in enumerate(plans["plan_id"])}).to_numpy()
    text = [normalize_text(t) for t in ordered["text"]]
    bigrams, df = bigram_matrix(text)
    departments, department_weight, lead = department_matrix(ordered["lineage_ids"])
    anchors = [task_anchors(t, c) for t, c in zip(ordered["text"], ordered["cited_titles"])]
    anchor_matrix, related = anchor_matrices(anchors)
    section_code, section_similarity = section_features(ordered["section_title"])
    return TaskFeatures(
        tasks=ordered, plans=plans, plan_index=plan_index, text=text,
        text_length=np.fromiter((len(t) for t in text), dtype=np.int64, count=len(text)),
        truncated=ordered["truncated"].to_numpy(dtype=bool),
        bigrams=bigrams, bigram_norm2=np.asarray(bigrams.multiply(bigrams).sum(axis=1)).ravel(),
        bigram_df=df, departments=departments, department_weight=department_weight,
        has_departments=np.diff(departments.indptr) > 0, lead_department=lead,
        anchors=anchors, anchor_matrix=anchor_matrix, related_anchor_matrix=related,
        section_code=section_code, section_similarity=section_similarity,
        section_rank=ordered.groupby(["plan_id", "section_path"], sort=False).cumcount().to_numpy() + 1,
        relative_position=relative_positions(ordered, plans),
    )


def bigram_matrix(texts: list[str]) -> tuple[sp.csr_matrix, np.ndarray]:
    """Binary character-bigram presence × smoothed idf, built with numpy on code points."""
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    joined = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)])[:-1]
    owner = np.repeat(np.arange(len(texts)), lengths)
    valid = np.ones(len(joined), dtype=bool)
    valid[(starts + lengths - 1)[lengths > 0]] = False  # the last character starts no bigram
    first = np.flatnonzero(valid[:-1]) if len(joined) > 1 else np.array([], dtype=np.int64)
    codes = joined[first] * (1 << 21) + joined[first + 1]
    vocabulary, columns = np.unique(codes, return_inverse=True)
    presence = sp.csr_matrix(
        (np.ones(len(first), dtype=np.float32), (owner[first], columns)),
        shape=(len(texts), len(vocabulary)),
    )
    presence.sum_duplicates()
    presence.data[:] = 1.0
    df = np.bincount(presence.indices, minlength=len(vocabulary))
    idf = (np.log((1 + len(texts)) / (1 + df)) + 1.0).astype(np.float32)
    return sp.csr_matrix(presence.multiply(idf[np.newaxis, :])), df


def department_matrix(lineage_ids: pd.Series) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """Department lines as a presence matrix; idf weights so a rare shared line counts more."""
    rows, names = [], []
    for row, ids in enumerate(lineage_ids):
        known = dict.fromkeys(i for i in (ids if ids is not None else ()) if isinstance(i, str) and i)
        rows.extend([row] * len(known))
        names.extend(known)
    vocabulary = {n: c for c, n in enumerate(dict.fromkeys(names))}
    columns = np.array([vocabulary[n] for n in names], dtype=np.int64)
    matrix = sp.csr_matrix(
        (np.ones(len(columns), dtype=np.float32), (np.array(rows, dtype=np.int64), columns)),
        shape=(len(lineage_ids), len(vocabulary)),
    )
    df = np.bincount(columns, minlength=len(vocabulary))
    weight = (np.log((1 + len(lineage_ids)) / (1 + df)) + 1.0).astype(np.float32)
    lead = np.full(len(lineage_ids), -1, dtype=np.int64)
    has = np.diff(matrix.indptr) > 0
    first_of_row = np.r_[0, np.cumsum(np.diff(matrix.indptr))][:-1]
    lead[has] = columns[first_of_row[has]]
    return matrix, weight, lead


def anchor_matrices(anchors: list[tuple[str, ...]]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Anchor presence, and presence × relation: one title is a prefix of the other
    (著作权法 → 著作权法实施条例), or both share a 6-character stem and read alike."""
    vocabulary = {a: i for i, a in enumerate(sorted({a for row in anchors for a in row}))}
    rows = [r for r, row in enumerate(anchors) for _ in row]
    columns = [vocabulary[a] for row in anchors for a in row]
    presence = sp.csr_matrix(
        (np.ones(len(columns), dtype=np.float32), (rows, columns)), shape=(len(anchors), len(vocabulary))
    )
    relation = related_anchor_relation(list(vocabulary))
    return presence, sp.csr_matrix(presence @ relation)


def related_anchor_relation(sorted_anchors: list[str]) -> sp.csr_matrix:
    """Symmetric relation between distinct anchors (diagonal excluded: that is an exact match)."""
    pairs = set()
    for i, anchor in enumerate(sorted_anchors):
        # Every anchor starting with `anchor` sits right after it in sorted order.
        end = bisect.bisect_left(sorted_anchors, anchor + "\U0010ffff", lo=i + 1)
        pairs.update((i, j) for j in range(i + 1, end))
    stems: dict[str, list[int]] = {}
    for i, anchor in enumerate(sorted_anchors):
        if len(anchor) >= RELATED_PREFIX_CHARS:
            stems.setdefault(anchor[:RELATED_PREFIX_CHARS], []).append(i)
    for members in stems.values():
        if len(members) > 1:
            names = [sorted_anchors[m] for m in members]
            close = process.cdist(names, names, scorer=fuzz.ratio, score_cutoff=RELATED_TITLE_RATIO)
            pairs.update((members[a], members[b]) for a, b in zip(*np.nonzero(close)) if a < b)
    both = [(i, j) for i, j in pairs] + [(j, i) for i, j in pairs]
    size = len(sorted_anchors)
    if not both:
        return sp.csr_matrix((size, size), dtype=np.float32)
    rows, columns = zip(*both)
    return sp.csr_matrix((np.ones(len(both), dtype=np.float32), (rows, columns)), shape=(size, size))


def split_section_title(title: str) -> tuple[str, str]:
    level1, _, level2 = (title or "").partition(" / ")
    return normalize_text(level1), normalize_text(level2)


def section_features(section_titles: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Similarity of section headings: the better of level-1 vs level-1 and level-2 vs level-2."""
    codes, distinct = pd.factorize(section_titles.fillna(""), sort=False)
    parts = [split_section_title(t) for t in distinct]
    level1 = [p[0] for p in parts]
    level2 = [p[1] for p in parts]
    sim1 = process.cdist(level1, level1, scorer=fuzz.ratio, dtype=np.float32) / 100.0
    sim2 = process.cdist(level2, level2, scorer=fuzz.ratio, dtype=np.float32) / 100.0
    has2 = np.array([bool(p) for p in level2])
    sim2[~has2, :] = 0.0
    sim2[:, ~has2] = 0.0
    return codes.astype(np.int64), np.maximum(sim1, sim2)


def relative_positions(ordered: pd.DataFrame, plans: pd.DataFrame) -> np.ndarray:
    """Position / plan size, only where the plan is complete: an excerpt's size is not the plan's."""
    size = ordered["plan_id"].map(dict(zip(plans["plan_id"], plans["n_tasks"])))
    partial = ordered["plan_id"].map(dict(zip(plans["plan_id"], plans["partial"]))).astype(bool)
    share = ordered["position"].to_numpy(dtype=np.float64) / size.to_numpy(dtype=np.float64)
    share[partial.to_numpy()] = np.nan
    return share


def rowwise_dot(
    left: sp.csr_matrix, right: sp.csr_matrix, left_rows: np.ndarray, right_rows: np.ndarray,
    chunk: int = 200_000,
) -> np.ndarray:
    """Σ_k left[i, k] · right[j, k] for each pair (i, j), in chunks to bound memory."""
    out = np.zeros(len(left_rows), dtype=np.float64)
    if left.shape[1] == 0:
        return out
    for start in range(0, len(left_rows), chunk):
        stop = start + chunk
        product = left[left_rows[start:stop]].multiply(right[right_rows[start:stop]])
        out[start:stop] = np.asarray(product.sum(axis=1)).ravel()
    return out
