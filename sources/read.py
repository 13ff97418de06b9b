"""Read one local file (or fetched bytes) into a `SourceText`.

This module owns the byte → text step: choosing the format from the file name,
detecting the character encoding, and extracting the main text of HTML pages.
It knows nothing about plans; `transforms.parse` does.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from transforms.models import PlanError, SourceText

TEXT_FORMATS = {".md": "md", ".markdown": "md", ".txt": "txt", ".text": "txt"}
HTML_FORMATS = {".html": "html", ".htm": "html", ".shtml": "html", ".xhtml": "html"}
DOCUMENT_FORMATS = {".docx": "docx", ".pdf": "pdf"}
SUPPORTED_SUFFIXES = (*TEXT_FORMATS, *HTML_FORMATS, *DOCUMENT_FORMATS)
CONTENT_TYPES = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "txt",
                 "text/markdown": "md", "application/pdf": "pdf",
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx"}

# The encodings Chinese plan files come in besides UTF-8. Restricting detection to these
# keeps charset-normalizer from "finding" an exotic code page for random bytes.
CJK_ENCODINGS = ["gb18030", "big5", "utf_16", "utf_32"]
MAX_SOURCE_BYTES = 20_000_000


def read_source(path: Path) -> SourceText:
    """Read a local file; the source name is the file name as given."""
    path = Path(path)
    if not path.is_file():
        raise PlanError(path.name, f"no such file: {path}")
    size = path.stat().st_size
    if size > MAX_SOURCE_BYTES:
        raise PlanError(path.name, f"file is too large ({size} bytes; the limit is {MAX_SOURCE_BYTES})")
    return read_bytes(path.name, str(path), path.read_bytes())


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
        if fmt == "html":
            text = html_to_text(text, name)
    if not text.strip():
        raise PlanError(name, "no text could be read from the file")
    return SourceText(name=name, location=location, format=fmt, text=text,
                      sha256=hashlib.sha256(data).hexdigest(), encoding=encoding)


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode bytes: UTF-8 (with or without BOM) if valid, else a detected CJK encoding."""
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PlanError(name, "binary content (NUL bytes), not a text file")
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

    text = trafilatura.extract(html, favor_recall=True, include_tables=True,
                               include_comments=False, deduplicate=False)
    if not text:
        raise PlanError(name, "no main text found in the HTML page")
    return text
