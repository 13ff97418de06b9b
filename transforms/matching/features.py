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
MIN_ANCHOR_CHARS = 2  # campaign names are short: 剑网, 龙腾, 蓝天
MIN_SEARCHED_ANCHOR_CHARS = 3  # shorter anchors are matched exactly, never searched for in text
RELATED_PREFIX_CHARS = 6  # two titles with a long common stem and ratio ≥ 0.8 are related
RELATED_TITLE_RATIO = 80.0
GENERIC_ANCHOR_PER_PLAN = 2.5


# Full-width ASCII (ＡＢＣ１２３，（）) to half-width: the bulk of what NFKC changes in these texts.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def normalize_text(text: str) -> str:
    """NFKC, years removed (剑网2015 → 剑网), punctuation and spaces dropped."""
    folded = text.translate(_FULL_WIDTH)
    if not unicodedata.is_normalized("NFKC", folded):
        folded = unicodedata.normalize("NFKC", folded)
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


# Character bigrams in more than this share of all tasks (知识, 产权, 加强 …) carry no
# evidence about which task continues which; bigrams in at most RARE_SHARE count double.
# The minimum counts keep a handful of tasks from making every bigram "common".
COMMON_BIGRAM_SHARE = 0.10
COMMON_BIGRAM_MIN_TASKS = 5
RARE_BIGRAM_SHARE = 0.01
RARE_BIGRAM_MIN_TASKS = 2
_SYMBOL_BASE = 0x100  # overlap symbols are code points from here on (any code point is fine)


def drop_generic_anchors(anchors: list[tuple[str, ...]], n_plans: int) -> list[tuple[str, ...]]:
    """Anchors named by more than GENERIC_ANCHOR_PER_PLAN tasks per plan on average (slogans
    such as “放管服”) identify no single line of work; a recurring campaign appears about once a plan."""
    counts: dict[str, int] = {}
    for row in anchors:
        for anchor in row:
            counts[anchor] = counts.get(anchor, 0) + 1
    generic = {a for a, c in counts.items() if c > GENERIC_ANCHOR_PER_PLAN * max(1, n_plans)}
    return [tuple(a for a in row if a not in generic) for row in anchors]


@dataclass(frozen=True)
class TaskFeatures:
    tasks: pd.DataFrame  # the input, sorted by plan order and position, index 0..n-1
    plans: pd.DataFrame  # one row per plan in chain order: plan_id, period_start, period_end, n_tasks, partial
    plan_index: np.ndarray  # row → position of its plan in `plans`
    text: np.ndarray  # object array of normalised texts
    truncated: np.ndarray
    # Each task's informative bigrams as a sorted string of distinct symbols (a rare bigram
    # contributes two). The LCS of two such strings is their weighted intersection, so the
    # rapidfuzz Indel kernel measures content overlap at edit-distance speed.
    overlap_symbols: np.ndarray
    overlap_weight: np.ndarray  # = len(overlap_symbols)
    bigrams: sp.csr_matrix  # the same weights as a sparse matrix, for n-gram blocking
    department_bits: np.ndarray  # uint64 words, one bit per department line
    department_byte_weights: np.ndarray  # [word*8 + byte, 256] → idf sum of the set bits
    department_weight: np.ndarray  # Σ idf of the task's lines
    lead_department: np.ndarray  # code of the first known line, -1 if none
    anchors: list[tuple[str, ...]]
    searchable_anchors: list[tuple[str, ...]]  # anchors long enough to look for in another task's text
    anchor_bits: np.ndarray  # uint64 Bloom signature of the anchors
    related_anchor_bits: np.ndarray  # signature of every anchor related to the task's anchors
    related_anchors: dict[str, frozenset[str]]
    section_code: np.ndarray  # row → index into `section_similarity`
    section_similarity: np.ndarray  # 0–1, distinct section titles × distinct section titles
    section_rank: np.ndarray  # 1-based order of the task inside its section
    section_size: np.ndarray  # number of tasks in the task's section
    relative_position: np.ndarray  # position / plan size; NaN for partial plans
    plan_share: np.ndarray  # position / plan size for every plan (for sorted-neighbourhood blocking)

    @property
    def size(self) -> int:
        return len(self.tasks)


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
    text = np.array([normalize_text(t) for t in ordered["text"]] + [None], dtype=object)[:-1]
    bigrams, symbols = weighted_bigrams(list(text))
    bits, byte_weights, weight, lead = department_signatures(ordered["lineage_ids"])
    anchors = drop_generic_anchors(
        [task_anchors(t, c) for t, c in zip(ordered["text"], ordered["cited_titles"])], len(plans)
    )
    related = related_anchor_map(anchors)
    share = ordered["position"].to_numpy(np.float64) / plans["n_tasks"].to_numpy()[plan_index]
    section_code, section_similarity = section_features(ordered["section_title"])
    return TaskFeatures(
        tasks=ordered, plans=plans, plan_index=plan_index, text=text,
        truncated=ordered["truncated"].to_numpy(dtype=bool),
        overlap_symbols=symbols, overlap_weight=np.fromiter(map(len, symbols), np.int64, len(symbols)),
        bigrams=bigrams, department_bits=bits, department_byte_weights=byte_weights,
        department_weight=weight, lead_department=lead,
        anchors=anchors, anchor_bits=anchor_signatures(anchors),
        searchable_anchors=[tuple(a for a in row if len(a) >= MIN_SEARCHED_ANCHOR_CHARS) for row in anchors],
        related_anchor_bits=anchor_signatures([tuple(_related(a, related)) for a in anchors]),
        related_anchors=related, section_code=section_code, section_similarity=section_similarity,
        section_rank=ordered.groupby(["plan_id", "section_path"], sort=False).cumcount().to_numpy() + 1,
        section_size=ordered.groupby(["plan_id", "section_path"], sort=False)["task_key"].transform("size").to_numpy(),
        relative_position=np.where(plans["partial"].to_numpy()[plan_index], np.nan, share),
        plan_share=share,
    )


