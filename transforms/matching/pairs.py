"""Candidate pairs as columns of numpy arrays (left = earlier task row, right = later task row).

A run handles millions of pairs. A dict of equally long arrays is filtered, sliced and
extended at numpy speed, where each DataFrame operation costs about a millisecond, which
adds up over the twenty steps of a series of small plans. `to_frame` gives a DataFrame
at the edges (explain, tests, the links table).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

Pairs = dict[str, np.ndarray]


def make_pairs(left, right, rule: str, is_gap: bool = False) -> Pairs:
    left = np.asarray(left, dtype=np.int64)
    return {"left": left, "right": np.asarray(right, dtype=np.int64),
            "rule": np.full(len(left), rule, dtype=object), "is_gap": np.full(len(left), is_gap)}


def no_pairs() -> Pairs:
    return make_pairs(np.zeros(0, np.int64), np.zeros(0, np.int64), "")


def size(pairs: Pairs) -> int:
    return len(pairs["left"])


def take(pairs: Pairs, index) -> Pairs:
    """Rows by position or boolean mask."""
    return {name: values[index] for name, values in pairs.items()}


def concat(parts: list[Pairs]) -> Pairs:
    """Rows of every part, in order; columns are those of the first part."""
    parts = [p for p in parts if size(p)] or parts[:1]
    if not parts:
        return no_pairs()
    return {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}


def with_columns(pairs: Pairs, **columns) -> Pairs:
    return {**pairs, **{name: np.asarray(values) for name, values in columns.items()}}


def to_frame(pairs: Pairs) -> pd.DataFrame:
    return pd.DataFrame(pairs, copy=False)


def from_frame(frame: pd.DataFrame) -> Pairs:
    pairs = {name: frame[name].to_numpy() for name in frame.columns}
    for name in ("left", "right"):
        pairs[name] = pairs[name].astype(np.int64)
    if "is_gap" not in pairs:
        pairs["is_gap"] = np.zeros(len(frame), dtype=bool)
    return pairs


def unique_rows(pairs: Pairs) -> Pairs:
    """The first occurrence of every (left, right), sorted by right then left."""
    key = pairs["right"] * (int(pairs["left"].max(initial=0)) + 1) + pairs["left"]
    _, first = np.unique(key, return_index=True)  # np.unique sorts by key: right, then left
    return take(pairs, first)
