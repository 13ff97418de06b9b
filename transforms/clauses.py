"""The department clause that ends a task: `（最高人民法院、司法部按职责分别负责）`.

Only the last parenthetical group that reads like an assignment counts; task text has
other parentheses (`（TISC）`, `（2018—2020年）`, `《…》（二）`). Text after the clause on
the same line is not part of the task (the 2020 plan glues its lead-department rule
onto task 100), so it is returned separately.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Longest first: the form is decided by the suffix the clause ends with.
_SUFFIX_FORMS = (
    ("按职责分别负责", "按职责分别负责"),
    ("按职责分工负责", "按职责分别负责"),
    ("按职责负责", "按职责分别负责"),
    ("分别负责", "按职责分别负责"),
    ("等部门负责", "等部门负责"),
    ("等单位负责", "等部门负责"),
    ("负责", "负责"),
)
_LEAD_MARK = re.compile(r"牵头(?:负责)?[，,、；;]?")
# Words around a name that say its role, not its name: 由知识产权局负责, 公安部配合, 商务部等部门,
# 知识产权局会同商务部. They are cut from each piece, never from inside a name.
_ROLE_BEFORE = re.compile(r"^由")
_ROLE_AFTER = re.compile(r"(?:等(?:部门|单位)?)?(?:参与|配合|协助|负责)?$")
_JOINT = "会同"
_SEPARATOR_CHARS = "、，,；;/／"
_ASSIGNMENT = re.compile(r"(负责|牵头|参与|配合)$")


@dataclass(frozen=True)
class Clause:
    raw: str | None  # the clause without its parentheses, or None when the task has none
    departments: tuple[str, ...] = ()
    form: str | None = None


NO_CLAUSE = Clause(raw=None)


# A clause is bracketed （…）; copies re-typed by other offices also use 【…】 or […] (［］ after NFKC).
_BRACKETS = {"）": "（", "】": "【", "]": "["}
# A clause may name the column it would have in a task-division table: （责任单位：知识产权局、公安部）,
# or follow the task unbracketed on its own line: 责任单位：知识产权局、公安部
_LABEL = re.compile(r"^(?:责任|牵头|负责|承办|主责)(?:单位|部门)[:：]\s*")
_TRAILING_LABEL = re.compile(r"(?:(?<=[。；;])|^)((?:责任|牵头|负责|承办|主责)(?:单位|部门)[:：][^。；;（）]{2,200}?)[。；;]?$")


def split_clause(task_text: str) -> tuple[str, Clause, str]:
    """Split a task into (text without clause, clause, text after the clause)."""
    group = _last_assignment_group(task_text)
    if group is None:
        labelled = _TRAILING_LABEL.search(task_text)
        if labelled is None:
            return task_text.strip(), NO_CLAUSE, ""
        inner = labelled.group(1)
        departments, form = parse_clause(inner)
        return task_text[: labelled.start(1)].strip(), Clause(inner, departments, form), ""
    start, end = group
    inner = task_text[start + 1: end - 1]
    departments, form = parse_clause(inner)
    return task_text[:start].strip(), Clause(inner, departments, form), task_text[end:].strip()


def _last_assignment_group(text: str) -> tuple[int, int] | None:
    """Span of the last balanced bracketed group whose content reads like an assignment."""
    for end in range(len(text), 0, -1):
        if text[end - 1] not in _BRACKETS:
            continue
        start = _matching_open(text, end - 1)
        inner = text[start + 1: end - 1] if start is not None else ""
        if start is not None and (_ASSIGNMENT.search(inner) or _LABEL.match(inner)):
            return start, end
    return None


def _matching_open(text: str, close: int) -> int | None:
    closing = text[close]
    opening = _BRACKETS[closing]
    depth = 0
    for i in range(close, -1, -1):
        if text[i] == closing:
            depth += 1
        elif text[i] == opening:
            depth -= 1
            if depth == 0:
                return i
    return None


def parse_clause(inner: str) -> tuple[tuple[str, ...], str | None]:
    """Department names in printed order, and the clause form."""
    labelled = _LABEL.match(inner)
    inner = inner[labelled.end():] if labelled else inner
    body, form = inner, "负责" if labelled else None
    if _LEAD_MARK.search(inner):
        form = "牵头"
        body = re.sub(r"(参与|配合)?(负责)?$", "", _LEAD_MARK.sub("、", inner))
    else:
        for suffix, suffix_form in _SUFFIX_FORMS:
            if inner.endswith(suffix):
                body, form = inner[: -len(suffix)], suffix_form
                break
    names = []
    for piece in split_outside_brackets(body.replace(_JOINT, "、"), _SEPARATOR_CHARS):
        piece = _ROLE_AFTER.sub("", _ROLE_BEFORE.sub("", piece.strip()))
        if piece:
            names.append(piece)
    return tuple(names), form


def split_outside_brackets(text: str, separators: str) -> list[str]:
    """Split on the separator characters that are not inside （…）: a note such as
    国家知识产权局（商标局、专利局） stays with its name."""
    pieces, depth, current = [], 0, []
    for ch in text:
        depth = max(depth + (ch in "（(") - (ch in "）)"), 0)
        if depth == 0 and ch in separators:
            pieces.append("".join(current))
            current = []
        else:
            current.append(ch)
    pieces.append("".join(current))
    return pieces
