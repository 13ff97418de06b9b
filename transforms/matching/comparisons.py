"""Comparison signals for candidate pairs, and the levels the scoring model reads.

`compare` turns pairs (left = earlier task row, right = later task row) into one
column per signal. `COMPARISONS` declares, Splink style, how each signal is cut into
ordered levels: a null level first (the evidence is missing: no department clause,
a partial plan), an else level last. The m value of a level is P(level | the later
task continues the earlier one) among pairs where the evidence exists; see scoring.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from transforms.matching.features import TaskFeatures, weighted_popcount

RATIO_MIN_OVERLAP = 0.5
SIGNAL_COLUMNS = (
    "text_ratio", "text_overlap", "text_containment", "anchor_match", "department_overlap",
    "lead_department", "section_similarity", "section_rank_gap", "position_gap",
)
# anchor_match values
ANCHOR_EXACT, ANCHOR_RELATED, ANCHOR_MENTION, ANCHOR_ONE_SIDED, ANCHOR_DISJOINT = 1.0, 0.75, 0.5, 0.25, 0.0
MENTION_MIN_CONTAINMENT = 0.05  # a mention needs shared informative bigrams; skip the string search otherwise


def compare(features: TaskFeatures, pairs: pd.DataFrame, workers: int = -1) -> pd.DataFrame:
    """Signals for each pair; returns `pairs` with one float column per signal (NaN = unknown)."""
    left = pairs["left"].to_numpy(np.int64)
    right = pairs["right"].to_numpy(np.int64)
    out = pairs.copy()
    shared = shared_bigram_weight(features, left, right, workers)
    weight_left, weight_right = features.overlap_weight[left], features.overlap_weight[right]
    out["shared_weight"] = shared
    out["text_overlap"] = _safe_divide(2 * shared, weight_left + weight_right)
    # The edit-distance ratio only decides the near-identical level, which texts sharing less
    # than half their rare content cannot reach: it is computed where it can matter.
    needed = (out["text_overlap"].to_numpy() >= RATIO_MIN_OVERLAP) | features.truncated[left] | features.truncated[right]
    ratio = np.full(len(pairs), np.nan)
    ratio[needed] = text_ratio(features, left[needed], right[needed], workers)
    out["text_ratio"] = ratio
    out["left_in_right"] = _safe_divide(shared, weight_left)
    out["right_in_left"] = _safe_divide(shared, weight_right)
    out["text_containment"] = text_containment(features, left, right, out)
    out["anchor_match"] = anchor_match(features, left, right, out["text_containment"].to_numpy())
    out["department_overlap"] = department_overlap(features, left, right)
    out["lead_department"] = lead_department(features, left, right)
    similarity = features.section_similarity[features.section_code[left], features.section_code[right]]
    out["section_similarity"] = similarity.astype(np.float64)
    out["section_rank_gap"] = section_rank_gap(features, left, right)
    position_gap = np.abs(features.relative_position[left] - features.relative_position[right])
    # A task back after an absence is re-inserted wherever the new plan puts it: position
    # compares neighbouring plans only.
    gap_pair = pairs["is_gap"].to_numpy(bool) if "is_gap" in pairs else np.zeros(len(pairs), bool)
    out["position_gap"] = np.where(gap_pair, np.nan, position_gap)
    return out


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
    cut = np.flatnonzero(features.truncated[left] | features.truncated[right])
    for k in cut:
        a, b = features.text[left[k]], features.text[right[k]]
        keep = min(len(a) if features.truncated[left[k]] else len(b), len(b) if features.truncated[right[k]] else len(a))
        ratio[k] = fuzz.ratio(a[:keep], b[:keep]) / 100.0
    return ratio


def shared_bigram_weight(features: TaskFeatures, left: np.ndarray, right: np.ndarray, workers: int) -> np.ndarray:
    """Weighted count of shared informative bigrams, from the Indel distance of sorted symbol strings."""
    distance = process.cpdist(
        features.overlap_symbols[left], features.overlap_symbols[right], scorer=Indel.distance, workers=workers
    ).astype(np.float64)
    return (features.overlap_weight[left] + features.overlap_weight[right] - distance) / 2.0


def text_containment(features: TaskFeatures, left, right, signals: pd.DataFrame) -> np.ndarray:
    """Share of one task's content found in the other: of the truncated task if one is
    truncated, otherwise of the lighter task (a split part, a narrowed task)."""
    left_in_right = signals["left_in_right"].to_numpy()
    right_in_left = signals["right_in_left"].to_numpy()
    lighter_left = features.overlap_weight[left] <= features.overlap_weight[right]
    containment = np.where(lighter_left, left_in_right, right_in_left)
    containment = np.where(features.truncated[left] & ~features.truncated[right], left_in_right, containment)
    return np.where(features.truncated[right] & ~features.truncated[left], right_in_left, containment)


def anchor_match(features: TaskFeatures, left, right, containment: np.ndarray) -> np.ndarray:
    """Evidence from named anchors (《》 titles, quoted campaign names); see the ANCHOR_* codes."""
    has_left = features.anchor_bits[left] != 0
    has_right = features.anchor_bits[right] != 0
    result = np.where(has_left & has_right, ANCHOR_DISJOINT, ANCHOR_ONE_SIDED)
    result[~has_left & ~has_right] = np.nan
    maybe_exact = np.flatnonzero((features.anchor_bits[left] & features.anchor_bits[right]) != 0)
    for k in maybe_exact:
        if set(features.anchors[left[k]]) & set(features.anchors[right[k]]):
            result[k] = ANCHOR_EXACT
    maybe_related = (features.related_anchor_bits[left] & features.anchor_bits[right]) != 0
    for k in np.flatnonzero(maybe_related & (result < ANCHOR_RELATED)):
        related = {r for a in features.anchors[left[k]] for r in features.related_anchors.get(a, ())}
        if related & set(features.anchors[right[k]]):
            result[k] = ANCHOR_RELATED
    # A document named without 《》 (a difference of style between plans): searched for only
    # where the texts share some rare content, since a mention implies shared bigrams.
    searchable = (has_left | has_right) & (result < ANCHOR_MENTION) & (containment >= MENTION_MIN_CONTAINMENT)
    for k in np.flatnonzero(searchable)[_mentioned(features, left[searchable], right[searchable])]:
        result[k] = ANCHOR_MENTION
    return result


def _mentioned(features: TaskFeatures, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Per pair: does either task name one of the other's anchors in its plain text?"""
    texts, searchable = features.text, features.searchable_anchors
    found = np.zeros(len(left), dtype=bool)
    for k, (a, b) in enumerate(zip(left.tolist(), right.tolist())):
        text_a, text_b = texts[a], texts[b]
        found[k] = any(x in text_b for x in searchable[a]) or any(x in text_a for x in searchable[b])
    return found


