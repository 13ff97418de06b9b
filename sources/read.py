"""Read one local file (or fetched bytes) into a `SourceText`.

This module owns the byte → text step: choosing the format from the file name,
detecting the character encoding, and extracting the main text of HTML pages.
It knows nothing about plans; `transforms.parse` does.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sources.layout import join_pages, table_rows_as_lines
from transforms.models import PlanError, SourceText

TEXT_FORMATS = {".md": "md", ".markdown": "md", ".txt": "txt", ".text": "txt"}
HTML_FORMATS = {".html": "html", ".htm": "html", ".shtml": "html", ".xhtml": "html"}
DOCUMENT_FORMATS = {".docx": "docx", ".pdf": "pdf"}
SUPPORTED_SUFFIXES = (*TEXT_FORMATS, *HTML_FORMATS, *DOCUMENT_FORMATS)
CONTENT_TYPES = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "txt",
                 "text/markdown": "md", "application/pdf": "pdf",
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx"}

# The encodings Chinese plan files come in besides UTF-8 (Big5-HKSCS: Hong Kong copies). Restricting detection to these
# keeps charset-normalizer from "finding" an exotic code page for random bytes.
CJK_ENCODINGS = ["gb18030", "big5", "big5hkscs", "utf_16", "utf_32"]
MAX_SOURCE_BYTES = 20_000_000
HASH_CHUNK_BYTES = 1 << 20  # hashing reads this much at a time, so memory stays flat whatever the file size

# What an OSError from opening or reading a file means for the person who named it.
_OS_PROBLEMS = {
    errno.ENOENT: "no such file",
    errno.EACCES: "permission denied: the file cannot be read by this user",
    errno.EPERM: "permission denied: the file cannot be read by this user",
    errno.EISDIR: "a folder, not a regular file",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.ENAMETOOLONG: "the path or file name is too long for the file system",
    errno.ELOOP: "too many levels of symbolic links",
    errno.EIO: "input/output error while reading (a damaged disk or a file that cannot be read as data)",
}


def read_source(path: Path) -> SourceText:
    """Read a local file; the source name is the file name as given."""
    path = Path(path)
    source_format(path.name)  # an unsupported file is refused before any of it is read
    return read_bytes(path.name, str(path), read_file_bytes(path))


def read_file_bytes(path: Path, limit: int = MAX_SOURCE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; any other outcome is a PlanError naming it."""
    with open_regular_file(path) as (file, size):
        if size > limit:
            raise PlanError(Path(path).name, f"file is too large ({size} bytes; the limit is {limit})")
        data = _read_at_most(file, limit + 1)
    if len(data) > limit:  # the size on disk lied (a growing file, a special file)
        raise PlanError(Path(path).name, f"file is too large (more than {limit} bytes)")
    return data


def file_sha256(path: Path, limit: int = MAX_SOURCE_BYTES) -> str | None:
    """The sha256 of a readable file of at most `limit` bytes, read in chunks; None for any other file
    (reading it will refuse it with the reason)."""
    try:
        with open_regular_file(path) as (file, size):
            if size > limit:
                return None
            digest, read = hashlib.sha256(), 0
            while chunk := _read_at_most(file, HASH_CHUNK_BYTES):
                read += len(chunk)
                if read > limit:
                    return None
                digest.update(chunk)
            return digest.hexdigest()
    except PlanError:
        return None


@contextmanager
def open_regular_file(path: Path) -> Iterator[tuple[object, int]]:
    """(open binary file, size) of a regular file. The one place where opening or reading a local
    file can fail: every OSError leaves here as a PlanError naming the file and the problem.

    The file is opened without blocking, so a FIFO given as a plan cannot hang the run waiting
    for a writer; what was opened is then checked to be a regular file.
    """
    path = Path(path)
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise PlanError(path.name, _os_problem(exc, path)) from exc
    try:
        with os.fdopen(descriptor, "rb") as file:
            mode = os.fstat(descriptor)
            if not stat.S_ISREG(mode.st_mode):
                raise PlanError(path.name, f"{_kind(mode.st_mode)}, not a regular file: {path}")
            yield file, mode.st_size
    except OSError as exc:
        raise PlanError(path.name, _os_problem(exc, path)) from exc


def _read_at_most(file, count: int) -> bytes:
    chunks, left = [], count
    while left > 0 and (chunk := file.read(min(left, HASH_CHUNK_BYTES))):
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _os_problem(exc: OSError, path: Path) -> str:
    if exc.errno == errno.ENOENT and os.path.islink(path):
        return f"broken symbolic link to {os.readlink(path)}: {path}"
    problem = _OS_PROBLEMS.get(exc.errno, f"cannot read the file ({exc.strerror or exc})")
    return f"{problem}: {path}"


def _kind(mode: int) -> str:
    kinds = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
             (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))
    return next((name for test, name in kinds if test(mode)), "a special file")


def source_format(name: str, content_type: str | None = None) -> str:
    """The format of a source, from its name's suffix or, failing that, its content type."""
    suffix = Path(name).suffix.lower()
    for table in (TEXT_FORMATS, HTML_FORMATS, DOCUMENT_FORMATS):
        if suffix in table:
            return table[suffix]
    if content_type:
        mime = content_type.split(";")[0].strip().lower()
        if mime in CONTENT_TYPES:
            return CONTENT_TYPES[mime]
    supported = ", ".join(SUPPORTED_SUFFIXES)
    raise PlanError(name, f"unsupported format {suffix or '(no suffix)'!r}; supported: {supported}")