def _related(anchors: tuple[str, ...], related: dict[str, frozenset[str]]) -> set[str]:
    return {r for a in anchors for r in related.get(a, ())}


def weighted_bigrams(texts: list[str]) -> tuple[sp.csr_matrix, np.ndarray]:
    """Informative character bigrams per text: weight 0 (common), 1, or 2 (rare)."""
    presence = bigram_presence(texts)
    df = np.bincount(presence.indices, minlength=presence.shape[1])
    common = max(COMMON_BIGRAM_MIN_TASKS, COMMON_BIGRAM_SHARE * len(texts))
    rare = max(RARE_BIGRAM_MIN_TASKS, RARE_BIGRAM_SHARE * len(texts))
    column_weight = np.where(df > common, 0, np.where(df > rare, 1, 2))
    weighted = sp.csr_matrix(presence.multiply(column_weight[np.newaxis, :].astype(np.float32)))
    weighted.eliminate_zeros()
    return weighted, overlap_strings(weighted)


def bigram_presence(texts: list[str]) -> sp.csr_matrix:
    """Binary text × bigram matrix, built with numpy on code points (no Python loop per bigram)."""
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
    return presence


def overlap_strings(weighted: sp.csr_matrix) -> np.ndarray:
    """Sorted distinct symbols per row; a weight-2 bigram becomes two symbols (2c, 2c+1).
    Built for all rows at once: one code-point array, decoded once, sliced per row."""
    weighted = sp.csr_matrix(weighted)
    weighted.sort_indices()
    doubled = weighted.data > 1
    repeats = np.where(doubled, 2, 1)
    symbols = np.repeat(2 * weighted.indices.astype(np.int64), repeats)
    second = np.cumsum(repeats) - 1  # where each doubled entry's second symbol lands
    symbols[second[doubled]] += 1
    symbols += _SYMBOL_BASE
    row_of_entry = np.repeat(np.arange(weighted.shape[0]), np.diff(weighted.indptr))
    row_lengths = np.bincount(row_of_entry, weights=repeats, minlength=weighted.shape[0]).astype(np.int64)
    text = symbols.astype(np.uint32).tobytes().decode("utf-32-le", errors="surrogatepass")
    bounds = np.concatenate([[0], np.cumsum(row_lengths)])
    out = np.empty(weighted.shape[0], dtype=object)
    out[:] = [text[a:b] for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist())]
    return out


