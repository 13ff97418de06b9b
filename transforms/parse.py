"""Parse the text of one yearly plan into a `ParsedPlan`.

The hierarchy comes from the numbering, never from Markdown heading levels:
level-1 sections `一、`, level-2 sub-sections `（一）`, tasks `1.` `1、` `(1)` `★(1)`.
A marker counts only where the numbering expects it (the next number, or 1 after a
new heading), which is what lets the same scanner handle tasks broken across lines
and whole documents printed on one line. Pure functions only: text in, records out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from transforms import metadata as meta
from transforms.clauses import split_clause
from transforms.completeness import assess
from transforms.models import ParsedPlan, PlanError, Section, SourceText, Task
from transforms.normalize import CN_DIGITS, cn_number, strip_pinyin, traditional_share, unify_width
from transforms.textmap import NormalizedDocument, normalize_document


# Section numerals are followed by 、 ， . or a space, or run straight into the title
# (`一加强保护`); task numbers have any number of digits, never the tail of a longer number, and are
# closed by . 、 or a half bracket `1）`; a digit or a lower-case letter straight after the mark
# (`1.5`, a wrapped `3.htm`) means it is not one, while a task may open with an acronym (`2.WIPO…`).
_MARKER = re.compile(
    rf"(?P<l1>(?P<l1n>[{CN_DIGITS}]{{1,3}})(?P<l1m>[、，.]|(?=[\u4e00-\u9fff“《])))"
    rf"|(?P<l2>[（(](?P<l2n>[{CN_DIGITS}]{{1,3}})[）)])"
    r"|(?P<task>(?P<star>★[ \t]*)?(?:(?<!\d)(?P<tn>\d+)[ \t]*[.、）)](?!\d|[a-z])|[（(](?P<tpn>\d+)[）)]))"
)
# What may follow a heading's title directly: a sub-section or a task marker.
_NEXT_MARKER = re.compile(rf"\s*(?:[（(][{CN_DIGITS}]{{1,3}}[）)]|★?\s*(?:\d+\s*[.、）)]|[（(]\d+[）)]))")
# A clause closing a task, right before a marker: `…（知识产权局负责）1002.`
_CLAUSE_END = re.compile(r"(?:负责|牵头|参与|配合)[）)】\]]\s*$")
_GAP_AFTER_CLAUSE = 5  # a skip this small after a clause is a gap the quality gate reports, not running text
_TITLE_MAX = 40  # longest section title seen is about 20 characters; a longer run is prose
_SENTENCE_END = "。；！？）”》"
_TITLE_START = re.compile(r"[\u4e00-\u9fff“《A-Za-z]")


@dataclass
class _Element:
    """A heading or task found in the body, with its span in the normalised body."""

    kind: str  # "l1" | "l2" | "task"
    number: int
    printed: str
    start: int  # where the marker starts
    body_start: int  # where the text after the marker starts
    strong: bool  # the marker starts a line
    star: bool = False
    end: int = -1
    bare: bool = False  # a section numeral printed straight before its title


@dataclass
class _Numbering:
    """Where the scan is in the numbering; decides which markers are real."""

    l1: int = 0
    l2: int = 0
    last_task: int = 0
    heading_since_task: bool = False
    restarts: bool = False
    open_kind: str = ""  # kind of the element whose text is being read
    seen_in_run: set[int] = field(default_factory=set)
    # Whether the plan's first task was numbered `1）`. A plan numbers its tasks in one style, and
    # in a plan numbered `1.` a `1）` is an item inside a task (`…工作：1）修订条例；2）制定办法。`).
    half_bracket_tasks: bool | None = None


def parse_plan(source: SourceText, catalogue: list | None = None) -> ParsedPlan:
    """Parse a source; `catalogue` (known plans) fills metadata a partial copy lacks."""
    doc = normalize_document(source.text)
    elements = _scan(doc.body_text, source.name)
    tasks_found = [e for e in elements if e.kind == "task"]
    if not tasks_found:
        raise PlanError(source.name, "no numbered tasks found (expected lines like `1.` or `（1）`)")
    header = doc.body_text[: elements[0].start]
    sections = _sections(doc.body_text, elements)
    tasks, notes, trailer = _tasks(doc, elements, source.name)
    metadata = meta.read_metadata(header, doc.body_text, source.name, catalogue)
    script = "traditional" if traditional_share(source.text) > 0.2 else "simplified"
    entry = next((e for e in catalogue or () if (e.period_start, e.period_end) ==
                  (metadata.period_start, metadata.period_end)), None)
    completeness = assess(tuple(tasks), tuple(sections), trailer, elements[-1].kind == "task", entry)
    return ParsedPlan(source=source, metadata=metadata, sections=tuple(sections), tasks=tuple(tasks),
                      normalized_text=doc.body_text, script=script, notes=tuple(notes),
                      completeness=completeness)


def _scan(text: str, name: str) -> list[_Element]:
    """Find the headings and tasks the numbering allows, in document order."""
    state = _Numbering()
    elements: list[_Element] = []
    for match in _MARKER.finditer(text):
        element = _element(match, text)
        if not _accept(element, state, text, name):
            continue
        if elements:
            elements[-1].end = element.start
        elements.append(element)
    if elements:
        elements[-1].end = len(text)
    return elements


def _char_before(text: str, index: int) -> str:
    """The nearest character before `index` that is not a space or tab ("" at the start)."""
    while index > 0 and text[index - 1] in " \t":
        index -= 1
    return text[index - 1] if index > 0 else ""


def _element(match: re.Match, text: str) -> _Element:
    start = match.start()
    strong = _char_before(text, start) in ("", "\n")
    if match.group("l1"):
        kind, number, star = "l1", cn_number(match.group("l1n")), False
    elif match.group("l2"):
        kind, number, star = "l2", cn_number(match.group("l2n")), False
    else:
        kind, star = "task", bool(match.group("star"))
        number = int(match.group("tn") or match.group("tpn"))
    element = _Element(kind, number, match.group(0).strip(), start, match.end(), strong, star)
    element.bare = kind == "l1" and not match.group("l1m")
    return element


def _accept(element: _Element, state: _Numbering, text: str, name: str) -> bool:
    at_boundary = element.strong or _char_before(text, element.start) in set(_SENTENCE_END)
    after_heading = state.open_kind in ("l1", "l2") and not element.strong
    if element.kind == "task":
        after_clause = _CLAUSE_END.search(text, max(0, element.start - 12), element.start) is not None
        return _accept_task(element, state, at_boundary or after_heading, name, after_clause)
    if not _TITLE_START.match(text, element.body_start):
        return False  # a heading has a title; `（二）。` inside a task does not
    if element.kind == "l1":
        if element.number != state.l1 + 1:
            return False
        if element.bare:
            # `一加强保护`: a short title ended by the next marker (or, at a boundary, by a line break)
            if not _title_then_marker(text, element, line_end_counts=at_boundary):
                return False
        elif not (at_boundary or _title_then_marker(text, element, line_end_counts=False)):
            return False
        state.l1, state.l2 = element.number, 0
    else:
        first_after_l1 = element.number == 1 and state.open_kind == "l1"
        if element.number != state.l2 + 1 or not (at_boundary or first_after_l1):
            return False
        state.l2 = element.number
    state.heading_since_task, state.open_kind = True, element.kind
    return True


def _title_then_marker(text: str, element: _Element, line_end_counts: bool) -> bool:
    """A heading's title is short, has no sentence end, and is followed by a sub-section or task
    marker (or, on its own line, by the line break)."""
    for end in range(element.body_start + 1, min(len(text), element.body_start + _TITLE_MAX) + 1):
        if end == len(text) or text[end] in "。；？！：\n":
            return line_end_counts and (end == len(text) or text[end] == "\n") and _NEXT_MARKER.match(
                text, end) is not None
        if _NEXT_MARKER.match(text, end):
            return True
    return False


def _accept_task(element: _Element, state: _Numbering, at_boundary: bool, name: str,
                 after_clause: bool = False) -> bool:
    half_bracket = _is_half_bracket(element.printed)
    if state.half_bracket_tasks is not None and half_bracket and not state.half_bracket_tasks:
        return False
    number = element.number
    expected = number == state.last_task + 1
    restart = number == 1 and state.heading_since_task and state.last_task > 0
    if not at_boundary:
        return False
    if not (expected or restart):
        # a task's department clause ends it, so a number just after one starts the next task even
        # when the numbering skips (on one line there is no line start to tell)
        skips_after_clause = after_clause and state.last_task < number <= state.last_task + _GAP_AFTER_CLAUSE
        if not (element.strong or skips_after_clause):
            return False  # a number inside running text
        if number <= state.last_task or number in state.seen_in_run:
            raise PlanError(name, f"duplicate task number {number} after task {state.last_task}")
        # a gap at the start of a line: accepted here, reported by the data-quality checks
    if restart:
        state.restarts = True
        state.seen_in_run = set()
    state.last_task = number
    state.seen_in_run.add(number)
    if state.half_bracket_tasks is None:
        state.half_bracket_tasks = half_bracket
    state.heading_since_task, state.open_kind = False, "task"
    return True


def _is_half_bracket(printed: str) -> bool:
    """`1）` or `1)`, not `（1）`."""
    printed = printed.lstrip("★ \t")
    return printed.endswith(("）", ")")) and not printed.startswith(("（", "("))


def _sections(text: str, elements: list[_Element]) -> list[Section]:
    sections: list[Section] = []
    l1 = 0
    for element in elements:
        if element.kind == "task":
            continue
        title = text[element.body_start: element.end].split("\n", 1)[0].strip()
        if element.kind == "l1":
            l1 = element.number
            path, number = str(l1), element.printed.rstrip("、，. \t")
        else:
            path, number = f"{l1}.{element.number}", element.printed
        sections.append(Section(path=path, level=1 if element.kind == "l1" else 2, number=number,
                                title=title))
    return sections


def _tasks(doc: NormalizedDocument, elements: list[_Element], name: str) -> tuple[list[Task], list[str], str]:
    """The tasks, the notes found after their clauses, and the text after the last task."""
    uses_clauses = _share_with_clause(doc.body_text, elements) >= 0.5
    tasks: list[Task] = []
    notes: list[str] = []
    last_task = [e for e in elements if e.kind == "task"][-1]
    l1 = l2 = 0
    for element in elements:
        if element.kind == "l1":
            l1, l2 = element.number, 0
            continue
        if element.kind == "l2":
            l2 = element.number
            continue
        task, trailer = _task(doc, element, l1, l2, len(tasks) + 1, uses_clauses, element is last_task)
        tasks.append(task)
        if trailer:
            notes.append(trailer)
    return tasks, notes, trailer


def _share_with_clause(text: str, elements: list[_Element]) -> float:
    tasks = [e for e in elements if e.kind == "task"]
    with_clause = sum(1 for e in tasks if split_clause(_joined(text[e.body_start: e.end]))[1].raw is not None)
    return with_clause / len(tasks)


def _joined(span: str) -> str:
    """A task's lines joined: Chinese text has no spaces between words, so lines join directly.

    Lines were normalised one by one, so what depends on neighbours is settled again on the joined
    text: a bracket that a wrapped copy left alone on a line (`…负责` / `)`) had no Chinese beside it
    there, and a pinyin gloss broken by the wrap (`高(gā` / `o)`) was no gloss on either line.
    """
    return unify_width(strip_pinyin("".join(line.strip() for line in span.split("\n")).strip()))


def _task(doc: NormalizedDocument, element: _Element, l1: int, l2: int, position: int,
          uses_clauses: bool, is_last: bool) -> tuple[Task, str]:
    span, trailer_lines = _task_span(doc.body_text, element, uses_clauses, is_last)
    text, clause, trailer = split_clause(_joined(span))
    trailer = "\n".join(filter(None, [trailer, *trailer_lines]))
    departments, form = clause.departments, clause.form
    section_path = ".".join(str(n) for n in (l1, l2) if n)
    printed = element.printed.rstrip(".、）) \t") if _is_half_bracket(element.printed) else element.printed.rstrip(".、 \t")
    truncated = is_last and _looks_truncated(text, clause.raw, uses_clauses)
    original = doc.original_span(element.body_start, element.body_start + len(span))
    return Task(
        task_key=".".join(filter(None, [section_path, str(element.number)])),
        task_no=element.number, printed_no=printed, position=position, section_path=section_path or "0",
        text=text, original_text=original, department_clause=clause.raw, departments=departments,
        clause_form=form, cited_titles=tuple(re.findall(r"《([^《》]+)》", text)),
        key_task=element.star, truncated=truncated,
    ), trailer


def _task_span(text: str, element: _Element, uses_clauses: bool, is_last: bool) -> tuple[str, list[str]]:
    """The task's own lines; lines after its clause closed (signatures, footers) are trailers.

    Without department clauses only the full stop can close a task, and a copy wrapped at the page
    width breaks lines after full stops inside a task too; so only the last task, which signatures
    and footers can follow, ends at a full stop at a line end. Any other runs to the next marker.
    """
    lines = text[element.body_start: element.end].split("\n")
    if not uses_clauses and not is_last:
        return "\n".join(lines), []
    kept: list[str] = [lines[0]]
    for line in lines[1:]:
        so_far = _joined("\n".join(kept))
        closed = split_clause(so_far)[1].raw is not None if uses_clauses else so_far.endswith("。")
        if closed and line.strip():
            return "\n".join(kept), [ln.strip() for ln in lines[len(kept):] if ln.strip()]
        kept.append(line)
    return "\n".join(kept), []


def _looks_truncated(text: str, clause: str | None, uses_clauses: bool) -> bool:
    if uses_clauses and clause is None:
        return True
    return clause is None and not text.endswith(tuple(_SENTENCE_END))
