"""Read-only access to the warehouse for commands that only look.

The connection is opened read-only and without access to outside files, so a query
typed by a user can neither change the warehouse nor read or write other files.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from warehouse.connection import open as open_warehouse


def read_only(db: Path):
    """`warehouse.connection.open(db, "read")`: the one way every reader opens the file."""
    return open_warehouse(db, "read")


def run_query(con: duckdb.DuckDBPyConnection, query: str, params: list | None = None) -> tuple[list[str], list[tuple]]:
    cursor = con.execute(query, params or [])
    columns = [column[0] for column in cursor.description or []]
    return columns, cursor.fetchall()