def department_signatures(lineage_ids: pd.Series):
    """Department lines as bit sets with idf weights, so a rare shared line counts more."""
    rows = [dict.fromkeys(i for i in (ids if ids is not None else ()) if isinstance(i, str) and i)
            for ids in lineage_ids]
    vocabulary = {name: c for c, name in enumerate(dict.fromkeys(n for r in rows for n in r))}
    words = max(1, -(-len(vocabulary) // 64))
    bits = np.zeros((len(rows), words), dtype=np.uint64)
    df = np.zeros(len(vocabulary), dtype=np.int64)
    lead = np.full(len(rows), -1, dtype=np.int64)
    for r, names in enumerate(rows):
        for position, name in enumerate(names):
            code = vocabulary[name]
            bits[r, code // 64] |= np.uint64(1) << np.uint64(code % 64)
            df[code] += 1
            if position == 0:
                lead[r] = code
    idf = np.log((1 + len(rows)) / (1 + df)) + 1.0
    byte_weights = np.zeros((words * 8, 256), dtype=np.float64)
    for code, weight in enumerate(idf):
        byte, bit = divmod(code, 8)
        byte_weights[byte, (np.arange(256) >> bit) & 1 == 1] += weight
    return bits, byte_weights, weighted_popcount(bits, byte_weights), lead


def weighted_popcount(bits: np.ndarray, byte_weights: np.ndarray) -> np.ndarray:
    """Σ weight of the set bits per row, by table look-up on each byte."""
    # An explicit width: reshape(0, -1) is ambiguous and fails on an empty selection of rows.
    as_bytes = bits.view(np.uint8).reshape(len(bits), bits.shape[1] * 8)
    return byte_weights[np.arange(as_bytes.shape[1]), as_bytes].sum(axis=1)


def anchor_signatures(anchor_sets: list) -> np.ndarray:
    """A 64-bit Bloom signature per task; disjoint signatures prove disjoint anchor sets."""
    signature = np.zeros(len(anchor_sets), dtype=np.uint64)
    for row, anchors in enumerate(anchor_sets):
        value = 0
        for anchor in anchors:
            value |= 1 << (_stable_hash(anchor) % 64)
        signature[row] = value
    return signature


def _stable_hash(text: str) -> int:
    # Python's hash() is salted per process; a fixed hash keeps runs reproducible.
    value = 2166136261
    for char in text:
        value = ((value ^ ord(char)) * 16777619) & 0xFFFFFFFF
    return value


def related_anchor_map(anchors: list[tuple[str, ...]]) -> dict[str, frozenset[str]]:
    """Related anchors: one is a prefix of the other (著作权法 → 著作权法实施条例), or both
    share a 6-character stem and read alike (生物遗传资源获取管理条例 ~ …与惠益分享管理条例)."""
    names = sorted({a for row in anchors for a in row})
    related: dict[str, set[str]] = {}

    def relate(a: str, b: str) -> None:
        related.setdefault(a, set()).add(b)
        related.setdefault(b, set()).add(a)

    for i, anchor in enumerate(names):
        if len(anchor) < MIN_SEARCHED_ANCHOR_CHARS:
            continue
        # Every anchor that starts with `anchor` sits right after it in sorted order.
        end = bisect.bisect_left(names, anchor + "\U0010ffff", lo=i + 1)
        for j in range(i + 1, end):
            relate(anchor, names[j])
    stems: dict[str, list[str]] = {}
    for anchor in names:
        if len(anchor) >= RELATED_PREFIX_CHARS:
            stems.setdefault(anchor[:RELATED_PREFIX_CHARS], []).append(anchor)
    for group in stems.values():
        if len(group) > 1:
            close = process.cdist(group, group, scorer=fuzz.ratio, score_cutoff=RELATED_TITLE_RATIO)
            for a, b in zip(*np.nonzero(close)):
                if a < b:
                    relate(group[a], group[b])
    return {a: frozenset(r) for a, r in related.items()}


def split_section_title(title: str) -> tuple[str, str]:
    level1, _, level2 = (title or "").partition(" / ")
    return normalize_text(level1), normalize_text(level2)


def section_features(section_titles: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Similarity of section headings: the better of level-1 vs level-1 and level-2 vs level-2."""
    codes, distinct = pd.factorize(section_titles.fillna(""), sort=False)
    parts = [split_section_title(t) for t in distinct]
    level1 = [p[0] for p in parts]
    level2 = [p[1] for p in parts]
    sim1 = _title_similarity(level1)
    sim2 = _title_similarity(level2)
    return codes.astype(np.int64), np.maximum(sim1, sim2)


def _title_similarity(titles: list[str]) -> np.ndarray:
    similarity = process.cdist(titles, titles, scorer=fuzz.ratio, dtype=np.float32) / 100.0
    empty = np.array([not t for t in titles], dtype=bool)
    similarity[empty, :] = 0.0  # two missing headings are not similar headings
    similarity[:, empty] = 0.0
    return similarity
