"""Whether the links are current: a fingerprint of what the last matching saw.

The pipeline matches again when the fingerprint of the tasks and the overrides differs
from the one stored with the links, which also heals a run killed after its load but
before its matching. The fingerprint is written in the same transaction as the links.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import duckdb


def link_fingerprint(con: duckdb.DuckDBPyConnection, overrides_text: str) -> str:
    """A hash over every task (plan, key, text, departments) and the overrides file's text."""
    [(tasks_hash,)] = con.execute("""
        select md5(coalesce(string_agg(plan_id || '/' || task_key || '/' || text || '/'
                                       || array_to_string(departments, '、'), chr(10)
                                       order by plan_id, task_key), ''))
        from raw_tasks
    """).fetchall()
    return hashlib.sha256(f"{tasks_hash}\n{overrides_text}".encode("utf-8")).hexdigest()


def linked_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    rows = con.execute("select fingerprint from raw_link_state order by linked_at desc limit 1").fetchall()
    return rows[0][0] if rows else None


def record_linked(con: duckdb.DuckDBPyConnection, fingerprint: str) -> None:
    """Store the fingerprint of a matching; call it inside the transaction that writes the links."""
    con.execute("delete from raw_link_state")
    con.execute("insert into raw_link_state values (?, ?)",
                [dt.datetime.now(dt.timezone.utc).replace(tzinfo=None), fingerprint])
