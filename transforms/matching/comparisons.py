"""Comparisons: for each candidate pair, the level of every comparison declared in spec.toml.

Each `[[comparison]]` of the spec has a function of the same name here (registered in
`COMPARISON_FUNCTIONS`) that returns, per pair, the index of the first level that holds, or -1
where the evidence is missing (a task naming no document, no department clause): the null level,
which weighs nothing. The functions also return the signals behind their levels, which travel
with the pair into the links table and `ipplans explain`. Adding a comparison is one spec entry
and one function. Pairs are columns of numpy arrays (pairs.py): left = earlier task row,
right = later task row.
"""

from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from transforms.matching.features import TaskFeatures
from transforms.matching.pairs import Pairs, with_columns

SIGNAL_COLUMNS = ("text_ratio", "text_overlap", "text_containment", "shared_phrases", "shared_documents", "department_overlap",
                  "lead_department", "years_apart", "complete_plans_skipped")
NULL = -1
_PAIR_CHUNK = 1 << 18  # pairs per sparse gather: bounds memory, not a tuning number


def compare(features: TaskFeatures, pairs: Pairs, spec) -> Pairs:
    """`pairs` plus gamma_<name> (level index, -1 null) per comparison and every signal."""
    left = np.asarray(pairs["left"], dtype=np.int64)
    right = np.asarray(pairs["right"], dtype=np.int64)
    starts = features.plans["period_start"].to_numpy(np.float64)
    out = {name: np.asarray(values) for name, values in pairs.items()}
    out["years_apart"] = starts[features.plan_index[right]] - starts[features.plan_index[left]]
    out.setdefault("complete_plans_skipped", np.zeros(len(left)))
    for entry in spec["comparison"]:
        level, signals = COMPARISON_FUNCTIONS[entry["name"]](features, left, right, entry, spec)
        out = with_columns(out, **signals, **{f"gamma_{entry['name']}": level})
    return out


def text(features: TaskFeatures, left, right, entry, spec) -> tuple[np.ndarray, dict]:
    """Informative-bigram overlap (Dice), containment of the lighter (or truncated) text in the other,
    fuzz.ratio where it can reach the near-identical level, and the specific phrases both write."""
    workers = spec["runtime"]["workers"]
    shared = shared_bigram_weight(features, left, right, workers)
    weight_left, weight_right = features.overlap_weight[left], features.overlap_weight[right]
    overlap = _divide(2 * shared, weight_left + weight_right)
    left_in_right, right_in_left = _divide(shared, weight_left), _divide(shared, weight_right)
    lighter_left = weight_left <= weight_right
    containment = np.where(lighter_left, left_in_right, right_in_left)
    # Only the prefix of a truncated task survived: it is the side whose content counts.
    containment = np.where(features.truncated[left] & ~features.truncated[right], left_in_right, containment)
    containment = np.where(features.truncated[right] & ~features.truncated[left], right_in_left, containment)
    needed = (overlap >= spec["text"]["ratio_min_overlap"]) | features.truncated[left] | features.truncated[right]
    ratio = np.full(len(left), np.nan)
    ratio[needed] = text_ratio(features, left[needed], right[needed], workers)
    phrases = shared_phrases(features, left, right)
    phrase, cuts = phrases > 0, entry["cuts"]
    conditions = [np.nan_to_num(ratio) >= cuts["near_identical_ratio"], overlap >= cuts["strong"],
                  containment >= cuts["contained"], phrase & (overlap >= cuts["good"]), overlap >= cuts["good"],
                  phrase & (overlap >= cuts["moderate"]), overlap >= cuts["moderate"],
                  phrase & (overlap >= cuts["slight"]), overlap >= cuts["weak"], overlap >= cuts["slight"]]
    return first_level(conditions, len(left)), {
        "text_ratio": ratio, "text_overlap": overlap, "text_containment": containment, "shared_weight": shared,
        "shared_phrases": phrases,
        "left_in_right": left_in_right, "right_in_left": right_in_left}


