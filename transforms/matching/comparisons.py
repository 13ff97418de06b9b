"""Comparison signals for candidate pairs, and the levels the scoring model reads.

`compare` turns pairs (left = earlier task row, right = later task row) into one
column per signal. `COMPARISONS` declares, Splink style, how each signal is cut into
ordered levels: a null level first (the evidence is missing: no department clause,
a partial plan), an else level last. The m value of a level is P(level | the later
task continues the earlier one) among pairs where the evidence exists; see scoring.py.
Pairs and signals are columns of numpy arrays (pairs.py); a DataFrame works as well.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from transforms.matching.features import TaskFeatures, weighted_popcount
from transforms.matching.pairs import Pairs, with_columns

RATIO_MIN_OVERLAP = 0.5
SIGNAL_COLUMNS = (
    "text_ratio", "text_overlap", "text_containment", "text_specific", "anchor_match", "anchor_specific",
    "department_overlap", "lead_department", "section_similarity", "section_rank_gap", "order_window",
    "order_inside", "years_apart",
)
# Continuations a year apart and several years apart differ (texts drift, departments move
# with reforms): m is declared for both (comparisons below); a pair in between mixes the two.
FAR_YEARS = 4
# anchor_match values
ANCHOR_EXACT, ANCHOR_RELATED, ANCHOR_MENTION, ANCHOR_ONE_SIDED, ANCHOR_DISJOINT = 1.0, 0.75, 0.5, 0.25, 0.0


def compare(features: TaskFeatures, pairs: Pairs, workers: int = -1) -> Pairs:
    """Signals for each pair: `pairs` plus one float column per signal (NaN = unknown)."""
    left = np.asarray(pairs["left"], dtype=np.int64)
    right = np.asarray(pairs["right"], dtype=np.int64)
    gap = np.asarray(pairs["is_gap"], dtype=bool) if "is_gap" in pairs else np.zeros(len(left), dtype=bool)
    signals = text_signals(features, left, right, workers)
    match, specific = anchor_match(features, left, right)
    section = features.section_similarity[features.section_code[left], features.section_code[right]]
    starts = features.plans["period_start"].to_numpy(np.float64)
    return with_columns(
        {name: np.asarray(values) for name, values in pairs.items()}, **signals,
        anchor_match=match, anchor_specific=specific,
        department_overlap=department_overlap(features, left, right),
        lead_department=lead_department(features, left, right),
        # A task back after an absence is re-inserted wherever the new plan puts it, under whatever
        # heading the plan now uses: sections compare neighbouring plans only.
        section_similarity=np.where(gap, np.nan, section), section_rank_gap=section_rank_gap(features, left, right),
        years_apart=starts[features.plan_index[right]] - starts[features.plan_index[left]],
        # Filled in by order.py once the step's confident links are known (step.decide_step).
        order_window=np.full(len(left), np.nan), order_inside=np.full(len(left), np.nan),
    )


def text_signals(features: TaskFeatures, left: np.ndarray, right: np.ndarray, workers: int) -> dict:
    """Shared informative content (overall, and as a share of each side) and edit similarity."""
    shared = shared_bigram_weight(features, left, right, workers)
    weight_left, weight_right = features.overlap_weight[left], features.overlap_weight[right]
    overlap = _safe_divide(2 * shared, weight_left + weight_right)
    # The edit-distance ratio only decides the near-identical level, which texts sharing less
    # than half their informative bigrams cannot reach: it is computed where it can matter.
    truncated = features.truncated[left] | features.truncated[right]
    needed = (overlap >= RATIO_MIN_OVERLAP) | truncated
    ratio = np.full(len(left), np.nan)
    ratio[needed] = text_ratio(features, left[needed], right[needed], workers)
    left_in_right, right_in_left = _safe_divide(shared, weight_left), _safe_divide(shared, weight_right)
    containment = text_containment(features, left, right, left_in_right, right_in_left)
    # Specific content only splits the weak and slight levels of TEXT (overlap 0.06–0.3, not
    # contained): it is counted where it can matter.
    weak = (overlap < 0.3) & (containment < 0.8) & (overlap >= 0.06)
    specific = np.zeros(len(left))
    specific[weak] = shared_specific(features, left[weak], right[weak], workers)
    return {"shared_weight": shared, "text_overlap": overlap, "text_ratio": ratio, "left_in_right": left_in_right,
            "right_in_left": right_in_left, "text_containment": containment, "text_specific": specific}


def section_rank_gap(features: TaskFeatures, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """How many places apart the two tasks sit in their sections, scaled to sections of ten:
    one place in a section of six, or ten places in a section of a hundred, both count as 1."""
    gap = np.abs(features.section_rank[left] - features.section_rank[right]).astype(np.float64)
    size = np.maximum(features.section_size[left], features.section_size[right]).astype(np.float64)
    return gap / np.maximum(1.0, size / 10.0)


def _safe_divide(numerator, denominator) -> np.ndarray:
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    return np.divide(numerator, denominator, out=np.zeros_like(numerator), where=denominator > 0)


def text_ratio(features: TaskFeatures, left: np.ndarray, right: np.ndarray, workers: int) -> np.ndarray:
    """fuzz.ratio of the normalised texts; a truncated task is compared with the
    other task's prefix of the same length, since only its prefix survived."""
    if len(left) == 0:
        return np.zeros(0)
    ratio = process.cpdist(features.text[left], features.text[right], scorer=fuzz.ratio, workers=workers)
    ratio = ratio.astype(np.float64) / 100.0
    for k in np.flatnonzero(features.truncated[left] | features.truncated[right]).tolist():
        a, b = features.text[left[k]], features.text[right[k]]
        keep = min(len(a) if features.truncated[left[k]] else len(b), len(b) if features.truncated[right[k]] else len(a))
        ratio[k] = fuzz.ratio(a[:keep], b[:keep]) / 100.0
    return ratio


