"""Search every task of every plan for a phrase or a named document (pure; no I/O).

A query is normalised the way documents are (`transforms.normalize.normalize_text`: Traditional →
Simplified, punctuation width, stray spaces), so 專利法 finds 专利法. A task matches in one of three
ways, ranked in this order:

  document   the task names the query as a document: a cited 《title》 equal to the query, with or
             without the 中华人民共和国 prefix (《中华人民共和国专利法》 is 专利法);
  phrase     the query occurs in the task's text as typed (spaces and 《》 ignored);
  partial    the task contains at least `MIN_SHARE` of the query's characters, counting only
             characters found in runs of two or more: a lone shared character is no evidence in
             Chinese (专利 of 专利法 is another topic, 秘密 of 商业秘密 may be 国家秘密); and its
             longest run covers more than `MIN_LONGEST_RUN` of the query, so that a query is not
             matched by common words scattered through a task (知识产权…保护…办法, 商业…秘密).

Hits are grouped by lineage (line of work across years); groups come in the order of their best hit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from transforms.normalize import normalize_text

MIN_SHARE = 0.75          # a four-character query needs three of its characters, in runs
MIN_RUN = 2               # characters count towards the share only in runs of at least this length
MIN_LONGEST_RUN = 0.5     # the longest run found must cover more than this share of the query (反不正当竞争 of 反不正当竞争法)
COUNTRY_PREFIX = "中华人民共和国"  # laws are cited with and without it
MATCH_LEVELS = ("document", "phrase", "partial")  # rank order

_TITLE_IN_TEXT = re.compile(r"《([^《》]+)》")
_SPACES = re.compile(r"\s+")


class SearchError(ValueError):
    """The query cannot be searched for (e.g. it is empty once normalised)."""


@dataclass(frozen=True)
class SearchQuery:
    typed: str      # as the user typed it
    phrase: str     # normalised, without spaces or 《》: what is looked for in task texts
    document: str   # the phrase without the 中华人民共和国 prefix: what cited titles are compared with


@dataclass(frozen=True)
class TaskText:
    """One task of one plan, as search reads it (a row of the rpt_search_tasks view)."""

    plan_id: str
    year: int
    task_key: str
    task_no: int
    text: str
    lineage_id: str | None
    cited_titles: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()       # as printed
    department_lines: tuple[str, ...] = ()  # present-day bodies carrying them (工商总局 → 市场监管总局)


@dataclass(frozen=True)
class TaskHit:
    task: TaskText
    match: str                      # one of MATCH_LEVELS
    share: float                    # share of the query's characters found (1.0 for document and phrase)
    spans: tuple[tuple[int, int], ...]  # [start, end) character ranges of task.text to highlight


@dataclass(frozen=True)
class LineageHits:
    """The hits of one line of work, in plan order; `match` and `share` are those of its best hit."""

    lineage_id: str
    match: str
    share: float
    hits: tuple[TaskHit, ...] = field(default_factory=tuple)

    @property
    def plans(self) -> list[str]:
        return list(dict.fromkeys(hit.task.plan_id for hit in self.hits))


def parse_query(typed: str) -> SearchQuery:
    """Normalise a query as documents are normalised; 《》 and spaces are not part of what is sought."""
    normalised = normalize_text(typed)
    phrase = _SPACES.sub("", normalised).replace("《", "").replace("》", "")
    if not phrase:
        raise SearchError(f"nothing to search for in {typed!r}")
    return SearchQuery(typed=typed, phrase=phrase, document=_without_prefix(phrase))


def search_tasks(query: SearchQuery, tasks: Iterable[TaskText]) -> list[LineageHits]:
    """Every task that mentions the query, grouped by lineage, best group first."""
    groups: dict[str, list[TaskHit]] = {}
    for task in tasks:
        hit = match_task(query, task)
        if hit is not None:
            groups.setdefault(task.lineage_id or f"{task.plan_id}:{task.task_no}", []).append(hit)
    found = []
    for lineage_id, hits in groups.items():
        hits.sort(key=lambda h: (h.task.year, h.task.task_no))
        best = min(hits, key=_hit_rank)
        found.append(LineageHits(lineage_id, best.match, best.share, tuple(hits)))
    found.sort(key=lambda g: (MATCH_LEVELS.index(g.match), -g.share, -len(g.hits), g.hits[0].task.year,
                              g.hits[0].task.task_no))
    return found


def match_task(query: SearchQuery, task: TaskText) -> TaskHit | None:
    """How `task` matches `query`, or None when it does not mention it."""
    document_spans = _document_spans(query, task)
    if document_spans or query.document in {_without_prefix(t) for t in task.cited_titles}:
        return TaskHit(task, "document", 1.0, document_spans or _occurrences(task.text, query.phrase))
    phrase_spans = _occurrences(task.text, query.phrase)
    if phrase_spans:
        return TaskHit(task, "phrase", 1.0, phrase_spans)
    share, spans = shared_runs(query.phrase, task.text)
    longest = max((end - start for start, end in spans), default=0)
    if share >= MIN_SHARE and longest > MIN_LONGEST_RUN * len(query.phrase):
        return TaskHit(task, "partial", round(share, 4), spans)
    return None


def shared_runs(query: str, text: str) -> tuple[float, tuple[tuple[int, int], ...]]:
    """(share of the query's characters found in `text` in runs of MIN_RUN or more, those runs in text)."""
    covered = [False] * len(query)
    grams = {query[i:i + MIN_RUN]: i for i in range(len(query) - MIN_RUN + 1)}
    spans: list[tuple[int, int]] = []
    for start in range(len(text) - MIN_RUN + 1):
        gram = text[start:start + MIN_RUN]
        if gram not in grams:
            continue
        for offset in range(MIN_RUN):
            covered[grams[gram] + offset] = True
        if spans and spans[-1][1] >= start:
            spans[-1] = (spans[-1][0], start + MIN_RUN)
        else:
            spans.append((start, start + MIN_RUN))
    return (sum(covered) / len(query) if query else 0.0), tuple(spans)


def highlight(text: str, spans: Iterable[tuple[int, int]], before: str = "【", after: str = "】") -> str:
    """`text` with each span wrapped in `before` … `after`."""
    pieces, last = [], 0
    for start, end in sorted(spans):
        pieces += [text[last:start], before, text[start:end], after]
        last = end
    return "".join(pieces) + text[last:]


def _document_spans(query: SearchQuery, task: TaskText) -> tuple[tuple[int, int], ...]:
    """Spans of 《titles》 in the text that name the queried document."""
    return tuple(m.span() for m in _TITLE_IN_TEXT.finditer(task.text)
                 if _without_prefix(m.group(1)) == query.document)


def _occurrences(text: str, phrase: str) -> tuple[tuple[int, int], ...]:
    return tuple((m.start(), m.end()) for m in re.finditer(re.escape(phrase), text))


def _without_prefix(title: str) -> str:
    stripped = title.removeprefix(COUNTRY_PREFIX)
    return stripped or title


def _hit_rank(hit: TaskHit) -> tuple[int, float]:
    return MATCH_LEVELS.index(hit.match), -hit.share
