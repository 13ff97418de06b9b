"""Character differences between two texts at a bounded cost, whatever the texts.

difflib's SequenceMatcher is quadratic, and worse on texts made of few distinct
characters: two copies of a plan with 1 MB tasks never finish. Copies and rewordings
mostly differ in a few places, so the common prefix and suffix are taken off first
(linear), and only the middle left between them is compared character by character,
when it is small enough. A larger middle is reported as one replaced block, marked
as not exact, so callers can say "differs" with the lengths instead of a diff.
"""

from __future__ import annotations

import os
from difflib import SequenceMatcher

# Product of the two middles' lengths: 4000 x 4000 characters is about a second of difflib
# in its worst case (a small alphabet), and far beyond any real task (a few hundred).
MAX_COMPARED_CELLS = 4000 * 4000

Opcode = tuple[str, int, int, int, int]


def char_opcodes(a: str, b: str) -> tuple[list[Opcode], bool]:
    """difflib-style opcodes turning `a` into `b`, and whether they are exact (a minimal diff of
    the middle) rather than one coarse replace of everything between the common ends."""
    prefix = len(os.path.commonprefix([a, b]))
    suffix = len(os.path.commonprefix([a[prefix:][::-1], b[prefix:][::-1]]))
    a_end, b_end = len(a) - suffix, len(b) - suffix
    middle_a, middle_b = a[prefix:a_end], b[prefix:b_end]
    exact = len(middle_a) * len(middle_b) <= MAX_COMPARED_CELLS
    if exact:
        inner = [(tag, i1 + prefix, i2 + prefix, j1 + prefix, j2 + prefix)
                 for tag, i1, i2, j1, j2 in SequenceMatcher(None, middle_a, middle_b, autojunk=False).get_opcodes()]
    else:
        inner = [("replace", prefix, a_end, prefix, b_end)]
    ops = ([("equal", 0, prefix, 0, prefix)] if prefix else []) + inner
    if suffix:
        ops.append(("equal", a_end, len(a), b_end, len(b)))
    return _merged_equal(ops), exact


def _merged_equal(ops: list[Opcode]) -> list[Opcode]:
    """Drop empty opcodes, join touching equal runs, and name one-sided replaces delete/insert."""
    merged: list[Opcode] = []
    for tag, i1, i2, j1, j2 in ops:
        if i1 == i2 and j1 == j2:
            continue
        if tag == "replace" and j1 == j2:
            tag = "delete"
        elif tag == "replace" and i1 == i2:
            tag = "insert"
        if merged and tag == "equal" and merged[-1][0] == "equal":
            merged[-1] = ("equal", merged[-1][1], i2, merged[-1][3], j2)
        else:
            merged.append((tag, i1, i2, j1, j2))
    return merged
