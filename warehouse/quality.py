"""What the data-quality suites read from the warehouse, as plain rows and frames.

The suites themselves (`expectations/`) never write SQL; they ask here for the loaded
plans, a plan's sections and task order, and the published task links.
"""

from __future__ import annotations

import duckdb
import pandas as pd


def loaded_plans(con: duckdb.DuckDBPyConnection, plan_id: str | None = None) -> list[dict]:
    """Every loaded plan (or one), oldest first, as raw_plans rows."""
    result = con.execute("select * from raw_plans where ? is null or plan_id = ? order by period_start",
                         [plan_id, plan_id])
    columns = [column[0] for column in result.description]
    return [dict(zip(columns, row)) for row in result.fetchall()]


def plan_before(con: duckdb.DuckDBPyConnection, period_start: int) -> tuple[str, bool] | None:
    """(plan_id, complete) of the latest loaded plan that starts before `period_start`, if any."""
    rows = con.execute("select plan_id, complete from raw_plans where period_start < ? "
                       "order by period_start desc limit 1", [period_start]).fetchall()
    return rows[0] if rows else None


def plan_sections(con: duckdb.DuckDBPyConnection, plan_id: str) -> pd.DataFrame:
    # the plan's sections: those of the copy whose structure the merged plan has
    return con.execute("select section_path, level, number from stg_sections where plan_id = ? "
                       "order by section_path", [plan_id]).df()


def plan_tasks(con: duckdb.DuckDBPyConnection, plan_id: str) -> pd.DataFrame:
    """A plan's merged tasks (raw_tasks), with what the task checks read."""
    return con.execute("select plan_id, task_key, task_no, position, text, department_clause, truncated "
                       "from raw_tasks where plan_id = ? order by position", [plan_id]).df()


def task_section_paths(con: duckdb.DuckDBPyConnection, plan_id: str) -> list[str]:
    """The section path of each task of a plan, in document order."""
    return [row[0] for row in con.execute(
        "select section_path from raw_tasks where plan_id = ? order by position", [plan_id]).fetchall()]


def published_links(con: duckdb.DuckDBPyConnection) -> pd.DataFrame | None:
    """The `task_links` view (automatic and confirmed links) with both plans' start years,
    or None while the warehouse has no links yet."""
    exists = con.execute("select count(*) from information_schema.tables where table_name = 'task_links'"
                         ).fetchall()[0][0]
    if not exists:
        return None
    return con.execute("""
        select l.from_plan, l.from_task_key, l.from_task_no, l.to_plan, l.to_task_key, l.to_task_no,
               l.score, l.kind, f.period_start as from_start, t.period_start as to_start
        from task_links as l
        left join raw_plans as f on f.plan_id = l.from_plan
        left join raw_plans as t on t.plan_id = l.to_plan
        order by l.from_plan, l.from_task_key, l.to_plan, l.to_task_key
    """).df()
