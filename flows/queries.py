"""Read-only access to the warehouse for commands that only look.

The connection is opened read-only and without access to outside files, so a query
typed by a user can neither change the warehouse nor read or write other files.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse.connection import connect, reporting_damage


@contextmanager
def read_only(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(db, read_only=True)
    try:
        with reporting_damage(db):
            yield con
    finally:
        con.close()


def run_query(con: duckdb.DuckDBPyConnection, query: str, params: list | None = None) -> tuple[list[str], list[tuple]]:
    cursor = con.execute(query, params or [])
    columns = [column[0] for column in cursor.description or []]
    return columns, cursor.fetchall()
