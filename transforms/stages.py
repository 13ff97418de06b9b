"""The stage a task's wording puts its work at: 研究 → 起草 → 推进 → 出台 → 实施 → 完成 (pure; no I/O).

Stage words come from a reviewed vocabulary kept as data (`sources/reference/stages.csv`: word, stage,
order, finished, reason; read by `sources.stages`). The rule, used by the Python functions here and by
the `task_stages` view alike:

1. 《…》 titles are removed first: a word inside a document's name is not a stage (《专利法实施细则》).
2. The text is read left to right for vocabulary words, the longest word winning at each place, so
   a name that holds a stage word (实施方案, 推进计划, listed with no stage) hides it.
3. A task with several stages keeps the most advanced (highest order); among words of that stage the
   first printed names it.
4. A task reads as finished when it uses a word marked `finished` (出台, 印发, 颁布, 完成, 建成).

Along a line of work, an appearance advances when its stage is beyond every stage of the earlier
appearances (a line going 出台 → 研究 → 出台 has not advanced a second time).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

TITLE = re.compile(r"《[^《》]*》")
_WORD = re.compile(r"[\u3400-\u9fff]+")


class VocabularyError(ValueError):
    """The stage vocabulary is inconsistent; the message names the row."""


@dataclass(frozen=True)
class StageWord:
    word: str
    stage: str | None   # None: a name that holds a stage word and hides it (实施方案)
    order: int | None
    finished: bool
    reason: str


@dataclass(frozen=True)
class StageReading:
    """The stage of one task's text."""

    stage: str | None   # None when no stage word is found
    order: int | None
    word: str | None    # the word that decided the stage
    finished: bool      # a finishing word is used
    words: tuple[str, ...]  # every stage word found, in printed order


class StageVocabulary:
    """The reviewed stage words; `read(text)` applies the rule of this module."""

    def __init__(self, words: Iterable[StageWord]) -> None:
        self.words = tuple(words)
        self._by_word = {w.word: w for w in self.words}
        _check(self.words)
        self.pattern = alternation(w.word for w in self.words)
        self._regex = re.compile(self.pattern)

    @classmethod
    def from_rows(cls, rows: Iterable[dict[str, str]]) -> StageVocabulary:
        words = []
        for row in rows:
            stage = row["stage"].strip() or None
            order = int(row["order"]) if row["order"].strip() else None
            words.append(StageWord(row["word"].strip(), stage, order, row["finished"].strip() == "yes",
                                   row["reason"].strip()))
        return cls(words)

    @property
    def signature(self) -> str:
        """A hash of everything the rule reads, so that a stored reading can tell the vocabulary changed."""
        rows = sorted(f"{w.word}\x1f{w.stage}\x1f{w.order}\x1f{w.finished}" for w in self.words)
        return hashlib.sha256("\x1e".join(rows).encode("utf-8")).hexdigest()

    def stages(self) -> list[tuple[str, int]]:
        """(stage, order) of every stage, in order."""
        return sorted({(w.stage, w.order) for w in self.words if w.stage is not None}, key=lambda s: s[1])

    def read(self, text: str) -> StageReading:
        found = [self._by_word[m.group(0)] for m in self._regex.finditer(TITLE.sub("", text))]
        staged = [w for w in found if w.stage is not None]
        if not staged:
            return StageReading(None, None, None, False, ())
        best = max(w.order for w in staged)
        decided = next(w for w in staged if w.order == best)
        return StageReading(decided.stage, best, decided.word, any(w.finished for w in staged),
                            tuple(w.word for w in staged))


def alternation(words: Iterable[str]) -> str:
    """The words as one regular-expression alternation, longest first (the same in Python and DuckDB)."""
    return "|".join(sorted(set(words), key=lambda w: (-len(w), w)))


def advances(orders: Sequence[int | None]) -> list[bool]:
    """Per appearance: does its stage go beyond every staged earlier appearance? (None: no stage.)"""
    result, best = [], None
    for order in orders:
        result.append(order is not None and best is not None and order > best)
        if order is not None:
            best = order if best is None else max(best, order)
    return result


def _check(words: Sequence[StageWord]) -> None:
    seen: set[str] = set()
    orders: dict[str, int] = {}
    for w in words:
        if not _WORD.fullmatch(w.word):
            raise VocabularyError(f"stage word {w.word!r}: only Chinese characters are allowed")
        if w.word in seen:
            raise VocabularyError(f"stage word {w.word!r} is listed twice")
        seen.add(w.word)
        if (w.stage is None) != (w.order is None) or (w.stage is None and w.finished):
            raise VocabularyError(f"stage word {w.word!r}: give a stage with its order, or neither")
        if w.stage is not None and orders.setdefault(w.stage, w.order) != w.order:
            raise VocabularyError(f"stage {w.stage!r} has two orders ({orders[w.stage]} and {w.order})")
        if not w.reason:
            raise VocabularyError(f"stage word {w.word!r} has no reason")
