"""Department rows in the warehouse: the registry tables, resolved department names, and the unresolved ones.

Writes go to the raw tables of `sql/05_raw_departments.sql`; the views over them are in
`sql/32_core_departments.sql`. None of these functions begins or commits a transaction: the caller
owns it, so a plan's tasks and its department rows are written together or not at all.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from transforms.departments import DepartmentRegistry

# column -> pandas dtype; nullable dtypes so a missing year or id reaches DuckDB as NULL, not NaN
DEPARTMENT_COLUMNS = {"department_id": "string", "official_name": "string", "short_name": "string",
                      "category": "string", "valid_from": "Int64", "valid_to": "Int64",
                      "lineage_id": "string", "notes": "string"}
ALIAS_COLUMNS = {"alias": "string", "department_id": "string", "valid_from": "Int64", "valid_to": "Int64",
                 "lookup_key": "string"}
LINEAGE_COLUMNS = {"from_id": "string", "to_id": "string", "year": "Int64", "kind": "string",
                   "functions": "string", "is_primary": "boolean"}
TASK_DEPARTMENT_COLUMNS = {"plan_id": "string", "task_key": "string", "position": "Int64", "raw_name": "string",
                           "department_id": "string", "lineage_id": "string", "role": "string", "kind": "string"}
ADDRESSEE_COLUMNS = {"plan_id": "string", "position": "Int64", "raw_name": "string", "department_id": "string",
                     "kind": "string"}


def write_registry(con: duckdb.DuckDBPyConnection, registry: DepartmentRegistry) -> None:
    """Replace the registry tables with `registry`'s departments, aliases and lineage edges."""
    departments = [{"department_id": d.department_id, "official_name": d.official_name,
                    "short_name": d.short_name, "category": d.category, "valid_from": d.valid_from,
                    "valid_to": d.valid_to, "lineage_id": registry.lineage_id(d.department_id), "notes": d.notes}
                   for d in registry.departments()]
    aliases = [{"alias": a.name, "department_id": a.department_id, "valid_from": a.valid_from,
                "valid_to": a.valid_to, "lookup_key": a.key} for a in registry.aliases()]
    edges = [{"from_id": e.from_id, "to_id": e.to_id, "year": e.year, "kind": e.kind,
              "functions": e.functions, "is_primary": e.primary} for e in registry.edges()]
    for table, rows, columns in (("raw_departments", departments, DEPARTMENT_COLUMNS),
                                 ("raw_department_aliases", aliases, ALIAS_COLUMNS),
                                 ("raw_department_lineage", edges, LINEAGE_COLUMNS)):
        con.execute(f"delete from {table}")
        _insert(con, table, rows, columns)


def write_task_departments(con: duckdb.DuckDBPyConnection, plan_id: str, rows: list[dict]) -> None:
    """Replace a plan's task department rows (from `transforms.departments.resolve_task_departments`)."""
    _replace_plan_rows(con, "raw_task_departments", plan_id, rows, TASK_DEPARTMENT_COLUMNS)


def write_plan_addressees(con: duckdb.DuckDBPyConnection, plan_id: str, rows: list[dict]) -> None:
    """Replace a plan's addressee rows (from `transforms.departments.resolve_addressees`)."""
    _replace_plan_rows(con, "raw_plan_addressees", plan_id, rows, ADDRESSEE_COLUMNS)


def unknown_departments(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Every name the registry could not resolve, with the plan and the task (or addressee list) it is in."""
    result = con.execute("""
        select plan_id, 'task' as found_in, task_key, position, raw_name
        from raw_task_departments where kind = 'unknown'
        union all
        select plan_id, 'addressees' as found_in, null as task_key, position, raw_name
        from raw_plan_addressees where kind = 'unknown'
        order by plan_id, found_in, task_key, position
    """)
    columns = [column[0] for column in result.description]
    return [dict(zip(columns, row)) for row in result.fetchall()]


def _replace_plan_rows(con, table: str, plan_id: str, rows: list[dict], columns: dict[str, str]) -> None:
    strays = {row["plan_id"] for row in rows} - {plan_id}
    if strays:
        raise ValueError(f"{table}: rows for plan {plan_id!r} include other plans {sorted(strays)}")
    con.execute(f"delete from {table} where plan_id = ?", [plan_id])
    _insert(con, table, rows, columns)


def _insert(con, table: str, rows: list[dict], columns: dict[str, str]) -> None:
    if not rows:
        return
    frame = pd.DataFrame(rows, columns=list(columns)).astype(columns)
    view = f"{table}_to_insert"
    con.register(view, frame)  # bulk insert from a DataFrame; executemany is far too slow in DuckDB
    try:
        con.execute(f"insert into {table} by name select * from {view}")
    finally:
        con.unregister(view)
