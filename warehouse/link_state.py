"""Whether the links are current: a fingerprint of what the last matching saw.

The pipeline matches again when the fingerprint of the tasks and the overrides differs
from the one stored with the links, which also heals a run killed after its load but
before its matching. The fingerprint is written in the same transaction as the links, with a hash
of each plan's tasks, so a plan loaded but not linked is visible (`plans.linked`, `ipplans validate`).
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


def links_current(con: duckdb.DuckDBPyConnection, overrides_text: str) -> bool:
    """Whether the last matching saw the tasks and the overrides as they are now."""
    return link_fingerprint(con, overrides_text) == linked_fingerprint(con)


def record_linked(con: duckdb.DuckDBPyConnection, fingerprint: str) -> None:
    """Store the fingerprint of a matching, and which plans (as their tasks stand) it linked; call it
    inside the transaction that writes the links."""
    con.execute("delete from raw_link_state")
    con.execute("insert into raw_link_state values (?, ?)",
                [dt.datetime.now(dt.timezone.utc).replace(tzinfo=None), fingerprint])
    con.execute("delete from raw_plan_link_state")
    con.execute("insert into raw_plan_link_state select plan_id, tasks_md5 from stg_plan_link_state "
                "where tasks_md5 is not null")


def unlinked_plans(con: duckdb.DuckDBPyConnection, plan_id: str | None = None) -> list[str]:
    """Plans (or the one asked for) loaded since the last matching saw them: a half-done run's state."""
    if not con.execute("select count(*) from information_schema.tables where table_name = 'stg_plan_link_state'"
                       ).fetchall()[0][0]:
        return []  # a warehouse last written by an older ipplans: its next write adds the view
    return [row[0] for row in con.execute(
        "select p.plan_id from stg_plan_link_state as l join raw_plans as p using (plan_id) "
        "where not l.is_linked and (? is null or p.plan_id = ?) order by p.period_start", [plan_id, plan_id]
    ).fetchall()]