def shared_bigram_weight(features: TaskFeatures, left: np.ndarray, right: np.ndarray, workers: int) -> np.ndarray:
    """Weighted count of shared informative bigrams, from the Indel distance of sorted symbol strings."""
    if len(left) == 0:
        return np.zeros(0)
    distance = process.cpdist(
        features.overlap_symbols[left], features.overlap_symbols[right], scorer=Indel.distance, workers=workers
    ).astype(np.float64)
    return (features.overlap_weight[left] + features.overlap_weight[right] - distance) / 2.0


def shared_specific(features: TaskFeatures, left: np.ndarray, right: np.ndarray, workers: int) -> np.ndarray:
    """How many specific bigrams (features.SPECIFIC_BIGRAM_PER_PLAN) the two texts share."""
    if len(left) == 0:
        return np.zeros(0)
    distance = process.cpdist(features.specific_symbols[left], features.specific_symbols[right],
                              scorer=Indel.distance, workers=workers).astype(np.float64)
    return (features.specific_count[left] + features.specific_count[right] - distance) / 2.0


def text_containment(features: TaskFeatures, left, right, left_in_right, right_in_left) -> np.ndarray:
    """Share of one task's content found in the other: of the truncated task if one is
    truncated, otherwise of the lighter task (a split part, a narrowed task)."""
    lighter_left = features.overlap_weight[left] <= features.overlap_weight[right]
    containment = np.where(lighter_left, left_in_right, right_in_left)
    containment = np.where(features.truncated[left] & ~features.truncated[right], left_in_right, containment)
    return np.where(features.truncated[right] & ~features.truncated[left], right_in_left, containment)


