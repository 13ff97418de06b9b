"""The steps the flows are made of, as plain functions (no Prefect here).

Each step calls into one package: `read` into sources, `prepare`/`write` into the
warehouse, `validate_load`/`check_links` into expectations, `match` into
transforms.matching. Flows wrap them as Prefect tasks; tests and the benchmarks may
call them directly. Heavy packages (GX, the matcher) are imported inside the step
that needs them, so importing this module stays cheap.

The files a run uses live beside the DuckDB file (`data/` by default): the HTTP
cache `http-cache/`, the inbox `inbox/` and the link overrides `link_overrides.csv`;
reports go to `reports/` under the current directory.
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from transforms.models import ParsedPlan, SourceText
from warehouse.connection import connect, default_db_path, reporting_damage
from warehouse.load import LoadResult, PlanLoad, loaded_sha256, prepare_load, write_load

_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


@dataclass(frozen=True)
class SourceFailure:
    """A source that could not be loaded, and why."""

    source: str
    problem: str
    location: str

    def __str__(self) -> str:
        return f"{self.source}: {self.problem}"


@dataclass(frozen=True)
class NotModified:
    """A page the server reports unchanged since it was last fetched: no body was sent."""

    location: str
    name: str
    sha256: str


# ---- where things are -------------------------------------------------------------------

def warehouse_path(db: str | Path | None) -> Path:
    return Path(db) if db is not None else default_db_path()


def http_cache_dir(db: str | Path | None) -> Path:
    return warehouse_path(db).parent / "http-cache"


def inbox_dir(db: str | Path | None) -> Path:
    return warehouse_path(db).parent / "inbox"


def overrides_file(db: str | Path | None) -> Path:
    return warehouse_path(db).parent / "link_overrides.csv"


def is_url(location: str) -> bool:
    return bool(_URL.match(location))


@functools.cache
def load_registry_and_catalogue(catalogue_file: str | None = None):
    """The department registry and the plan catalogue (packaged, plus the user's CSV if given)."""
    from sources.catalogue import load_catalogue
    from sources.registry import load_department_registry

    return load_department_registry(), load_catalogue(Path(catalogue_file) if catalogue_file else None)


# ---- ingest ------------------------------------------------------------------------------

def read(location: str, cache_dir: Path | None, policy=None) -> SourceText | NotModified:
    """A local path, or an http(s) URL fetched through the page cache in `cache_dir`.

    `cache_dir=None` downloads the page in full: used when the cache says "not modified"
    but the warehouse does not hold that content (e.g. the DuckDB file was deleted).
    """
    if not is_url(location):
        from sources.read import read_source

        return read_source(Path(location))
    from sources.fetch import FetchPolicy, fetch_url, source_name

    policy = policy or FetchPolicy()
    if cache_dir is None:
        with tempfile.TemporaryDirectory() as scratch:
            return fetch_url(location, Path(scratch), policy).source
    result = fetch_url(location, cache_dir, policy)
    if result.source is None:
        return NotModified(location, source_name(result.final_url), result.sha256)
    return result.source


def parse(source: SourceText, catalogue) -> ParsedPlan:
    from transforms.parse import parse_plan

    return parse_plan(source, catalogue)


def already_loaded(con: duckdb.DuckDBPyConnection, name: str, sha256: str) -> bool:
    """True when the warehouse holds exactly these bytes for this source name."""
    return loaded_sha256(con, name) == sha256


def prepare(con: duckdb.DuckDBPyConnection, parsed: ParsedPlan, registry, catalogue=None) -> PlanLoad | LoadResult:
    return prepare_load(con, parsed, registry, catalogue)


def validate_load(con: duckdb.DuckDBPyConnection, load: PlanLoad) -> list[str]:
    """Run the plan suites on the rows about to be written; blocking failures raise."""
    from expectations.gate import check_plan_load

    return check_plan_load(con, load)


def write(con: duckdb.DuckDBPyConnection, load: PlanLoad) -> LoadResult:
    return write_load(con, load)


def open_warehouse(db: str | Path | None):
    """`warehouse.connection.open(db, "write")`, the writers' side of the one opener."""
    from warehouse.connection import open as open_for

    return open_for(warehouse_path(db), "write")


# ---- link --------------------------------------------------------------------------------

def read_link_inputs(con: duckdb.DuckDBPyConnection, registry, rebuild: bool = False):
    """Every task with its resolved departments, the lineage ids given so far, and the last
    matching (None with `rebuild`: every plan is matched again)."""
    from warehouse.links import read_previous_lineage, read_prior_matching, read_tasks_frame

    prior = None if rebuild else read_prior_matching(con)
    return read_tasks_frame(con, registry), read_previous_lineage(con), prior


def read_overrides_text(path: Path, known_plans=None) -> str:
    """The curated link decisions file as text, every row checked (PlanError naming file and line);
    a missing file means none."""
    from sources.overrides import read_overrides_file

    return read_overrides_file(Path(path), known_plans)


def check_run_files(db: str | Path | None, catalogue_file: str | None, overrides: str | None) -> None:
    """Read the catalogue and the overrides file first: a bad one stops a run before any source is
    read or loaded (PlanError naming the file and the line). An override must name a plan of the
    catalogue or of the warehouse."""
    _, catalogue = load_registry_and_catalogue(catalogue_file)
    path = Path(overrides) if overrides else overrides_file(db)
    if os.path.lexists(path):
        read_overrides_text(path, {entry.period for entry in catalogue} | _warehouse_plan_ids(db))


def _warehouse_plan_ids(db: str | Path | None) -> set[str]:
    if not os.path.exists(warehouse_path(db)):
        return set()
    con = connect(warehouse_path(db), read_only=True)
    try:
        with reporting_damage(warehouse_path(db)):
            return {row[0] for row in con.execute("select plan_id from raw_plans").fetchall()}
    finally:
        con.close()


def links_stale(con: duckdb.DuckDBPyConnection, overrides_text: str) -> bool:
    """Whether tasks or overrides changed since the last matching (or there was none)."""
    from warehouse.link_state import link_fingerprint, linked_fingerprint

    return link_fingerprint(con, overrides_text) != linked_fingerprint(con)


def match(tasks, previous_lineage, overrides, prior=None):
    from transforms.matching.matcher import match_plans

    return match_plans(tasks, previous_lineage, overrides, prior=prior)


def write_links(con: duckdb.DuckDBPyConnection, result) -> None:
    from warehouse.links import write_match_result

    write_match_result(con, result)


def check_links(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The link suite on what was just written; a blocking failure raises QualityError (→ rollback)."""
    from expectations.gate import QualityError, check_links as link_suite
    from expectations.reports import QualityWarning

    report = link_suite(con)
    if not report.success:
        raise QualityError(report.suite, [report])
    return [QualityWarning(report.suite, None, outcome) for outcome in report.warnings]


# ---- progress ----------------------------------------------------------------------------

class ProgressListener:
    """Hears the flows announce their steps. This one ignores them; the CLI plugs in a rich bar."""

    def start(self, step: str, total: int) -> None:
        pass

    def advance(self, step: str, amount: int = 1) -> None:
        pass


_listener = ProgressListener()


@contextmanager
def progress_to(listener: ProgressListener) -> Iterator[None]:
    """Send the flows' progress to `listener` while inside (flow bodies run in the caller's thread)."""
    global _listener
    previous, _listener = _listener, listener
    try:
        yield
    finally:
        _listener = previous


def progress_start(step: str, total: int) -> None:
    _listener.start(step, total)


def progress_advance(step: str, amount: int = 1) -> None:
    _listener.advance(step, amount)
