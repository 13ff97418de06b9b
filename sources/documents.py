"""Text out of Word (.docx) and PDF bytes.

This module owns the two binary document formats that `sources.read.read_bytes`
dispatches to.  Callers get plain text or a `PlanError` naming the file; an lxml,
pypdf or zipfile exception never escapes, because these parsers run on untrusted
downloads and inbox files. Word files are checked from the zip directory and their
body XML is streamed with a cap on elements, so no .docx costs more than a bounded
amount of memory and time.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator

from lxml import etree

from sources.layout import join_pages, table_rows_as_lines
from sources.word_numbering import ListNumbering, read_numbering
from transforms.models import PlanError

MAX_DOCX_UNCOMPRESSED = 50_000_000
# Elements in word/document.xml. A 100-task plan has some 10-20k (runs split by revision ids
# included); the cap leaves 25 times that, and refuses padding such as a million empty paragraphs.
MAX_DOCX_ELEMENTS = 500_000
_XML_CHUNK_BYTES = 1 << 20
# What each run child contributes to a paragraph's text (w:t contributes its own text).
_RUN_TEXT = {"t": "", "tab": "\t", "ptab": "\t", "br": "\n", "cr": "\n", "noBreakHyphen": "-"}
# Parts every WordprocessingML package has; a plain zip renamed to .docx lacks them.
_DOCX_REQUIRED_PARTS = ("[Content_Types].xml", "word/document.xml")


def docx_to_text(data: bytes, name: str, *, max_uncompressed: int = MAX_DOCX_UNCOMPRESSED) -> str:
    """Non-empty body paragraphs and table-cell paragraphs in document order, one per line.

    Empty paragraphs are dropped: Word uses them for spacing, and one must follow
    every table nested in a cell, so they carry no text structure. The body XML is
    streamed (never built into a tree) after its tags were counted: more than
    MAX_DOCX_ELEMENTS is refused.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_members(archive.infolist(), name, max_uncompressed)
            _check_markup_count(archive, name)
            numbering = read_numbering(archive)
            with archive.open("word/document.xml") as xml:
                return "\n".join(line for line in _lines(_blocks(xml, numbering)) if line.strip())
    except PlanError:
        raise
    except (zipfile.BadZipFile, ValueError, EOFError, zlib.error) as exc:
        raise PlanError(name, f"not a valid .docx document: not a zip package, or a damaged one ({exc})") from exc
    except etree.XMLSyntaxError as exc:
        raise PlanError(name, f"not a valid .docx document: word/document.xml is not well-formed ({exc})") from exc


def _check_members(members: list[zipfile.ZipInfo], name: str, max_uncompressed: int) -> None:
    """Refuse non-Word zips and zip bombs from the zip directory, before inflating anything.

    The declared sizes are a real bound: zipfile stops inflating a member at its
    declared size and fails the CRC check if the data does not match.
    """
    present = {member.filename for member in members}
    missing = [part for part in _DOCX_REQUIRED_PARTS if part not in present]
    if missing:
        raise PlanError(name, f"not a valid .docx document: zip package lacks {', '.join(missing)}")
    total = sum(member.file_size for member in members)
    if total > max_uncompressed:
        raise PlanError(name, f"not a valid .docx document: uncompressed size {total} bytes "
                              f"exceeds the limit of {max_uncompressed}")


def _check_markup_count(archive: zipfile.ZipFile, name: str) -> None:
    """Count the body's tags on the raw stream first (at C speed; every element has at least one),
    so a padded document is refused in a fraction of the time parsing it would take."""
    tags = 0
    with archive.open("word/document.xml") as xml:
        while chunk := xml.read(_XML_CHUNK_BYTES):
            tags += chunk.count(b"<")
            if tags > MAX_DOCX_ELEMENTS:
                raise _too_many_elements(name)


def _too_many_elements(name: str) -> PlanError:
    return PlanError(name, f"not a plan document: word/document.xml has more than {MAX_DOCX_ELEMENTS} "
                           "elements (a real plan has tens of thousands)")


def _lines(blocks: Iterator[str | list[str]]) -> Iterator[str]:
    """Paragraph texts as they are; consecutive table rows through `table_rows_as_lines`."""
    rows: list[list[str]] = []
    for block in blocks:
        if isinstance(block, list):
            rows.append(block)
            continue
        yield from table_rows_as_lines(rows)
        rows = []
        yield block
    yield from table_rows_as_lines(rows)