def anchor_match(features: TaskFeatures, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Evidence from named anchors (see the ANCHOR_* codes), and whether a shared anchor is
    specific (few tasks name it). Bloom signatures screen the pairs in bulk; only pairs whose
    signatures overlap are checked on the sets themselves."""
    bits_left, bits_right = features.anchor_bits[left], features.anchor_bits[right]
    has_left, has_right = bits_left != 0, bits_right != 0
    result = np.where(has_left & has_right, ANCHOR_DISJOINT, ANCHOR_ONE_SIDED)
    result[~has_left & ~has_right] = np.nan
    specific = np.zeros(len(left))
    anchors, specific_sets = features.anchors, features.specific
    for k in np.flatnonzero((bits_left & bits_right) != 0).tolist():
        shared = set(anchors[left[k]]).intersection(anchors[right[k]])
        if shared:
            result[k] = ANCHOR_EXACT
            specific[k] = bool(shared & (specific_sets[left[k]] | specific_sets[right[k]]))
    # A document named in one task and written without 《》 or quotes in the other.
    mentioned = ((bits_left & features.mentioned_bits[right]) | (features.mentioned_bits[left] & bits_right)) != 0
    for k in np.flatnonzero(mentioned & ~(result >= ANCHOR_EXACT)).tolist():
        a, b = left[k], right[k]
        shared = (features.mentioned[b].intersection(anchors[a])) | (features.mentioned[a].intersection(anchors[b]))
        if shared:
            result[k] = ANCHOR_MENTION
            specific[k] = bool(shared & (specific_sets[a] | specific_sets[b]))
    related = (features.related_anchor_bits[left] & bits_right) != 0
    for k in np.flatnonzero(related & np.isin(result, (ANCHOR_DISJOINT, ANCHOR_ONE_SIDED))).tolist():
        near = {r for a in anchors[left[k]] for r in features.related_anchors.get(a, ())}
        if near.intersection(anchors[right[k]]):
            result[k] = ANCHOR_RELATED
    return result, np.where(np.isnan(result), np.nan, specific)


def department_overlap(features: TaskFeatures, left, right) -> np.ndarray:
    """idf-weighted Jaccard of the department lines; NaN where a task names none (or none is known)."""
    shared = weighted_popcount(
        features.department_bits[left] & features.department_bits[right], features.department_chunk_weights
    )
    union = features.department_weight[left] + features.department_weight[right] - shared
    overlap = _safe_divide(shared, union)
    known = (features.department_weight[left] > 0) & (features.department_weight[right] > 0)
    return np.where(known, overlap, np.nan)


def lead_department(features: TaskFeatures, left, right) -> np.ndarray:
    lead_left, lead_right = features.lead_department[left], features.lead_department[right]
    same = (lead_left == lead_right).astype(np.float64)
    return np.where((lead_left >= 0) & (lead_right >= 0), same, np.nan)


# --- comparison levels ------------------------------------------------------------------

Condition = Callable[[Pairs], np.ndarray]


@dataclass(frozen=True)
class ComparisonLevel:
    label: str
    condition: Condition | None  # None on the else level
    m: float | None  # None on the null level: missing evidence weighs nothing
    is_null: bool = False
    m_far: float | None = None  # m between plans FAR_YEARS or more apart (defaults to m)


@dataclass(frozen=True)
class Comparison:
    name: str
    description: str
    levels: tuple[ComparisonLevel, ...]

    def level_index(self, signals) -> np.ndarray:
        """Index of the first level whose condition holds (the else level if none does)."""
        index = None
        for position in range(len(self.levels) - 2, -1, -1):  # the first level that holds writes last
            holds = np.asarray(self.levels[position].condition(signals), dtype=bool)
            if index is None:
                index = np.full(len(holds), len(self.levels) - 1, dtype=np.int64)
            index[holds] = position
        return index

    @property
    def m(self) -> np.ndarray:
        return np.array([np.nan if level.m is None else level.m for level in self.levels])

    @property
    def m_far(self) -> np.ndarray:
        far = (level.m if level.m_far is None else level.m_far for level in self.levels)
        return np.array([np.nan if m is None else m for m in far])


def _col(signals, column: str) -> np.ndarray:
    return np.asarray(signals[column], dtype=np.float64)


def NullLevel(column: str) -> ComparisonLevel:  # noqa: N802 - reads like a level class
    return ComparisonLevel(f"{column} unknown", lambda s: np.isnan(_col(s, column)), None, True)


def Level(label: str, condition: Condition, m: float, m_far: float | None = None) -> ComparisonLevel:  # noqa: N802
    return ComparisonLevel(label, condition, m, m_far=m_far)


def ElseLevel(m: float, m_far: float | None = None) -> ComparisonLevel:  # noqa: N802
    return ComparisonLevel("else", None, m, m_far=m_far)


def _named(s) -> np.ndarray:
    return np.isin(_col(s, "anchor_match"), (ANCHOR_EXACT, ANCHOR_MENTION))


# m values: P(level | continuation) as measured on the synthetic series (benchmarks/synthetic.py,
# 5 seeds × 8 plans × 100 tasks; `python benchmarks/bench_matching.py --calibrate` prints them),
# for plans a year apart (m) and FAR_YEARS apart (m_far), then shrunk by 20% towards uniform
# over the non-null levels, because real plans several years apart are rewritten and regrouped
# more than any generator does. None was fitted to gold pairs.
TEXT = Comparison("text", "character similarity of the normalised texts", (
    Level("near-identical (ratio ≥ 0.9)", lambda s: _col(s, "text_ratio") >= 0.9, 0.432, 0.09),
    Level("strong overlap (≥ 0.7)", lambda s: _col(s, "text_overlap") >= 0.7, 0.194, 0.176),
    Level("one contained in the other (≥ 0.8)", lambda s: _col(s, "text_containment") >= 0.8, 0.076, 0.148),
    Level("good overlap (≥ 0.5)", lambda s: _col(s, "text_overlap") >= 0.5, 0.052, 0.132),
    Level("moderate overlap (≥ 0.3)", lambda s: _col(s, "text_overlap") >= 0.3, 0.097, 0.196),
    # Below, the overlap alone is common among unrelated pairs of large plans; sharing a
    # specific bigram (one or two lines of work use it) is not.
    Level("weak overlap, specific content shared", lambda s: (_col(s, "text_overlap") >= 0.15)
          & (_col(s, "text_specific") >= 1), 0.044, 0.122),
    Level("weak overlap (≥ 0.15)", lambda s: _col(s, "text_overlap") >= 0.15, 0.021, 0.022),
    Level("slight overlap, specific content shared", lambda s: (_col(s, "text_overlap") >= 0.06)
          & (_col(s, "text_specific") >= 1), 0.024, 0.04),
    Level("slight overlap (≥ 0.06)", lambda s: _col(s, "text_overlap") >= 0.06, 0.023, 0.027),
    ElseLevel(0.038, 0.046),
))
ANCHORS = Comparison("anchors", "shared laws, 《》 titles and quoted campaign names", (
    NullLevel("anchor_match"),
    # Naming a document in plain text (专利法第四次修订) refers to it as surely as 《专利法》; one
    # that few tasks name (a law is revised by one task a year) says more than a common one.
    Level("same specific document named", lambda s: _named(s) & (_col(s, "anchor_specific") == 1), 0.668, 0.577),
    Level("same document named", _named, 0.124, 0.111),
    Level("related document", lambda s: _col(s, "anchor_match") == ANCHOR_RELATED, 0.045, 0.063),
    Level("documents on one side only", lambda s: _col(s, "anchor_match") == ANCHOR_ONE_SIDED, 0.121, 0.199),
    ElseLevel(0.042, 0.051),
))
# Overlap and lead in one comparison: they are not independent evidence.
DEPARTMENTS = Comparison("departments", "idf-weighted overlap of department lines and the lead line", (
    NullLevel("department_overlap"),
    Level("same lines (≥ 0.95)", lambda s: _col(s, "department_overlap") >= 0.95, 0.642, 0.341),
    Level("same lead, mostly the same", lambda s: (_col(s, "lead_department") == 1.0)
          & (_col(s, "department_overlap") >= 0.5), 0.143, 0.217),
    Level("same lead", lambda s: _col(s, "lead_department") == 1.0, 0.095, 0.23),
    Level("mostly the same (≥ 0.5)", lambda s: _col(s, "department_overlap") >= 0.5, 0.048, 0.099),
    Level("some shared", lambda s: _col(s, "department_overlap") > 0, 0.038, 0.077),
    ElseLevel(0.033, 0.037),
))
# Context m values are those of a plan that keeps its heading scheme (measured on the synthetic
# series without regrouping); scoring.py mixes them with u when a plan was regrouped.
SECTION = Comparison("section", "similar section headings and place inside the section", (
    NullLevel("section_similarity"),
    Level("similar section, same place", lambda s: (_col(s, "section_similarity") >= 0.75)
          & (_col(s, "section_rank_gap") <= 1), 0.755, 0.473),
    Level("similar section", lambda s: _col(s, "section_similarity") >= 0.75, 0.11, 0.365),
    Level("related section, same place", lambda s: (_col(s, "section_similarity") >= 0.45)
          & (_col(s, "section_rank_gap") <= 1), 0.04, 0.041),
    Level("related section", lambda s: _col(s, "section_similarity") >= 0.45, 0.042, 0.043),
    ElseLevel(0.052, 0.078),
))
# Relative position in the plan was a comparison too; it counted "same place" a second time next
# to the section rank (and a third next to order evidence) and is left out.
COMPARISONS: tuple[Comparison, ...] = (TEXT, ANCHORS, DEPARTMENTS, SECTION)


def comparison_levels(signals, comparisons=COMPARISONS) -> dict[str, np.ndarray]:
    """One integer array `gamma_<name>` per comparison: the level each pair falls in."""
    return {f"gamma_{c.name}": c.level_index(signals) for c in comparisons}
