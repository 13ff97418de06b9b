"""Page layout turned into the lines a plan is printed in: tables, and the furniture of PDF pages.

Tables. Offices lay a plan out as a task-division table (任务分工表): a number column, the measure, and the
bodies responsible — `序号 | 工作措施 | 责任单位`, sometimes with the lead and the other bodies in two
columns (`牵头单位 | 参与单位`). Read cell by cell, such a table puts the task number, its text and its
department clause on three lines, and the number alone is no task marker. So each row of a table
whose columns say what they hold (or whose first cell is a task number) becomes one printed task,
`12.出台….（知识产权局、教育部负责）`; any other row gives one line per cell, as before. HTML pages
(through trafilatura's Markdown rows) and Word files share this.

Pages. A PDF's text layer (and pdftotext's output, pages separated by form feeds) prints on every
page a running header or footer and a page number — `2020年推进计划`, `— 3 —`, a browser's date, address
and `1/12` — between the lines of whatever task the page breaks. A line at the top or bottom of a page
whose shape (its digits aside) recurs at the edge of many pages is page furniture, not the plan's text.

Pure functions, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

# What a header cell says its column holds.
_NUMBER_HEADER = re.compile(r"序号|编号|序列")
_LEAD_HEADER = re.compile(r"(?:责任|牵头|负责|承办|主责|主办)(?:单位|部门)")
_CO_HEADER = re.compile(r"(?:配合|参与|协办|协助|参加)(?:单位|部门)")
_NUMBER_CELL = re.compile(r"★?\s*\d{1,4}\s*[.、．]?")
_ASSIGNMENT_END = re.compile(r"(?:负责|牵头|参与|配合)$")
# A cell of department names only: no sentence in it, as short as a long clause.
_NAMES_CELL = re.compile(r"[^。；！？]{2,120}")


def table_rows_as_lines(rows: Iterable[list[str]]) -> Iterator[str]:
    """The printed lines of a table's rows, in order. Each row is a list of cell texts; a cell of
    several paragraphs has one per line."""
    roles: list[str] | None = None
    for cells in rows:
        cells = [cell.strip() for cell in cells]
        header = _header_roles(cells)
        if header is not None:
            roles = header
            yield from (line for cell in cells for line in cell.split("\n") if line.strip())
            continue
        yield from _row_lines(cells, roles)


def _header_roles(cells: list[str]) -> list[str] | None:
    """The role of each column ('number', 'lead', 'co', 'text') when the row is a header naming the
    responsible bodies' column; None for any other row."""
    roles = []
    for cell in cells:
        if len(cell) > 12:  # a header cell is a label, a data cell may mention 责任单位 in a sentence
            roles.append("text")
        elif _NUMBER_HEADER.search(cell):
            roles.append("number")
        elif _CO_HEADER.search(cell):
            roles.append("co")
        elif _LEAD_HEADER.search(cell):
            roles.append("lead")
        else:
            roles.append("text")
    return roles if {"lead", "co"} & set(roles) else None


def _row_lines(cells: list[str], roles: list[str] | None) -> list[str]:
    numbered = bool(cells) and _NUMBER_CELL.fullmatch(cells[0]) is not None
    if roles is None or len(roles) != len(cells):
        roles = _roles_without_header(cells, numbered)
    if roles is None:
        return [line for cell in cells for line in cell.split("\n") if line.strip()]
    texts = "".join(cell.replace("\n", "") for cell, role in zip(cells, roles) if role == "text")
    lead = _names(cell for cell, role in zip(cells, roles) if role == "lead")
    co = _names(cell for cell, role in zip(cells, roles) if role == "co")
    number = re.sub(r"[.、．\s]", "", cells[0]) + "." if roles[0] == "number" and numbered else ""
    return [number + texts + _clause(lead, co)]


def _roles_without_header(cells: list[str], numbered: bool) -> list[str] | None:
    """Without a header: a numbered row is a task; its last cell is its clause when it reads as one
    (ends in 负责 …, or is a list of names after the text); a row ending in a clause cell is a task."""
    if len(cells) < 2:
        return None
    last = cells[-1]
    clause_last = bool(_ASSIGNMENT_END.search(last)) or (numbered and len(cells) >= 3 and
                                                         _NAMES_CELL.fullmatch(last) is not None)
    if not (numbered or clause_last):
        return None
    roles = ["number" if numbered else "text", *["text"] * (len(cells) - 1)]
    if clause_last:
        roles[-1] = "lead"
    return roles


def _names(cells: Iterable[str]) -> str:
    """The names in responsibility cells, one list: a cell may hold one name per paragraph (line)."""
    lines = [line.strip() for cell in cells for line in cell.split("\n") if line.strip()]
    return "".join(line if line.endswith(("、", "，", ",")) or i == len(lines) - 1 else line + "、"
                   for i, line in enumerate(lines))


def _clause(lead: str, co: str) -> str:
    if not (lead or co):
        return ""
    if lead and co:
        return f"（{lead}牵头，{co}参与）"
    names = lead or co
    return f"（{names}）" if _ASSIGNMENT_END.search(names) else f"（{names}负责）"


# Page furniture ------------------------------------------------------------------------------------

_EDGE_LINES = 3  # a page's furniture is among its first and last three lines (a header may take two)
_FURNITURE_SHARE = 0.5  # of the pages (at least two) whose edges show the same line shape


def join_pages(pages: list[str]) -> str:
    """The pages' text joined by line breaks, without the running headers, footers and page numbers
    that recur at the pages' edges."""
    page_lines = [[line for line in page.split("\n") if line.strip()] for page in pages]
    furniture = _furniture_shapes(page_lines)
    kept: list[str] = []
    for lines in page_lines:
        edge = set(range(min(_EDGE_LINES, len(lines)))) | set(range(max(0, len(lines) - _EDGE_LINES), len(lines)))
        kept += [line for i, line in enumerate(lines) if not (i in edge and _shape(line) in furniture)]
    return "\n".join(kept)


def _furniture_shapes(page_lines: list[list[str]]) -> set[str]:
    pages_with: dict[str, int] = {}
    for lines in page_lines:
        edges = {_shape(line) for line in (*lines[:_EDGE_LINES], *lines[-_EDGE_LINES:])}
        for shape in edges:
            pages_with[shape] = pages_with.get(shape, 0) + 1
    needed = max(2, _FURNITURE_SHARE * len(page_lines))
    return {shape for shape, count in pages_with.items() if count >= needed}


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))
