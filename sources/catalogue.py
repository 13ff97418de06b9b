"""The catalogue of known yearly promotion plans, kept as reviewed data.

This module owns `sources/reference/plan_catalogue.csv` (one row per plan period,
2009–2025, compiled from the research notes in plan-catalogue.csv) and the rules
for reading it: a user CSV with the same columns may override or add periods.
The parser uses an entry to fill metadata a partial document lacks; the flows use
`official_url` to fetch.  Blank cells mean "not known", never a guess.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sources.read import read_file_bytes
from transforms.models import PlanError

COLUMNS = ("period", "title", "doc_number", "issued_on", "issuer", "official_url", "tasks_stated", "notes")
OPTIONAL_COLUMNS = ("sections_stated",)  # a user catalogue may leave it out
_PERIOD = re.compile(r"(\d{4})(?:-(\d{4}))?")


@dataclass(frozen=True)
class CatalogueEntry:
    period: str  # "2020" or "2021-2022", as in PlanMetadata.plan_id
    period_start: int
    period_end: int
    title: str | None
    doc_number: str | None
    issued_on: dt.date | None
    issuer: str | None
    official_url: str | None  # a government page with the full Chinese text
    tasks_stated: int | None  # the count given by the issuer or the press, not a parse result
    notes: str | None
    tasks_stated_more_than: bool = False  # written "100余" (100余项): more than tasks_stated
    sections_stated: int | None = None  # top-level sections (一、…) the press or the issuer states


def load_catalogue(extra: Path | None = None) -> list[CatalogueEntry]:
    """The packaged catalogue, with the rows of `extra` replacing or adding whole periods."""
    packaged = resources.files("sources").joinpath("reference/plan_catalogue.csv")
    entries = {entry.period: entry for entry in _read_csv(packaged.read_text(encoding="utf-8"), str(packaged))}
    if extra is not None:
        text = _read_text(Path(extra))
        entries.update((entry.period, entry) for entry in _read_csv(text, str(extra)))
    return sorted(entries.values(), key=lambda entry: (entry.period_start, entry.period_end))


def parse_period(period: str) -> tuple[int, int] | None:
    """(start, end) of a plan id such as "2020" or "2021-2022"; None when it is not one."""
    match = _PERIOD.fullmatch(period)
    if not match:
        return None
    start = int(match.group(1))
    end = int(match.group(2) or start)
    return None if match.group(2) and end <= start else (start, end)


def _read_text(path: Path) -> str:
    try:
        data = read_file_bytes(path)
    except PlanError as exc:
        raise PlanError(str(path), f"cannot read catalogue: {exc.problem}") from exc
    try:
        return data.decode("utf-8-sig")  # spreadsheet exports often start with a BOM
    except UnicodeDecodeError as exc:
        raise PlanError(str(path), f"catalogue is not UTF-8 text (invalid byte at position {exc.start}); "
                                   "save it as UTF-8 CSV") from exc


def entry_for_period(catalogue: list[CatalogueEntry], period_start: int,
                     period_end: int) -> CatalogueEntry | None:
    """The entry covering exactly this period, if the catalogue has one."""
    for entry in catalogue:
        if (entry.period_start, entry.period_end) == (period_start, period_end):
            return entry
    return None


def _read_csv(text: str, where: str) -> list[CatalogueEntry]:
    reader = csv.DictReader(io.StringIO(text))
    try:
        return _entries(reader, where)
    except csv.Error as exc:
        raise PlanError(where, f"line {reader.line_num}: not valid CSV ({exc})") from exc


def _entries(reader: csv.DictReader, where: str) -> list[CatalogueEntry]:
    header = tuple(reader.fieldnames or ())
    if not set(COLUMNS) <= set(header) <= set(COLUMNS) | set(OPTIONAL_COLUMNS) or len(set(header)) != len(header):
        raise PlanError(where, f"catalogue columns must be {', '.join(COLUMNS)}; found {', '.join(header) or 'none'}")
    entries: list[CatalogueEntry] = []
    seen: set[str] = set()
    for row in reader:
        line = reader.line_num
        if None in row or any(value is None for value in row.values()):
            raise PlanError(where, f"line {line}: expected {len(COLUMNS)} cells")
        entry = _entry(row, f"{where}: line {line}")
        if entry.period in seen:
            raise PlanError(where, f"line {line}: period {entry.period} appears twice")
        seen.add(entry.period)
        entries.append(entry)
    return entries


def _entry(row: dict[str, str], where: str) -> CatalogueEntry:
    cells = {column: ((row.get(column) or "").strip() or None) for column in (*COLUMNS, *OPTIONAL_COLUMNS)}
    period = cells["period"] or ""
    if not _PERIOD.fullmatch(period):
        raise PlanError(where, f"period {period!r} is not YYYY or YYYY-YYYY")
    if parse_period(period) is None:
        raise PlanError(where, f"period {period!r} must end in a later year than it starts")
    start, end = parse_period(period)
    url = cells["official_url"]
    if url and not url.startswith(("http://", "https://")):
        raise PlanError(where, f"official_url {url!r} is not an http(s) URL")
    return CatalogueEntry(period=period, period_start=start, period_end=end, title=cells["title"],
                          doc_number=cells["doc_number"], issued_on=_date(cells["issued_on"], where),
                          issuer=cells["issuer"], official_url=url,
                          tasks_stated=_count(_more_than(cells["tasks_stated"])[0], where, "tasks_stated"),
                          notes=cells["notes"], tasks_stated_more_than=_more_than(cells["tasks_stated"])[1],
                          sections_stated=_count(cells["sections_stated"], where, "sections_stated"))


def _date(value: str | None, where: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise PlanError(where, f"issued_on {value!r} is not an ISO date (YYYY-MM-DD)") from exc


def _more_than(value: str | None) -> tuple[str | None, bool]:
    """"100余" (as in 100余项) is "more than 100"."""
    if value is not None and value.endswith("余"):
        return value[:-1], True
    return value, False


def _count(value: str | None, where: str, column: str = "tasks_stated") -> int | None:
    if value is None:
        return None
    if not value.isdigit() or int(value) == 0:
        raise PlanError(where, f"{column} {value!r} is not a positive whole number (or N余 for tasks_stated)")
    return int(value)
