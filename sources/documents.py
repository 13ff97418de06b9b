"""Text out of Word (.docx) and PDF bytes.

This module owns the two binary document formats that `sources.read.read_bytes`
dispatches to.  Callers get plain text or a `PlanError` naming the file; a
python-docx, pypdf or zipfile exception never escapes, because these parsers run
on untrusted downloads and inbox files.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator

from transforms.models import PlanError

MAX_DOCX_UNCOMPRESSED = 50_000_000
# Markup tags in word/document.xml. A 100-task plan has some 20k (runs split by revision ids
# included); the cap leaves fifty times that, and refuses padding such as a million empty paragraphs.
MAX_DOCX_TAGS = 1_000_000
_XML_CHUNK_BYTES = 1 << 20
# Parts every WordprocessingML package has; a plain zip renamed to .docx lacks them.
_DOCX_REQUIRED_PARTS = ("[Content_Types].xml", "word/document.xml")


def docx_to_text(data: bytes, name: str, *, max_uncompressed: int = MAX_DOCX_UNCOMPRESSED) -> str:
    """Non-empty body paragraphs and table-cell paragraphs in document order, one per line.

    Empty paragraphs are dropped: Word uses them for spacing, and one must follow
    every table nested in a cell, so they carry no text structure.
    """
    _check_docx_package(data, name, max_uncompressed)
    import docx  # imported lazily: only docx sources need it

    try:
        document = docx.Document(io.BytesIO(data))
        return "\n".join(_block_lines(document))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors ... on bad packages
        raise PlanError(name, f"not a valid .docx document: {exc}") from exc


def _check_docx_package(data: bytes, name: str, max_uncompressed: int) -> None:
    """Refuse non-zips, non-Word zips and zip bombs before python-docx inflates anything.

    The declared sizes are a real bound: zipfile stops inflating a member at its
    declared size and fails the CRC check if the data does not match.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_members(archive.infolist(), name, max_uncompressed)
            _check_markup(archive, name)
    except PlanError:
        raise
    except (zipfile.BadZipFile, ValueError, EOFError, zlib.error) as exc:
        raise PlanError(name, f"not a valid .docx document: not a zip package, or a damaged one ({exc})") from exc


def _check_members(members: list[zipfile.ZipInfo], name: str, max_uncompressed: int) -> None:
    present = {member.filename for member in members}
    missing = [part for part in _DOCX_REQUIRED_PARTS if part not in present]
    if missing:
        raise PlanError(name, f"not a valid .docx document: zip package lacks {', '.join(missing)}")
    total = sum(member.file_size for member in members)
    if total > max_uncompressed:
        raise PlanError(name, f"not a valid .docx document: uncompressed size {total} bytes "
                              f"exceeds the limit of {max_uncompressed}")


def _check_markup(archive: zipfile.ZipFile, name: str) -> None:
    """Stream the body XML, counting its tags, before python-docx builds a tree of it: a few MB
    of empty paragraphs would cost python-docx minutes and gigabytes. The stream stops at the
    declared size, and a member whose data does not match it fails its CRC check."""
    tags = 0
    with archive.open("word/document.xml") as xml:
        while chunk := xml.read(_XML_CHUNK_BYTES):
            tags += chunk.count(b"<")
            if tags > MAX_DOCX_TAGS:
                raise PlanError(name, f"not a plan document: word/document.xml has more than {MAX_DOCX_TAGS} "
                                      "tags (a real plan has tens of thousands)")


def _block_lines(container) -> Iterator[str]:
    """Paragraph texts of a document or table cell, descending into tables in place."""
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            yield from _table_lines(block)
        elif block.text.strip():
            yield block.text


def _table_lines(table) -> Iterator[str]:
    # A merged cell is returned once per grid position it spans; emit its text only once.
    # The set keeps the lxml elements themselves: their proxies (and so ids) are only
    # stable while referenced.
    seen: set = set()
    for row in table.rows:
        for cell in row.cells:
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            yield from _block_lines(cell)


def pdf_to_text(data: bytes, name: str) -> str:
    """The text layer of every page, pages joined by a newline."""
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
    return "\n".join(pages)