def department_overlap(features: TaskFeatures, left, right) -> np.ndarray:
    """idf-weighted Jaccard of the department lines; NaN where a task names none (or none is known)."""
    shared = weighted_popcount(
        features.department_bits[left] & features.department_bits[right], features.department_byte_weights
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

Condition = Callable[[pd.DataFrame], np.ndarray]


@dataclass(frozen=True)
class ComparisonLevel:
    label: str
    condition: Condition | None  # None on the else level
    m: float | None  # None on the null level: missing evidence weighs nothing
    is_null: bool = False


@dataclass(frozen=True)
class Comparison:
    name: str
    description: str
    levels: tuple[ComparisonLevel, ...]

    def level_index(self, signals: pd.DataFrame) -> np.ndarray:
        """Index of the first level whose condition holds (the else level if none does)."""
        conditions = [np.asarray(level.condition(signals), dtype=bool) for level in self.levels[:-1]]
        return np.select(conditions, list(range(len(conditions))), default=len(self.levels) - 1)

    @property
    def m(self) -> np.ndarray:
        return np.array([np.nan if level.m is None else level.m for level in self.levels])


def NullLevel(column: str) -> ComparisonLevel:  # noqa: N802 - reads like a level class
    return ComparisonLevel(f"{column} unknown", lambda s: s[column].isna().to_numpy(), None, True)


def Level(label: str, condition: Condition, m: float) -> ComparisonLevel:  # noqa: N802
    return ComparisonLevel(label, condition, m)


def ElseLevel(m: float) -> ComparisonLevel:  # noqa: N802
    return ComparisonLevel("else", None, m)


def _col(signals: pd.DataFrame, column: str) -> np.ndarray:
    return signals[column].to_numpy(dtype=np.float64)


# m values: P(level | continuation) as measured on the synthetic series (benchmarks/synthetic.py,
# 5 seeds × 8 plans × 100 tasks; `python benchmarks/bench_matching.py --calibrate` prints them),
# then shrunk by 20% towards uniform over the non-null levels, because real plans several years
# apart are rewritten and regrouped more than any generator does. None was fitted to gold pairs.
TEXT = Comparison("text", "character similarity of the normalised texts", (
    Level("near-identical (ratio ≥ 0.9)", lambda s: _col(s, "text_ratio") >= 0.9, 0.41),
    Level("strong overlap (≥ 0.7)", lambda s: _col(s, "text_overlap") >= 0.7, 0.23),
    Level("one contained in the other (≥ 0.8)", lambda s: _col(s, "text_containment") >= 0.8, 0.08),
    Level("good overlap (≥ 0.5)", lambda s: _col(s, "text_overlap") >= 0.5, 0.075),
    Level("moderate overlap (≥ 0.3)", lambda s: _col(s, "text_overlap") >= 0.3, 0.065),
    Level("weak overlap (≥ 0.15)", lambda s: _col(s, "text_overlap") >= 0.15, 0.05),
    Level("slight overlap (≥ 0.06)", lambda s: _col(s, "text_overlap") >= 0.06, 0.035),
    ElseLevel(0.055),
))
ANCHORS = Comparison("anchors", "shared 《》 titles and quoted campaign names", (
    NullLevel("anchor_match"),
    # Naming a document in plain text (专利法第四次修订) refers to it as surely as 《专利法》.
    Level("same document named", lambda s: np.isin(_col(s, "anchor_match"), (ANCHOR_EXACT, ANCHOR_MENTION)), 0.72),
    Level("related document", lambda s: _col(s, "anchor_match") == ANCHOR_RELATED, 0.085),
    Level("documents on one side only", lambda s: _col(s, "anchor_match") == ANCHOR_ONE_SIDED, 0.13),
    ElseLevel(0.065),
))
# Overlap and lead in one comparison: they are not independent evidence.
DEPARTMENTS = Comparison("departments", "idf-weighted overlap of department lines and the lead line", (
    NullLevel("department_overlap"),
    Level("same lines (≥ 0.95)", lambda s: _col(s, "department_overlap") >= 0.95, 0.615),
    Level("same lead, mostly the same", lambda s: (_col(s, "lead_department") == 1.0)
          & (_col(s, "department_overlap") >= 0.5), 0.16),
    Level("same lead", lambda s: _col(s, "lead_department") == 1.0, 0.095),
    Level("mostly the same (≥ 0.5)", lambda s: _col(s, "department_overlap") >= 0.5, 0.055),
    Level("some shared", lambda s: _col(s, "department_overlap") > 0, 0.04),
    ElseLevel(0.035),
))
# Context m values are those of a plan that keeps its heading scheme (measured on the synthetic
# series without regrouping); scoring.py mixes them with u when a plan was regrouped.
SECTION = Comparison("section", "similar section headings and place inside the section", (
    NullLevel("section_similarity"),
    Level("similar section, same place", lambda s: (_col(s, "section_similarity") >= 0.75)
          & (_col(s, "section_rank_gap") <= 1), 0.715),
    Level("similar section", lambda s: _col(s, "section_similarity") >= 0.75, 0.15),
    Level("related section, same place", lambda s: (_col(s, "section_similarity") >= 0.45)
          & (_col(s, "section_rank_gap") <= 1), 0.04),
    Level("related section", lambda s: _col(s, "section_similarity") >= 0.45, 0.045),
    ElseLevel(0.05),
))
POSITION = Comparison("position", "relative position in two complete plans", (
    NullLevel("position_gap"),
    Level("≤ 2% apart", lambda s: _col(s, "position_gap") <= 0.02, 0.57),
    Level("≤ 6% apart", lambda s: _col(s, "position_gap") <= 0.06, 0.30),
    Level("≤ 15% apart", lambda s: _col(s, "position_gap") <= 0.15, 0.065),
    ElseLevel(0.065),
))
COMPARISONS: tuple[Comparison, ...] = (TEXT, ANCHORS, DEPARTMENTS, SECTION, POSITION)


def comparison_levels(signals: pd.DataFrame, comparisons=COMPARISONS) -> pd.DataFrame:
    """One integer column `gamma_<name>` per comparison: the level each pair falls in."""
    return pd.DataFrame(
        {f"gamma_{c.name}": c.level_index(signals) for c in comparisons}, index=signals.index
    )
