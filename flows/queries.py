"""`Rows`: what a command that lists something returns, and `query`, which reads them.

Every reader opens the warehouse with `warehouse.connection.open(db, "read")`: read-only and
without access to outside files, so a query typed by a user can neither change the warehouse nor
read or write other files.
"""

from __future__ import annotations

from typing import NamedTuple

import duckdb


class Rows(NamedTuple):
    """A table: column names and rows (`columns, rows = api.plans()`)."""

    columns: list[str]
    rows: list[tuple]


def query(con: duckdb.DuckDBPyConnection, statement: str, params: list | None = None) -> Rows:
    cursor = con.execute(statement, params or [])
    return Rows([column[0] for column in cursor.description or []], cursor.fetchall())
