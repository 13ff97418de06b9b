"""Reading what analysts ask across years: search over every task, the history of one line of work.

The rows come from the report views of `sql/40_rpt_search.sql` and `sql/40_rpt_progress.sql`; the
matching, ranking and stage reading are the pure functions of `transforms.search` and
`transforms.history`. Every function takes an open (read-only is enough) connection.
"""

from __future__ import annotations

import duckdb

from transforms.departments import DepartmentRegistry
from transforms.history import AppearanceRow, HistoryError, LineageHistory, PlanSpan, lineage_history
from transforms.search import LineageHits, SearchError, TaskText, parse_query, search_tasks


def search(con: duckdb.DuckDBPyConnection, query: str, *, year_from: int | None = None,
           year_to: int | None = None, department: str | None = None,
           registry: DepartmentRegistry | None = None) -> list[LineageHits]:
    """Every task mentioning `query` (Simplified or Traditional), grouped by lineage, best first.

    `year_from`/`year_to` keep plans whose period overlaps those years; `department` keeps tasks naming
    a body on that department's line of work (工商总局 also finds 市场监管总局), resolved with `registry`.
    """
    parsed = parse_query(query)
    line = department_line(department, registry) if department else None
    return search_tasks(parsed, read_search_tasks(con, year_from, year_to, line))


def department_line(name: str, registry: DepartmentRegistry | None) -> str:
    """The line of work (present-day body's id) of a department named in any script, old or new."""
    if registry is None:
        from sources.registry import load_department_registry

        registry = load_department_registry()
    found = registry.find(name)
    if found is None:
        raise SearchError(f"no department is called {name!r} (see `ipplans departments`)")
    return registry.lineage_id(found.department_id)


def read_search_tasks(con: duckdb.DuckDBPyConnection, year_from: int | None = None, year_to: int | None = None,
                      department_line: str | None = None) -> list[TaskText]:
    """Tasks of the plans overlapping [year_from, year_to], optionally only those naming `department_line`."""
    rows = con.execute("""
        select plan_id, year, task_key, task_no, text, lineage_id, cited_titles, departments, department_lines
        from rpt_search_tasks
        where (?::integer is null or period_end >= ?::integer)
          and (?::integer is null or year <= ?::integer)
          and (?::varchar is null or list_contains(department_lines, ?::varchar))
        order by year, position""", [year_from, year_from, year_to, year_to, department_line, department_line]
    ).fetchall()
    return [TaskText(plan_id, year, key, no, text, lineage, tuple(titles or ()), tuple(names or ()),
                     tuple(lines or ()))
            for plan_id, year, key, no, text, lineage, titles, names, lines in rows]


def resolve_lineage(con: duckdb.DuckDBPyConnection, reference: str) -> str:
    """The lineage id of `PLAN:TASK` (the task number as printed, e.g. 2016:1, or a task key such as
    2020:2.1.22 where numbering restarts in each section) or of a lineage id itself."""
    plan_id, colon, task = (part.strip() for part in reference.rpartition(":"))
    if not colon:
        if con.execute("select 1 from task_lineage where lineage_id = ? limit 1", [task]).fetchone() is None:
            raise HistoryError(f"no lineage {task!r}: give PLAN:TASK (e.g. 2016:1) or a lineage id")
        return task
    rows = con.execute("select t.task_key, l.lineage_id from tasks as t left join task_lineage as l "
                       "on l.plan_id = t.plan_id and l.task_key = t.task_key "
                       "where t.plan_id = ? and (t.task_key = ? or t.task_no::varchar = ?) "
                       "order by t.task_key = ? desc, t.position", [plan_id, task, task, task]).fetchall()
    if not rows:
        raise HistoryError(f"no task {task} in plan {plan_id!r} (see `ipplans tasks {plan_id}`)")
    if len(rows) > 1 and rows[0][0] != task:
        keys = ", ".join(f"{plan_id}:{key}" for key, _ in rows)
        raise HistoryError(f"plan {plan_id!r} has several tasks numbered {task}: give one of {keys}")
    if rows[0][1] is None:
        raise HistoryError(f"task {reference} belongs to no lineage yet: run `ipplans link` first")
    return rows[0][1]


def history(con: duckdb.DuckDBPyConnection, reference: str) -> LineageHistory:
    """The history of the line of work that `reference` (PLAN:TASK or a lineage id) belongs to."""
    lineage_id = resolve_lineage(con, reference)
    return lineage_history(lineage_id, read_appearances(con, lineage_id), read_plan_spans(con))


def read_appearances(con: duckdb.DuckDBPyConnection, lineage_id: str | None = None) -> list[AppearanceRow]:
    """The tasks of one lineage (default: of every lineage), in plan order."""
    rows = con.execute("""
        select lineage_id, plan_id, year, task_key, task_no, text, department_clause, departments,
               department_line_names, lead_department, lead_line, stage, stage_order, stage_word, reads_finished
        from rpt_lineage_appearances
        where ?::varchar is null or lineage_id = ?::varchar
        order by lineage_id, year, position""", [lineage_id, lineage_id]).fetchall()
    return [AppearanceRow(lineage, plan_id, year, key, no, text, clause, tuple(names or ()), tuple(lines or ()),
                          lead, lead_line, stage, order, word, bool(finished))
            for (lineage, plan_id, year, key, no, text, clause, names, lines, lead, lead_line, stage, order,
                 word, finished) in rows]


def read_plan_spans(con: duckdb.DuckDBPyConnection) -> list[PlanSpan]:
    return [PlanSpan(*row) for row in con.execute(
        "select plan_id, period_start, period_end, complete from plans order by period_start").fetchall()]


def read_lineage_histories(con: duckdb.DuckDBPyConnection, min_plans: int = 2) -> list[LineageHistory]:
    """The history of every lineage found in at least `min_plans` plans (the lineage pages of the reports)."""
    by_lineage: dict[str, list[AppearanceRow]] = {}
    for row in read_appearances(con):
        by_lineage.setdefault(row.lineage_id, []).append(row)
    plans = read_plan_spans(con)
    return [lineage_history(lineage_id, rows, plans) for lineage_id, rows in by_lineage.items()
            if len({row.plan_id for row in rows}) >= min_plans]


def lineages_with_pages(con: duckdb.DuckDBPyConnection, min_plans: int = 2) -> set[str]:
    """Ids of the lineages that get a history page in the reports (found in at least `min_plans` plans)."""
    return {row[0] for row in con.execute(
        "select lineage_id from lineage_progress where appearances >= ?", [min_plans]).fetchall()}
