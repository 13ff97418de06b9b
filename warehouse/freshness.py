"""What the warehouse already holds, for deciding before any flow starts whether a run has work.

    loaded_sources(con)              {source name: sha256 of the bytes loaded}
    loaded_plans(con)                {plan id of every plan loaded}
    last_change(con)                 when a load or a matching last wrote (UTC), None if never
"""

from __future__ import annotations

import datetime as dt

import duckdb


def loaded_sources(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("select source_name, sha256 from raw_sources").fetchall())


def loaded_plans(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in con.execute("select plan_id from raw_plans").fetchall()}


def last_change(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """The latest load or matching (naive UTC, as the raw tables store it)."""
    [(latest,)] = con.execute("""
        select greatest((select max(loaded_at) from raw_sources), (select max(linked_at) from raw_link_state))
    """).fetchall()
    return latest
