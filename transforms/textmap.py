"""A normalised copy of a document that can point back into the original.

Parsing works on normalised text (Simplified script, one punctuation width, no
Markdown decoration), but a task keeps the text as the source printed it. Lines are
normalised one by one, so a position in the normalised text maps to a line and a
column there, and the column maps back through a character alignment of that line.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass

from transforms.normalize import normalize_line_breaks, normalize_text

_MARKDOWN_PREFIX = re.compile(r"^\s*(?:#{1,6}\s*|>\s*|[-*+]\s+)+")
# `一 加强保护` (a section number followed by a space) is written `一、加强保护` elsewhere;
# the space would otherwise be removed as stray and the heading lost.
_SPACED_SECTION = re.compile(r"^([一二三四五六七八九十]{1,3})[ \t\u3000]+(?=[\u4e00-\u9fff])")
_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\((?:[^)]*)\)")
_LONG_LINE = 30000  # beyond this, align proportionally: difflib is quadratic in the worst case


def clean_markdown(line: str) -> str:
    """Drop Markdown decoration: heading levels mean nothing in these documents."""
    line = _MARKDOWN_LINK.sub(r"\1", line)
    line = _MARKDOWN_PREFIX.sub("", line)
    line = line.replace("**", "").replace("\\_", "_").replace("\\", "")
    return line.strip()


@dataclass(frozen=True)
class NormalizedDocument:
    original_lines: tuple[str, ...]
    lines: tuple[str, ...]

    @functools.cached_property
    def body_text(self) -> str:
        return "\n".join(self.lines)

    @functools.cached_property
    def _line_starts(self) -> list[int]:
        starts, offset = [], 0
        for line in self.lines:
            starts.append(offset)
            offset += len(line) + 1
        return starts

    def original_span(self, start: int, end: int) -> str:
        """The original text behind body_text[start:end], lines joined as in the source."""
        first, first_col = self._locate(start)
        last, last_col = self._locate(max(end - 1, start))
        pieces = []
        for index in range(first, last + 1):
            original = self.original_lines[index]
            lo = _column(original, self.lines[index], first_col) if index == first else 0
            hi = _column(original, self.lines[index], last_col + 1) if index == last else len(original)
            pieces.append(original[lo:hi].strip())
        return "\n".join(piece for piece in pieces if piece)

    def _locate(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self._line_starts, offset) - 1
        return index, offset - self._line_starts[index]


def normalize_document(text: str) -> NormalizedDocument:
    # a page number between two lines is no line of the document (not even a blank one, which would
    # end a paragraph or an addressee list it fell into)
    original_lines = tuple(line for line in normalize_line_breaks(text).split("\n") if not is_page_number(line))
    lines = tuple(clean_markdown(normalize_text(_SPACED_SECTION.sub(r"\1、", clean_markdown(line))))
                  for line in original_lines)
    return NormalizedDocument(original_lines, lines)


# A page number on a line of its own, as text taken from a PDF or a printed page carries between the
# lines of a task: `— 3 —`, `- 3 -`, `第3页 共12页`, `3/12`, `Page 3 of 12`. A bare number is not one:
# a table's number column prints the task number alone on its line.
_PAGE_NUMBER = re.compile(r"(?:[-—–~·]+\s*\d{1,4}\s*[-—–~·]+|第\s*\d{1,4}\s*页(?:\s*[/，,]?\s*共\s*\d{1,4}\s*页)?"
                          r"|\d{1,4}\s*/\s*\d{1,4}|(?:page\s*)?\d{1,4}\s+of\s+\d{1,4})", re.IGNORECASE)


def is_page_number(line: str) -> bool:
    return _PAGE_NUMBER.fullmatch(unicodedata.normalize("NFKC", line).strip()) is not None


@functools.lru_cache(maxsize=4096)
def _alignment(original: str, normalized: str) -> tuple[tuple[int, int, int, int], ...]:
    matcher = difflib.SequenceMatcher(None, original, normalized, autojunk=False)
    return tuple((i1, i2, j1, j2) for _, i1, i2, j1, j2 in matcher.get_opcodes())


def _column(original: str, normalized: str, column: int) -> int:
    """Map a column of the normalised line to the original line."""
    if original == normalized:
        return column
    if len(original) > _LONG_LINE or not normalized:
        return round(column * len(original) / max(len(normalized), 1))
    for i1, i2, j1, j2 in _alignment(original, normalized):
        if j1 <= column < j2 or (column == j2 == len(normalized)):
            if j2 == j1:
                return i1
            return i1 + round((column - j1) * (i2 - i1) / (j2 - j1))
    return len(original)
