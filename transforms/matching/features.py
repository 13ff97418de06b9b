"""Per-task features shared by blocking and comparisons (computed once per run).

Chinese has no word breaks, so text is compared on characters: a normalised string
for edit similarity (text.normalize_text), and sets of character bigrams for content
overlap: the informative ones (ubiquitous bigrams such as 知识/产权 are left out) and the
specific ones (used by one or two lines of work).
Named anchors (laws, titles, campaigns; see anchors.py) are kept as normalised keys with
Bloom signatures so that pairs can be screened in bulk. All arrays are indexed by the
row number of the sorted tasks frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from rapidfuzz import process
from rapidfuzz.fuzz import ratio

from transforms.matching.anchors import (
    MIN_SEARCHED_ANCHOR_CHARS, anchor_signatures, drop_generic_anchors, related_anchor_map, specific_anchors,
    task_anchors,
)
from transforms.matching.text import fold_all, normalize_all, normalize_text, stage_of

REQUIRED_COLUMNS = (
    "plan_id", "period_start", "period_end", "task_key", "task_no", "position", "section_path",
    "section_title", "text", "departments", "lineage_ids", "cited_titles", "truncated",
)
# Character bigrams in more than this share of all tasks (知识, 产权, 加强 …) carry no
# evidence about which task continues which; the others are informative. (Rare bigrams used
# to count double; at scale that doubled nearly every bigram, and the Indel strings with it,
# for no better separation: rarity now enters through the specific bigrams below.) The
# minimum count keeps a handful of tasks from making every bigram "common".
COMMON_BIGRAM_SHARE = 0.10
COMMON_BIGRAM_MIN_TASKS = 5
# A bigram in at most this many tasks per plan on average belongs to one or two lines of work
# (it recurs in their tasks year after year and hardly anywhere else): sharing one is evidence
# whatever the size of the plans, where sharing a merely rare bigram is not in a 10 000-task plan.
# In a corpus of a few tiny plans that would be every bigram: it is also at most half as
# frequent as a common bigram.
SPECIFIC_BIGRAM_PER_PLAN = 2.0
SPECIFIC_BIGRAM_SHARE = COMMON_BIGRAM_SHARE / 2
_SYMBOL_BASE = 0x100  # overlap symbols are code points from here on (any code point is fine)


@dataclass(frozen=True)
class TaskFeatures:
    tasks: pd.DataFrame  # the input, sorted by plan order and position, index 0..n-1
    plans: pd.DataFrame  # one row per plan in chain order: plan_id, period_start, period_end, n_tasks, partial
    plan_index: np.ndarray  # row → position of its plan in `plans`
    plan_rank: np.ndarray  # row → 0-based place of the task in its plan
    text: np.ndarray  # object array of normalised texts
    truncated: np.ndarray
    stage: np.ndarray  # text.stage_of of the normalised text (NaN: no stage verb), for kinds
    # Each task's informative bigrams as a sorted string of distinct symbols. The LCS of two
    # such strings is their intersection, so the rapidfuzz Indel kernel measures content
    # overlap at edit-distance speed.
    overlap_symbols: np.ndarray
    overlap_weight: np.ndarray  # = len(overlap_symbols)
    specific_symbols: np.ndarray  # the same for the specific bigrams only
    specific_count: np.ndarray  # = len(specific_symbols)
    bigrams: sp.csr_matrix  # the informative bigrams as a 0/1 sparse matrix, for n-gram blocking
    bigram_df: np.ndarray  # per column of `bigrams`: how many tasks have the bigram
    bigram_norm: np.ndarray  # per task: Euclidean norm of its row of `bigrams`
    department_set: np.ndarray  # row → code of its list of department lines (tasks share lists)
    department_names: np.ndarray  # row → code of its list of printed department names
    department_bits: np.ndarray  # uint64 words, one bit per department line
    department_chunk_weights: np.ndarray  # [16-bit chunk, 65536] → idf sum of the set bits
    department_weight: np.ndarray  # Σ idf of the task's lines
    lead_department: np.ndarray  # code of the first known line, -1 if none
    anchors: list[tuple[str, ...]]  # named anchors (anchors.task_anchors)
    specific: list[frozenset[str]]  # the anchors few tasks name (anchors.specific_anchors)
    mentioned: list[frozenset[str]]  # other tasks' anchors this task's plain text contains
    anchor_bits: np.ndarray  # uint64 Bloom signatures of the anchors, …
    mentioned_bits: np.ndarray  # … of the mentioned anchors
    related_anchor_bits: np.ndarray  # … and of every anchor related to the task's anchors
    related_anchors: dict[str, frozenset[str]]
    section_code: np.ndarray  # row → index into `section_similarity`
    section_similarity: np.ndarray  # 0–1 (NaN: no heading), distinct section titles × distinct titles
    section_rank: np.ndarray  # 1-based order of the task inside its section
    section_size: np.ndarray  # number of tasks in the task's section
    plan_share: np.ndarray  # position / plan size for every plan (for sorted-neighbourhood blocking)

    @property
    def size(self) -> int:
        return len(self.tasks)

    def rows_of_plan(self, plan: int) -> np.ndarray:
        start, end = np.searchsorted(self.plan_index, [plan, plan + 1])
        return np.arange(start, end, dtype=np.int64)


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
    plan_index = ordered["plan_id"].map({p: i for i, p in enumerate(plans["plan_id"])}).to_numpy(np.int64)
    folded = fold_all([str(t) for t in ordered["text"]])
    text = np.empty(len(ordered), dtype=object)
    text[:] = normalize_all(folded)
    presence, vocabulary = bigram_presence(list(text))
    return TaskFeatures(
        tasks=ordered, plans=plans, plan_index=plan_index, text=text, truncated=ordered["truncated"].to_numpy(bool),
        stage=stages(text), **_content_fields(presence, len(plans)), **_department_fields(ordered),
        **_anchor_fields(folded, ordered["cited_titles"], text, presence, vocabulary, len(plans)),
        **_place_fields(ordered, plans, plan_index),
    )


def _content_fields(presence: sp.csr_matrix, n_plans: int) -> dict:
    bigrams, symbols = informative_bigrams(presence)
    specific = specific_bigrams(presence, n_plans)
    return {"overlap_symbols": symbols, "overlap_weight": np.fromiter(map(len, symbols), np.int64, len(symbols)),
            "specific_symbols": specific, "specific_count": np.fromiter(map(len, specific), np.int64, len(specific)),
            "bigrams": bigrams, "bigram_df": np.bincount(bigrams.indices, minlength=bigrams.shape[1]),
            "bigram_norm": np.sqrt(np.asarray(bigrams.multiply(bigrams).sum(axis=1)).ravel())}


def _department_fields(ordered: pd.DataFrame) -> dict:
    department_set, bits, chunk_weights, weight, lead = department_signatures(ordered["lineage_ids"])
    names = pd.Series([tuple(n) if n is not None else () for n in ordered["departments"]], dtype=object)
    return {"department_set": department_set, "department_names": pd.factorize(names)[0].astype(np.int64),
            "department_bits": bits, "department_chunk_weights": chunk_weights, "department_weight": weight,
            "lead_department": lead}


def _anchor_fields(folded: list[str], cited_titles: pd.Series, text: np.ndarray, presence: sp.csr_matrix,
                   vocabulary: np.ndarray, n_plans: int) -> dict:
    anchors = drop_generic_anchors([task_anchors(t, c) for t, c in zip(folded, cited_titles)], n_plans)
    mentioned = mentioned_anchors(text, anchors, presence, vocabulary)
    related = related_anchor_map(anchors)
    return {"anchors": anchors, "specific": specific_anchors(anchors, n_plans), "mentioned": mentioned,
            "anchor_bits": anchor_signatures(anchors), "mentioned_bits": anchor_signatures(mentioned),
            "related_anchor_bits": anchor_signatures([{r for a in row for r in related.get(a, ())} for row in anchors]),
            "related_anchors": related}


def _place_fields(ordered: pd.DataFrame, plans: pd.DataFrame, plan_index: np.ndarray) -> dict:
    section_code, section_similarity = section_features(ordered["section_title"])
    by_section = ordered.groupby(["plan_id", "section_path"], sort=False)
    plan_size = np.maximum(plans["n_tasks"].to_numpy()[plan_index], 1)
    return {"plan_rank": np.arange(len(ordered)) - np.searchsorted(plan_index, plan_index),
            "section_code": section_code, "section_similarity": section_similarity,
            "section_rank": by_section.cumcount().to_numpy() + 1,
            "section_size": by_section["task_key"].transform("size").to_numpy(),
            "plan_share": ordered["position"].to_numpy(np.float64) / plan_size}


def stages(text: np.ndarray) -> np.ndarray:
    """text.stage_of per task, read once per distinct text (continued tasks often keep theirs)."""
    codes, distinct = pd.factorize(text)
    found = np.array([np.nan if (s := stage_of(t)) is None else float(s) for t in distinct], dtype=np.float64)
    return found[codes] if len(codes) else np.zeros(0)


def bigram_presence(texts: list[str]) -> tuple[sp.csr_matrix, np.ndarray]:
    """Binary text × bigram matrix, built with numpy on code points (no Python loop per bigram),
    and the bigram code of each column (first code point × 2²¹ + second)."""
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    joined = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    ends = np.cumsum(lengths)
    owner = np.repeat(np.arange(len(texts)), lengths)
    starts_bigram = np.ones(len(joined), dtype=bool)
    starts_bigram[ends[lengths > 0] - 1] = False  # a text's last character starts no bigram
    first = np.flatnonzero(starts_bigram)
    codes = joined[first] * (1 << 21) + joined[first + 1] if len(first) else np.array([], np.int64)
    columns, vocabulary = pd.factorize(codes)  # hashing, faster than np.unique's sort
    presence = sp.csr_matrix(
        (np.ones(len(first), dtype=np.float32), (owner[first], columns)),
        shape=(len(texts), len(vocabulary)),
    )
    presence.sum_duplicates()
    presence.data[:] = 1.0
    return presence, np.asarray(vocabulary, dtype=np.int64)


def informative_bigrams(presence: sp.csr_matrix) -> tuple[sp.csr_matrix, np.ndarray]:
    """Character bigrams per text without the common ones, as a matrix and as symbol strings."""
    df = np.bincount(presence.indices, minlength=presence.shape[1])
    return _keep_columns(presence, df <= max(COMMON_BIGRAM_MIN_TASKS, COMMON_BIGRAM_SHARE * presence.shape[0]))


def specific_bigrams(presence: sp.csr_matrix, n_plans: int) -> np.ndarray:
    """Per text, its specific bigrams (see SPECIFIC_BIGRAM_PER_PLAN) as a symbol string."""
    df = np.bincount(presence.indices, minlength=presence.shape[1])
    limit = min(SPECIFIC_BIGRAM_PER_PLAN * max(1, n_plans), SPECIFIC_BIGRAM_SHARE * presence.shape[0])
    return _keep_columns(presence, df <= limit)[1]


def _keep_columns(presence: sp.csr_matrix, keep: np.ndarray) -> tuple[sp.csr_matrix, np.ndarray]:
    kept = sp.csr_matrix(presence.multiply(keep.astype(np.float32)[np.newaxis, :]))
    kept.eliminate_zeros()
    return kept, symbol_strings(kept)


def symbol_strings(matrix: sp.csr_matrix) -> np.ndarray:
    """Per row, its columns as a sorted string of distinct symbols (code points from
    _SYMBOL_BASE on). Built for all rows at once: one code-point array, decoded once, sliced."""
    matrix.sort_indices()
    symbols = (matrix.indices.astype(np.int64) + _SYMBOL_BASE).astype(np.uint32)
    text = symbols.tobytes().decode("utf-32-le", errors="surrogatepass")
    bounds = matrix.indptr.tolist()
    out = np.empty(matrix.shape[0], dtype=object)
    out[:] = [text[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
    return out


def mentioned_anchors(text: np.ndarray, anchors: list[tuple[str, ...]], presence: sp.csr_matrix,
                      vocabulary: np.ndarray) -> list[frozenset[str]]:
    """Per task, the anchors of other tasks that its normalised text contains (a 《》 title
    written without 《》, a campaign without quotes), outside its own anchors. Only tasks
    containing an anchor's rarest bigram are searched, so the cost follows how rare the
    anchors are, not the plan size."""
    names = sorted({a for row in anchors for a in row if len(a) >= MIN_SEARCHED_ANCHOR_CHARS})
    found: list[set[str]] = [set() for _ in range(len(text))]
    if not names:
        return [frozenset()] * len(text)
    column_of = dict(zip(vocabulary.tolist(), range(len(vocabulary))))
    posting = presence.tocsc()
    df = np.diff(posting.indptr)
    for name in names:
        columns = [column_of.get(ord(a) * (1 << 21) + ord(b), -1) for a, b in zip(name, name[1:])]
        if min(columns) < 0:  # a bigram no text has: nobody mentions it
            continue
        column = min(columns, key=lambda c: df[c])
        for row in posting.indices[posting.indptr[column]:posting.indptr[column + 1]].tolist():
            # Not when it is only part of a document the task names itself (著作权法 in 著作权法实施条例).
            if name in text[row] and not any(name in own for own in anchors[row]):
                found[row].add(name)
    return [frozenset(f.difference(own)) for f, own in zip(found, anchors)]


def department_signatures(lineage_ids: pd.Series):
    """Department lines as bit sets with idf weights, so a rare shared line counts more:
    (list code per row, bits, chunk weight table, Σ idf per row, lead line code per row)."""
    # Department sets repeat from task to task: each distinct set is read once.
    keys = [tuple(ids) if ids is not None else () for ids in lineage_ids]
    set_of_row, distinct = pd.factorize(pd.Series(keys, dtype=object))
    sets = [list(dict.fromkeys(i for i in ids if isinstance(i, str) and i)) for ids in distinct]
    vocabulary = {name: c for c, name in enumerate(dict.fromkeys(n for r in sets for n in r))}
    words = max(1, -(-len(vocabulary) // 64))
    set_bits = np.zeros((len(sets), words), dtype=np.uint64)
    set_lead = np.full(len(sets), -1, dtype=np.int64)
    for s, names in enumerate(sets):
        for name in names:
            code = vocabulary[name]
            set_bits[s, code // 64] |= np.uint64(1) << np.uint64(code % 64)
        set_lead[s] = vocabulary[names[0]] if names else -1
    bits, lead = set_bits[set_of_row], set_lead[set_of_row]
    codes = np.array([vocabulary[n] for names in sets for n in names], dtype=np.int64)
    owner = np.repeat(np.arange(len(sets)), [len(names) for names in sets])
    df = np.bincount(codes, weights=np.bincount(set_of_row, minlength=len(sets))[owner], minlength=len(vocabulary))
    idf = np.log((1 + len(keys)) / (1 + df)) + 1.0
    chunk_weights = np.zeros((words * 4, 1 << 16), dtype=np.float64)
    every_chunk = np.arange(1 << 16)
    for code, weight in enumerate(idf):
        chunk, bit = divmod(code, 16)
        chunk_weights[chunk, (every_chunk >> bit) & 1 == 1] += weight
    return set_of_row.astype(np.int64), bits, chunk_weights, weighted_popcount(bits, chunk_weights), lead


def weighted_popcount(bits: np.ndarray, chunk_weights: np.ndarray) -> np.ndarray:
    """Σ weight of the set bits per row, by table look-up on each 16-bit chunk (four look-ups
    per word: a quarter of what bytes would take)."""
    # An explicit width: reshape(0, -1) is ambiguous and fails on an empty selection of rows.
    chunks = bits.view(np.uint16).reshape(len(bits), bits.shape[1] * 4)
    total = np.zeros(len(bits))
    for k in range(chunks.shape[1]):
        total += chunk_weights[k][chunks[:, k]]
    return total


def split_section_title(title: str) -> tuple[str, str]:
    level1, _, level2 = (title or "").partition(" / ")
    return normalize_text(level1), normalize_text(level2)


def section_features(section_titles: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Similarity of section headings: the better of level-1 vs level-1 and level-2 vs level-2."""
    codes, distinct = pd.factorize(section_titles.fillna(""), sort=False)
    parts = [split_section_title(t) for t in distinct]
    level1 = [p[0] for p in parts]
    similarity = np.maximum(_title_similarity(level1), _title_similarity([p[1] for p in parts]))
    # A task under no heading at all gives no section evidence (NaN: the null level).
    missing = np.array([not title for title in level1], dtype=bool)
    similarity[missing, :] = np.nan
    similarity[:, missing] = np.nan
    return codes.astype(np.int64), similarity


def _title_similarity(titles: list[str]) -> np.ndarray:
    similarity = process.cdist(titles, titles, scorer=ratio, dtype=np.float32) / 100.0
    empty = np.array([not t for t in titles], dtype=bool)
    similarity[empty, :] = 0.0  # two missing headings are not similar headings
    similarity[:, empty] = 0.0
    return similarity
