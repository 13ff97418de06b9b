"""Options and helpers every command group shares, so each flag reads the same everywhere."""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

DbOption = Annotated[Path | None, typer.Option("--db", help="DuckDB file (default: $IPPLANS_DB or data/ipplans.duckdb)")]
CsvOption = Annotated[bool, typer.Option("--csv", help="Print CSV instead of a table")]


class Lang(str, Enum):
    zh = "zh"
    en = "en"


TemporaryServerOption = Annotated[bool, typer.Option(
    "--temporary-server", envvar="IPPLANS_TEMPORARY_SERVER",
    help="Run flows on Prefect's temporary in-process server instead of the local one (for CI and tests)")]
LangOption = Annotated[Lang, typer.Option("--lang", help="Language of report labels; plan text is shown as written")]


def db_path(db: Path | None) -> Path:
    """The warehouse file `--db` names (the Workspace's rule: $IPPLANS_DB or data/ipplans.duckdb)."""
    from flows.workspace import Workspace

    return Workspace.at(db).db


def printable(text: str) -> str:
    """`text` with control characters, line and paragraph separators and invisible format characters
    (bidi overrides) written as escapes (`\\n`, `\\x1b`, `\\u202e`): a file name can then neither start a
    forged line nor hide or reorder what is printed."""
    return _UNPRINTABLE.sub(_escape, text)


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def _escape(match: re.Match) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


class DataConsole(Console):
    """A rich console whose every string (printed, or a table cell) is data: never read as markup,
    and shown through `printable`."""

    def render_str(self, text: str, **kwargs):
        return super().render_str(printable(text), **kwargs)


def data_console(stderr: bool = False, width: int | None = None) -> Console:
    """A console for printing data: names and texts are never read as rich markup, and their control
    characters are shown escaped."""
    return DataConsole(markup=False, highlight=False, stderr=stderr, width=width)


def print_csv(columns: list[str], rows) -> None:
    """CSV on stdout, every text cell through `printable`: a name holding a newline or a terminal escape
    cannot forge or hide a line here either (a CSV reader reads `\\n` back as two characters)."""
    import csv
    import sys

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([printable(value) if isinstance(value, str) else value for value in row] for row in rows)


def fail(message: str) -> None:
    """Print an error to stderr and exit with status 1."""
    data_console(stderr=True).print(f"error: {message}", style="red")
    raise typer.Exit(1)
