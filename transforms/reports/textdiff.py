"""Character-level differences between two task texts, for the side-by-side 任务对照 table.

Chinese has no spaces, so the unit of comparison is the character (difflib over characters).
A raw character diff of two rewordings is choppy: a single shared character such as 的 or ，
between two changes splits one edit into two. Matches shorter than `MIN_MATCH` that sit between
changes are therefore folded into the change, so a reader sees whole phrases replaced.
"""

from __future__ import annotations

from dataclasses import dataclass

from transforms.chardiff import char_opcodes

MIN_MATCH = 2  # shorter matches between two changes are shown as changed


@dataclass(frozen=True)
class Piece:
    """A run of characters: 'same' in both texts, 'del' (only in the old) or 'ins' (only in the new)."""

    text: str
    op: str


def char_diff(old: str, new: str) -> tuple[list[Piece], list[Piece]]:
    """The old text as same/del pieces and the new text as same/ins pieces."""
    old_pieces: list[Piece] = []
    new_pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in _merged_opcodes(old, new):
        if tag == "equal":
            old_pieces.append(Piece(old[i1:i2], "same"))
            new_pieces.append(Piece(new[j1:j2], "same"))
            continue
        if i2 > i1:
            old_pieces.append(Piece(old[i1:i2], "del"))
        if j2 > j1:
            new_pieces.append(Piece(new[j1:j2], "ins"))
    return old_pieces, new_pieces


def _merged_opcodes(old: str, new: str) -> list[tuple[str, int, int, int, int]]:
    opcodes, _ = char_opcodes(old, new)  # bounded: texts too long to compare show as one replaced block
    merged: list[list] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        between_changes = 0 < index < len(opcodes) - 1
        if tag == "equal" and between_changes and i2 - i1 < MIN_MATCH:
            tag = "replace"
        if merged and tag != "equal" and merged[-1][0] != "equal":
            merged[-1][2], merged[-1][4] = i2, j2  # extend the previous change
        else:
            merged.append([tag, i1, i2, j1, j2])
    return [tuple(op) for op in merged]
