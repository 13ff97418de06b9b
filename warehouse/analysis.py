"""Reading what analysts ask across years: search over every task, the history of one line of work.

The rows come from the report views of `sql/40_rpt_search.sql` and `sql/40_rpt_progress.sql`; the
matching, ranking and stage reading are the pure functions of `transforms.search` and
`transforms.history`. Every function takes an open (read-only is enough) connection.
"""

from __future__ import annotations

import duckdb

from transforms.departments import DepartmentRegistry
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
