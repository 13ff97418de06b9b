"""The steps the flows are made of, as plain functions (no Prefect here).

Each step calls into one package: `read` into sources, `prepare`/`write` into the
warehouse, `validate_load` into expectations. Flows wrap them as Prefect tasks; tests
and the benchmarks may call them directly.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from transforms.models import ParsedPlan, SourceText
from warehouse.connection import connect
from warehouse.load import LoadResult, PlanLoad, prepare_load, write_load

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "sources" / "samples"
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


@dataclass(frozen=True)
class SourceFailure:
    """A source that could not be loaded, and why."""

    source: str
    problem: str
    location: str

    def __str__(self) -> str:
        return f"{self.source}: {self.problem}"


def bundled_sample() -> Path:
    return SAMPLES_DIR / "2020.gov.md"


def shared_plan_files() -> list[Path]:
    """Every plan file in ../shared/plans (beside the checkout), when that folder exists."""
    from sources.read import SUPPORTED_SUFFIXES

    candidates = [Path.cwd().parent / "shared" / "plans", Path(__file__).resolve().parents[2] / "shared" / "plans"]
    for folder in candidates:
        if folder.is_dir():
            return sorted(p for p in folder.iterdir()
                          if p.suffix.lower() in SUPPORTED_SUFFIXES and p.name.upper() != "README.MD")
    return []


@functools.cache
def load_registry_and_catalogue():
    from sources.catalogue import load_catalogue
    from sources.registry import load_department_registry

    return load_department_registry(), load_catalogue()


def read(location: str) -> SourceText | None:
    """A local path, or an http(s) URL fetched through the page cache (None: unchanged since last fetch)."""
    from sources.read import read_source

    if _URL.match(location):
        from sources.fetch import fetch_url

        return fetch_url(location, cache_dir=fetch_cache_dir()).source
    return read_source(Path(location))


def fetch_cache_dir() -> Path:
    from warehouse.connection import default_db_path

    return default_db_path().parent / "http-cache"


def prepare(con: duckdb.DuckDBPyConnection, parsed: ParsedPlan, registry) -> PlanLoad | LoadResult:
    return prepare_load(con, parsed, registry)


def validate_load(con: duckdb.DuckDBPyConnection, load: PlanLoad) -> list[str]:
    """Run the plan suites on the rows about to be written; blocking failures raise."""
    from expectations.gate import check_plan_load

    return check_plan_load(con, load)


def write(con: duckdb.DuckDBPyConnection, load: PlanLoad) -> LoadResult:
    return write_load(con, load)


@contextmanager
def open_warehouse(db: str | Path | None) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(db)
    try:
        yield con
    finally:
        con.close()
