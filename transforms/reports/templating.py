"""The Jinja2 environment of the report templates (`transforms/reports/templates/`), and escaping.

HTML and SVG templates are autoescaped. Markdown templates are not (Markdown is not HTML), so
every piece of plan text goes through the `md` filter there: HTML-escaped, because the Markdown
also carries `<del>`/`<ins>` and `<br>` tags, and with the characters that would break a
Markdown table or start emphasis backslash-escaped.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from transforms.reports.textdiff import Piece

TEMPLATES = Path(__file__).parent / "templates"
_MARKDOWN_SPECIAL = re.compile(r"([\\|*_`\[\]])")
# The viewer's fonts draw the Chinese labels; these are the common CJK fonts per platform
FONT_FAMILY = '"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif'


@functools.cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=lambda name: bool(name) and not name.endswith(".md.j2"),
        undefined=StrictUndefined,  # a misspelt variable fails the render instead of printing nothing
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md
    env.globals["font_family"] = FONT_FAMILY
    return env


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)


def md(value: object) -> str:
    """Plan text for a Markdown table cell or list item."""
    text = " ".join(str(value if value is not None else "").split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(escape(text)))


def pieces_html(pieces: list[Piece]) -> Markup:
    """Diff pieces as HTML: removed text in <del>, added text in <ins>."""
    parts = []
    for piece in pieces:
        text = escape(piece.text)
        parts.append(text if piece.op == "same" else Markup(f"<{piece.op}>{text}</{piece.op}>"))
    return Markup("").join(parts)


def pieces_markdown(pieces: list[Piece]) -> str:
    """Diff pieces for Markdown, which renders the same <del>/<ins> tags."""
    return "".join(md(p.text) if p.op == "same" else f"<{p.op}>{md(p.text)}</{p.op}>" for p in pieces)