def documents(features: TaskFeatures, left, right, entry, spec) -> tuple[np.ndarray, dict]:
    """Shared named documents: a specific one, any one, related ones; only one task naming any; or
    none in common although both name some (null: neither names a document).
    Bloom signatures screen the pairs in bulk; only overlapping signatures are checked on the sets."""
    bits_left, bits_right = features.document_bits[left], features.document_bits[right]
    both, either = (bits_left != 0) & (bits_right != 0), (bits_left != 0) | (bits_right != 0)
    level = np.where(both, 4, np.where(either, 3, NULL)).astype(np.int64)
    shared_count = np.zeros(len(left))
    names, specific, related = features.documents, features.specific, features.related
    for k in np.flatnonzero((bits_left & bits_right) != 0).tolist():
        shared = names[left[k]] & names[right[k]]
        if shared:
            shared_count[k] = len(shared)
            level[k] = 0 if shared & (specific[left[k]] | specific[right[k]]) else 1
    maybe_related = ((features.related_bits[left] & bits_right) != 0) & (level == 4)
    for k in np.flatnonzero(maybe_related).tolist():
        near = {r for n in names[left[k]] for r in related.get(n, ())}
        if near & names[right[k]]:
            level[k] = 2
    return level, {"shared_documents": shared_count}


def departments(features: TaskFeatures, left, right, entry, spec) -> tuple[np.ndarray, dict]:
    """Department lines (present-day lines: a rename along the reform lineage agrees): the same lead
    line; the same lines under another lead (the lead and a co-department swapped places); some line
    in common; none."""
    common = np.bitwise_count(features.department_bits[left] & features.department_bits[right]).sum(axis=1)
    same_lines = (common == features.department_weight[left]) & (common == features.department_weight[right])
    lead_left, lead_right = features.lead_department[left], features.lead_department[right]
    known = (lead_left >= 0) & (lead_right >= 0)
    same_lead = known & (lead_left == lead_right)
    shared = common > 0
    level = first_level([same_lead, same_lines, shared], len(left))
    return np.where(known, level, NULL), {
        "department_overlap": np.where(known, shared.astype(np.float64), np.nan),
        "lead_department": np.where(known, same_lead.astype(np.float64), np.nan)}


COMPARISON_FUNCTIONS = {"text": text, "documents": documents, "departments": departments}


def first_level(conditions: list[np.ndarray], size: int) -> np.ndarray:
    """Index of the first condition that holds, len(conditions) (the else level) if none does."""
    level = np.full(size, len(conditions), dtype=np.int64)
    for index in range(len(conditions) - 1, -1, -1):
        level[np.asarray(conditions[index], dtype=bool)] = index
    return level


def _divide(numerator, denominator) -> np.ndarray:
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    return np.divide(numerator, denominator, out=np.zeros_like(numerator), where=denominator > 0)


def text_ratio(features: TaskFeatures, left: np.ndarray, right: np.ndarray, workers: int = -1) -> np.ndarray:
    """fuzz.ratio of the normalised texts (0–1); a truncated task is compared with the other task's
    prefix of the same length, since only its prefix survived."""
    if len(left) == 0:
        return np.zeros(0)
    ratio = process.cpdist(features.text[left], features.text[right], scorer=fuzz.ratio, workers=workers) / 100.0
    ratio = ratio.astype(np.float64)
    for k in np.flatnonzero(features.truncated[left] | features.truncated[right]).tolist():
        a, b = features.text[left[k]], features.text[right[k]]
        keep = min(len(a) if features.truncated[left[k]] else len(b), len(b) if features.truncated[right[k]] else len(a))
        ratio[k] = fuzz.ratio(a[:keep], b[:keep]) / 100.0
    return ratio


def shared_bigram_weight(features: TaskFeatures, left: np.ndarray, right: np.ndarray, workers: int = -1) -> np.ndarray:
    """How many informative bigrams two texts share, from the Indel distance of their symbol strings."""
    if len(left) == 0:
        return np.zeros(0)
    distance = process.cpdist(features.overlap_symbols[left], features.overlap_symbols[right],
                              scorer=Indel.distance, workers=workers).astype(np.float64)
    return (features.overlap_weight[left] + features.overlap_weight[right] - distance) / 2.0


def shared_phrases(features: TaskFeatures, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """How many specific phrases (features.phrase_presence) both texts write, in chunks of pairs."""
    out = np.zeros(len(left))
    for start in range(0, len(left), _PAIR_CHUNK):
        end = start + _PAIR_CHUNK
        both = features.phrases[left[start:end]].multiply(features.phrases[right[start:end]])
        out[start:end] = np.asarray(both.sum(axis=1)).ravel()
    return out


def shares_content(signals, spec) -> np.ndarray:
    """A continuation shares content: informative bigrams, or a named document (shared or related)."""
    text_share = np.maximum(np.asarray(signals["text_overlap"], np.float64),
                            np.asarray(signals["text_containment"], np.float64))
    named = np.isin(np.asarray(signals["gamma_documents"]), (0, 1, 2))
    return (text_share >= spec["decision"]["min_shared_content"]) | named
