"""Shared fixtures: paths to ../shared, a fresh warehouse file, a real Prefect server.

Prefect is started once per test session and only for tests that ask for
`prefect_server`; everything else runs without it. Set PREFECT_API_URL to reuse a
server you already run (`prefect server start`) and skip the start-up.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PLANS = SHARED / "plans"

# Before Prefect is imported anywhere: keep test runs out of the developer's ~/.prefect.
os.environ.setdefault("PREFECT_HOME", str(ROOT / "tests" / ".prefect-test-home"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
# Flows run on the session's server (`prefect_server`) or a temporary one: a test never starts the
# local background server unless it asks for it (tests/flows/test_server.py), so none is left running.
os.environ.setdefault("IPPLANS_TEMPORARY_SERVER", "1")


@pytest.fixture(scope="session")
def shared_plans() -> Path:
    assert PLANS.is_dir(), f"the shared plans are expected beside the checkout, at {PLANS}"
    return PLANS


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"


@pytest.fixture(scope="session")
def prefect_server():
    """A real Prefect API for the whole session; yields its URL."""
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    heartbeat_off = {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    if os.environ.get("PREFECT_API_URL"):
        with temporary_settings(updates=heartbeat_off):
            yield os.environ["PREFECT_API_URL"]
        return
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120), temporary_settings(updates=heartbeat_off):
        yield PREFECT_API_URL.value()


# A refused run is recorded in the run history on purpose; every other table must stay as it was.
RUN_HISTORY_TABLES = ("raw_runs", "raw_validation_warnings")


def warehouse_checksums(db: Path) -> dict[str, str] | None:
    """A checksum of every data table's rows, to show that a failed load changed nothing (None: no file)."""
    if not db.exists():
        return None
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [row[0] for row in con.execute(
            "select table_name from information_schema.tables where table_type = 'BASE TABLE' "
            "order by table_name").fetchall()]
        sums = {}
        for table in (t for t in tables if t not in RUN_HISTORY_TABLES):
            rows = con.execute(f'select * from "{table}"').fetchall()
            sums[table] = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
        return sums
    finally:
        con.close()
