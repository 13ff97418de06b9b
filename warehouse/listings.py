"""What the listing commands read (`ipplans plans`, `tasks`, `sources`, `sql`): `Rows`, and the
queries over the documented views that return them.

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


def plans(con: duckdb.DuckDBPyConnection) -> Rows:
    """One row per plan loaded, in time order."""
    return query(con, "select plan_id, title, doc_number, issued_on, task_count, complete, source_count, linked "
                      "from plans order by period_start")


def tasks(con: duckdb.DuckDBPyConnection, plan_id: str) -> Rows:
    """The plan's tasks with their departments, in document order (no rows: no such plan)."""
    return query(con, "select task_key, task_no, text, departments, clause_form, truncated "
                      "from tasks where plan_id = ? order by position", [plan_id])


def sources(con: duckdb.DuckDBPyConnection, plan_id: str | None = None) -> tuple[Rows, Rows]:
    """The source files of each plan (or of one), and where copies of one plan read differently."""
    where, params = ("where plan_id = ?", [plan_id]) if plan_id else ("", [])
    return (query(con, f"select source_name, plan_id, format, script, task_count, complete, sha256[:12] "
                       f"as sha256 from sources {where}", params),
            query(con, f"select plan_id, task_key, source_a, source_b, diff from source_differences {where}",
                  params))
