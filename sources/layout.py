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
whose shape (its digits aside) recurs at the edge of most pages (of three or more) is page furniture,
not the plan's text — unless it is the plan's own text: a department clause's end or a task or section
marker is never furniture, and the first copy of a heading a running header repeats is the title.

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
# Recurrence means something only over enough pages: on two pages a department clause wrapped onto
# its own line, or a section title, can sit at both pages' edges by chance.
_MIN_PAGES = 3
_FURNITURE_SHARE = 0.5  # a furniture shape sits at the edges of more than this share of the pages

# Lines that are the plan's own text, never furniture however often they recur at page edges: the end
# of a department clause (`（知识产权局负责）`, `…按职责分别负责)`), and task or section markers.
_CLAUSE_END = re.compile(r"(?:负责|牵头|参与|配合)\s*[）)]\s*[。；;，,]?$")
_MARKER = re.compile(r"^[#\s]*(?:\d{1,4}\s*[.、．)）](?!\d)|[一二三四五六七八九十]{1,3}\s*、|[（(][一二三四五六七八九十]{1,3}[）)])")
# A heading naming the plan or its notice. A running header may repeat it on every page; its first
# copy is the document's title (the year is read from it), only the later copies are furniture.
_HEADING = re.compile(r"^[#\s]*(?:\d{4}(?:\s*[—–\-－]\s*\d{4})?年)?[\u4e00-\u9fff“”《》（）()、]{4,80}(?:计划|通知)》?$")


def join_pages(pages: list[str]) -> str:
    """The pages' text joined by line breaks, without the running headers, footers and page numbers
    that recur at the pages' edges. Blank lines inside a page are kept (they end paragraphs); those at
    a page's edges are the page's margins, as the break between two pages is no paragraph end."""
    page_lines = [page.split("\n") for page in pages]
    furniture = _furniture_shapes(page_lines)
    headings_kept: set[str] = set()
    kept: list[str] = []
    for lines in page_lines:
        edge = set(_edge_indices(lines))
        page = []
        for i, line in enumerate(lines):
            shape = _shape(line)
            if i in edge and shape in furniture and _is_furniture(line):
                if not _HEADING.fullmatch(line.strip()) or shape in headings_kept:
                    continue
                headings_kept.add(shape)  # the title itself, which the later pages' header repeats
            page.append(line)
        kept += _without_edge_blanks(page)
    return "\n".join(kept)


def _edge_indices(lines: list[str]) -> list[int]:
    """The indices of a page's first and last few non-blank lines."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return filled[:_EDGE_LINES] + filled[-_EDGE_LINES:]


def _is_furniture(line: str) -> bool:
    text = line.strip()
    return not (_CLAUSE_END.search(text) or _MARKER.match(text))


def _without_edge_blanks(lines: list[str]) -> list[str]:
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return lines[filled[0]: filled[-1] + 1] if filled else []


def _furniture_shapes(page_lines: list[list[str]]) -> set[str]:
    if len(page_lines) < _MIN_PAGES:
        return set()
    pages_with: dict[str, int] = {}
    for lines in page_lines:
        for shape in {_shape(lines[i]) for i in _edge_indices(lines)}:
            pages_with[shape] = pages_with.get(shape, 0) + 1
    return {shape for shape, count in pages_with.items() if count > _FURNITURE_SHARE * len(page_lines)}


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))