def read_bytes(name: str, location: str, data: bytes, *, content_type: str | None = None) -> SourceText:
    """Turn raw bytes into text according to the source's format."""
    fmt = source_format(name, content_type)
    if not data.strip():
        raise PlanError(name, "the file is empty")
    if len(data) > MAX_SOURCE_BYTES:
        raise PlanError(name, f"source is too large ({len(data)} bytes; the limit is {MAX_SOURCE_BYTES})")
    encoding = "utf-8"
    if fmt in ("docx", "pdf"):
        from sources import documents  # python-docx and pypdf are only imported when needed

        text = documents.docx_to_text(data, name) if fmt == "docx" else documents.pdf_to_text(data, name)
    else:
        text, encoding = decode_text(data, name)
        if "\f" in text and fmt != "html":  # pages of a PDF saved as text (pdftotext): drop their furniture
            text = join_pages(text.split("\f"))
        if fmt == "html":
            text = html_to_text(text, name)
    if not text.strip():
        raise PlanError(name, "no text could be read from the file")
    return SourceText(name=name, location=location, format=fmt, text=text,
                      sha256=hashlib.sha256(data).hexdigest(), encoding=encoding)


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode bytes: UTF-8 (with or without BOM) if valid, else a detected CJK encoding."""
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        decoded = _utf16_without_bom(data)
        if decoded is None:
            raise PlanError(name, "binary content (NUL bytes), not a text file")
        return decoded
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", name), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=CJK_ENCODINGS).best()
    if best is None or best.encoding is None:
        raise PlanError(name, "undecodable text: not UTF-8, GB18030/GBK or Big5")
    text = _strict(data, best.encoding, name)
    if _control_ratio(text) > 0.01:
        raise PlanError(name, f"binary content: decoding as {best.encoding} gives control characters")
    return text, best.encoding


# UTF-16 saved without a byte-order mark has a NUL in every ASCII character (digits, line breaks,
# punctuation) but none in Chinese text. It is taken for UTF-16 only when one byte order decodes to
# text that is nearly all of the kinds a plan is written in; anything else with NULs is binary.
_PLAN_CHARACTERS = re.compile(r"[\t\n\r\x20-\x7e\u00a0-\u00ff\u2000-\u206f\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
_PLAN_CHARACTER_SHARE = 0.95


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    if len(data) % 2:
        return None
    for encoding in ("utf_16_le", "utf_16_be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if len(_PLAN_CHARACTERS.findall(text)) >= _PLAN_CHARACTER_SHARE * len(text):
            return text, encoding
    return None


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise PlanError(name, f"undecodable text: invalid {encoding} at byte {exc.start}") from exc


def _control_ratio(text: str) -> float:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
    return controls / max(len(text), 1)


def html_to_text(html: str, name: str) -> str:
    """Extract the main text of a page, one paragraph per line.

    trafilatura drops navigation and boilerplate but can also drop short lines such as
    a document number, so the recall-oriented mode is used; the parser tolerates chrome.
    """
    import trafilatura

    if re.search(r"<ol[\s>]", html, re.IGNORECASE):
        html = _numbered_list_items(html)
    text = trafilatura.extract(html, favor_recall=True, include_tables=True,
                               include_comments=False, deduplicate=False)
    if not text:
        raise PlanError(name, "no main text found in the HTML page")
    return _table_cells_as_lines(text)


# The number a browser draws before an ordered list's item is not in the page's text (trafilatura gives
# `- item`); a page that lists tasks as <ol><li> would have no task markers. Each item gets its number
# as text, from the list's `start` (an item that prints its own number is left alone).
_PRINTED_NUMBER = re.compile(r"\s*[（(]?\d+[.、．）)]")


def _numbered_list_items(html: str) -> str:
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.document_fromstring(html)
    except (ValueError, etree.ParserError):
        return html
    for ordered in root.iter("ol"):
        start = ordered.get("start", "1").strip()
        number = int(start) if start.lstrip("-").isdigit() else 1
        for item in ordered.iterchildren("li"):
            if not _PRINTED_NUMBER.match(item.text_content()):
                item.text = f"{number}.{item.text or ''}"
            number += 1
    return lxml_html.tostring(root, encoding="unicode")


# trafilatura prints a table as Markdown rows (`| cell | cell |`); pages that lay a plan out in
# table cells put one paragraph, or one task's number, text and departments, in each cell.
_TABLE_RULE = re.compile(r"^\|?(?:\s*:?-{3,}:?\s*\|)+\s*$")


def _table_cells_as_lines(text: str) -> str:
    lines: list[str] = []
    rows: list[list[str]] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if _TABLE_RULE.match(stripped):
            continue
        if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
            rows.append(stripped[1:-1].split("|"))
            continue
        lines += table_rows_as_lines(rows)
        rows = []
        lines.append(line)
    lines += table_rows_as_lines(rows)
    return "\n".join(lines)