def _blocks(xml, numbering: ListNumbering) -> Iterator[str | list[str]]:
    """The body in document order: the text of each body paragraph, and each table row as the list
    of its cells' texts (a cell's paragraphs, and those of a table nested in it, one per line).

    A paragraph's text is that of its runs (direct, or inside a hyperlink): w:t, tabs and
    breaks; deleted text, field codes, and paragraphs inside text boxes are not text of the plan.
    A paragraph Word numbers automatically gets its number in front (`sources.word_numbering`).
    Each element is dropped once read, so memory stays flat; `_check_markup_count` has bounded
    how many there are.
    """
    parser = etree.iterparse(xml, events=("start", "end"), resolve_entities=False, no_network=True,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    path: list[str] = []  # local names from the root to the current element
    pieces: list[list[str]] = []  # the text gathered for each open paragraph
    numbered: list[dict[str, str]] = []  # each open paragraph's style, list id and level
    rows: list[list[list[str]]] = []  # open table rows (nested tables inside cells): cells of paragraphs
    for event, element in parser:
        tag = element.tag.rpartition("}")[2].rpartition(":")[2]  # local name, even with an undeclared prefix
        if event == "start":
            path.append(tag)
            if tag == "p":
                pieces.append([])
                numbered.append({})
            elif tag == "tr":
                rows.append([])
            elif tag == "tc" and rows:
                rows[-1].append([])
            continue
        path.pop()
        if tag in _RUN_TEXT and pieces and _in_paragraph_run(path):
            pieces[-1].append(_run_piece(tag, element))
        elif numbered and (tag == "pStyle" and path[-2:] == ["p", "pPr"] or
                           tag in ("numId", "ilvl") and path[-3:] == ["p", "pPr", "numPr"]):
            numbered[-1][tag] = _value(element)
        elif tag == "p":
            props = numbered.pop()
            text = "".join(pieces.pop())
            if text.strip() and (props.get("numId") or props.get("pStyle")):
                level = props.get("ilvl")
                text = numbering.label(props.get("numId"), int(level) if level and level.isdigit() else None,
                                       props.get("pStyle")) + text
            if not (_is_block(path) and text.strip()):
                pass
            elif rows and rows[-1] and _in_cell(path):
                rows[-1][-1].append(text)
            elif not rows:
                yield text
        elif tag == "tr" and rows:
            cells = ["\n".join(paragraphs) for paragraphs in rows.pop()]
            if rows and rows[-1]:  # a table nested in a cell: its text belongs to that cell
                rows[-1][-1].extend(cell for cell in cells if cell)
            else:
                yield cells
        _forget(element)


def _value(element) -> str:
    return next((value for key, value in element.attrib.items() if key.rpartition("}")[2] == "val"), "")


def _in_cell(path: list[str]) -> bool:
    parents = [tag for tag in path if tag not in ("sdt", "sdtContent")]
    return bool(parents) and parents[-1] == "tc"


def _run_piece(tag: str, element) -> str:
    if tag == "t":
        return element.text or ""
    if tag == "br" and element.get(f"{{{element.nsmap.get('w', '')}}}type") in ("page", "column"):
        return ""  # a page break is layout, not a line of the plan
    return _RUN_TEXT[tag]


def _in_paragraph_run(path: list[str]) -> bool:
    # ... p / r / t, or p / hyperlink / r / t
    return len(path) >= 2 and path[-1] == "r" and (path[-2] == "p" or path[-2:] == ["hyperlink", "r"] and
                                                   len(path) >= 3 and path[-3] == "p")


def _is_block(path: list[str]) -> bool:
    """A paragraph directly in the body or in a table cell (content controls are looked through)."""
    parents = [tag for tag in path if tag not in ("sdt", "sdtContent")]
    return bool(parents) and parents[-1] in ("body", "tc")


def _forget(element) -> None:
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def pdf_to_text(data: bytes, name: str) -> str:
    """The text layer of every page, pages joined by a newline, without the running headers, footers
    and page numbers that recur at the pages' edges (`sources.layout.join_pages`)."""
    from pypdf import PdfReader  # imported lazily: only pdf sources need it

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise PlanError(name, "PDF is encrypted with a password")
        pages = [page.extract_text() or "" for page in reader.pages]
    except PlanError:
        raise
    except Exception as exc:  # pypdf raises PdfReadError, KeyError, ValueError ... on broken files
        raise PlanError(name, f"not a readable PDF: {exc}") from exc
    if not any(page.strip() for page in pages):
        raise PlanError(name, "PDF has no text layer (scanned?)")
    return join_pages(pages)
