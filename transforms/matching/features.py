"""Per-task features, computed once per run and read by every later stage.

Chinese has no word breaks, so text is compared on characters: one normalised string per task
(text.normalize_all, then documents.document_texts) for edit similarity, and its informative
character bigrams (ubiquitous ones such as 知识/产权 left out) for content overlap. Named
documents come from documents.py, department lines from the registry's reform lineage. Each plan
knows whether it is complete (its observation model: see lineage.py). Arrays are indexed by the
row of the sorted tasks frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from transforms.matching import documents as docs
from transforms.matching.frames import TASK_COLUMNS
from transforms.matching.text import fold_all, normalize_all, stage_orders

REQUIRED_COLUMNS = TASK_COLUMNS
_SYMBOL_BASE = 0x100  # overlap symbols are code points from here on (any code point is fine)
_HASH_MULTIPLIER = np.uint64(1_000_003)  # of the phrases' 64-bit polynomial hash (a prime; not a setting)


@dataclass(frozen=True)
class TaskFeatures:
    tasks: pd.DataFrame  # the input, sorted by plan order and position, index 0..n-1
    plans: pd.DataFrame  # one row per plan in chain order: plan_id, period_start, period_end, n_tasks, complete
    plan_index: np.ndarray  # row → position of its plan in `plans`
    plan_rank: np.ndarray  # row → 0-based place of the task in its plan
    relative_position: np.ndarray  # plan_rank / (n_tasks − 1), 0 for a one-task plan
    text: np.ndarray  # object array of normalised texts
    truncated: np.ndarray
    stage: np.ndarray  # text.stage_of (NaN: no stage verb), for kinds
    # Informative bigrams as a sorted string of distinct symbols: the LCS of two such strings is
    # their intersection, so the rapidfuzz Indel kernel measures content overlap at edit speed.
    overlap_symbols: np.ndarray
    overlap_weight: np.ndarray  # = len(overlap_symbols)
    bigrams: sp.csr_matrix  # informative bigrams as a 0/1 matrix, for n-gram blocking
    bigram_df: np.ndarray
    bigram_norm: np.ndarray
    phrases: sp.csr_matrix  # specific phrases (text.phrase_chars-character runs few tasks write) as 0/1
    documents: list[frozenset[str]]  # named documents (documents.find_documents)
    specific: list[frozenset[str]]  # those few tasks name
    related: dict[str, frozenset[str]]  # name → related names
    document_bits: np.ndarray  # Bloom signatures of `documents` …
    related_bits: np.ndarray  # … and of every name related to them
    department_set: np.ndarray  # row → code of its list of department lines
    department_names: np.ndarray  # row → code of its list of printed names
    department_bits: np.ndarray  # uint64 words, one bit per department line
    department_weight: np.ndarray  # number of known lines
    lead_department: np.ndarray  # code of the first known line, -1 if none

    @property
    def size(self) -> int:
        return len(self.tasks)

    def rows_of_plan(self, plan: int) -> np.ndarray:
        start, end = np.searchsorted(self.plan_index, [plan, plan + 1])
        return np.arange(start, end, dtype=np.int64)


def plan_table(tasks: pd.DataFrame) -> pd.DataFrame:
    """Plans in chain order (start year, then end year: 2021–2022 sorts by 2021)."""
    plans = tasks.groupby("plan_id", sort=False).agg(
        period_start=("period_start", "first"), period_end=("period_end", "first"),
        n_tasks=("task_key", "size"), complete=("plan_complete", "all"),
    ).reset_index()
    return plans.sort_values(["period_start", "period_end", "plan_id"], kind="stable").reset_index(drop=True)


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


def prepare_features(tasks: pd.DataFrame, spec) -> TaskFeatures:
    ordered, plans = sort_tasks(tasks)
    plan_index = ordered["plan_id"].map({p: i for i, p in enumerate(plans["plan_id"])}).to_numpy(np.int64)
    folded = fold_all([str(t) for t in ordered["text"]])
    text = np.empty(len(ordered), dtype=object)
    text[:] = docs.document_texts(normalize_all(folded))
    presence, vocabulary = bigram_presence(list(text))
    plan_rank = np.arange(len(ordered)) - np.searchsorted(plan_index, plan_index)
    sizes = plans["n_tasks"].to_numpy()[plan_index]
    return TaskFeatures(
        tasks=ordered, plans=plans, plan_index=plan_index, plan_rank=plan_rank,
        relative_position=plan_rank / np.maximum(sizes - 1, 1), text=text,
        truncated=ordered["truncated"].to_numpy(bool), stage=stages(ordered["text"].to_numpy(object)),
        **_content_fields(presence, spec["text"]), **department_fields(ordered),
        phrases=phrase_presence(list(text), len(plans), spec["text"]),
        **_document_fields(folded, ordered["cited_titles"], text, presence, vocabulary, len(plans), spec["documents"]),
    )


def _content_fields(presence: sp.csr_matrix, settings) -> dict:
    df = np.bincount(presence.indices, minlength=presence.shape[1])
    common = df > max(settings["common_bigram_min_tasks"], settings["common_bigram_share"] * presence.shape[0])
    bigrams = sp.csr_matrix(presence.multiply((~common).astype(np.float32)[np.newaxis, :]))
    bigrams.eliminate_zeros()
    symbols = symbol_strings(bigrams)
    return {"overlap_symbols": symbols, "overlap_weight": np.fromiter(map(len, symbols), np.int64, len(symbols)),
            "bigrams": bigrams, "bigram_df": np.bincount(bigrams.indices, minlength=bigrams.shape[1]),
            "bigram_norm": np.sqrt(np.asarray(bigrams.sum(axis=1)).ravel())}


def _document_fields(folded, cited_titles, text, presence, vocabulary, n_plans: int, settings) -> dict:
    names = docs.build_vocabulary(folded, cited_titles, settings)
    column_of = dict(zip(vocabulary.tolist(), range(len(vocabulary))))
    found = docs.find_documents(list(text), names, presence, column_of, n_plans, settings)
    related = docs.related_documents(found, settings)
    return {"documents": found, "specific": docs.specific_documents(found, n_plans, settings), "related": related,
            "document_bits": docs.signatures(found),
            "related_bits": docs.signatures([{r for n in row for r in related.get(n, ())} for row in found])}


def phrase_presence(texts: list[str], n_plans: int, settings) -> sp.csr_matrix:
    """Binary text × phrase matrix of the *specific* phrases: runs of `phrase_chars` characters that
    at least two tasks write and at most `phrase_specific_per_plan` tasks per plan on average (a
    continuing task writes its phrases once a plan; a stock phrase such as 加强统筹协调工作 is in many).
    Runs are hashed on code points (64-bit polynomial hash: no Python string per run)."""
    k = settings["phrase_chars"]
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    joined = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    owner = np.repeat(np.arange(len(texts)), lengths)
    ends = np.cumsum(lengths)[owner] if len(owner) else owner
    starts = np.flatnonzero(np.arange(len(joined)) + k <= ends)
    hashes = np.zeros(len(starts), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(k):
            hashes = hashes * _HASH_MULTIPLIER + joined[starts + offset]
    codes, distinct = pd.factorize(hashes)
    matrix = sp.csr_matrix((np.ones(len(starts), dtype=np.float32), (owner[starts], codes)),
                           shape=(len(texts), len(distinct)))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    specific = (df >= 2) & (df <= settings["phrase_specific_per_plan"] * max(n_plans, 1))
    kept = sp.csr_matrix(matrix[:, np.flatnonzero(specific)])
    kept.sort_indices()
    return kept


def stages(text: np.ndarray) -> np.ndarray:
    """text.stage_orders per task (of the printed text: 《》 titles hide stage words), once per distinct text."""
    codes, distinct = pd.factorize(text)
    found = np.array([np.nan if s is None else float(s) for s in stage_orders(distinct)], dtype=np.float64)
    return found[codes] if len(codes) else np.zeros(0)


def bigram_presence(texts: list[str]) -> tuple[sp.csr_matrix, np.ndarray]:
    """Binary text × bigram matrix, built with numpy on code points, and each column's bigram
    code (first code point × 2²¹ + second)."""
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    joined = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    ends = np.cumsum(lengths)
    owner = np.repeat(np.arange(len(texts)), lengths)
    starts_bigram = np.ones(len(joined), dtype=bool)
    starts_bigram[ends[lengths > 0] - 1] = False  # a text's last character starts no bigram
    first = np.flatnonzero(starts_bigram)
    codes = joined[first] * (1 << 21) + joined[first + 1] if len(first) else np.array([], np.int64)
    columns, vocabulary = pd.factorize(codes)
    presence = sp.csr_matrix((np.ones(len(first), dtype=np.float32), (owner[first], columns)),
                             shape=(len(texts), len(vocabulary)))
    presence.sum_duplicates()
    presence.data[:] = 1.0
    return presence, np.asarray(vocabulary, dtype=np.int64)


def symbol_strings(matrix: sp.csr_matrix) -> np.ndarray:
    """Per row, its columns as a sorted string of distinct symbols, built for all rows at once."""
    matrix.sort_indices()
    symbols = (matrix.indices.astype(np.int64) + _SYMBOL_BASE).astype(np.uint32)
    text = symbols.tobytes().decode("utf-32-le", errors="surrogatepass")
    bounds = matrix.indptr.tolist()
    out = np.empty(matrix.shape[0], dtype=object)
    out[:] = [text[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
    return out


def department_fields(ordered: pd.DataFrame) -> dict:
    """Department lines as bit sets (lists repeat from task to task: each distinct list is read once)."""
    keys = [tuple(ids) if ids is not None else () for ids in ordered["lineage_ids"]]
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
    names = pd.Series([tuple(n) if n is not None else () for n in ordered["departments"]], dtype=object)
    return {"department_set": set_of_row.astype(np.int64), "department_names": pd.factorize(names)[0].astype(np.int64),
            "department_bits": set_bits[set_of_row], "lead_department": set_lead[set_of_row],
            "department_weight": np.array([len(s) for s in sets], dtype=np.int64)[set_of_row]}
