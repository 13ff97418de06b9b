"""Reading what a report shows from the report views (`warehouse/sql/40_rpt_*.sql`).

Each function returns the `transforms.reports` dataclass its report is rendered from; all SQL of
the reports lives in the views, these functions only filter them. Data-quality notes come from
`raw_validation_warnings` when the quality checks have written that table, plus the warehouse's own
signs of trouble: tasks cut short, copies of one plan that read differently, no task links at all.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from transforms.reports.model import PAIR_COUNT_KEYS, WARNING_COLUMNS, Overview, PairReport, PlanInfo
from warehouse.connection import WarehouseError

TASK_NUMBER_COLUMNS = ("from_task_no", "to_task_no")


def consecutive_pairs(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """Every pair of neighbouring plans, earliest first."""
    return [tuple(row) for row in con.execute(
        "select from_plan, to_plan from rpt_plan_pairs where consecutive order by from_year").fetchall()]


def read_plans(con: duckdb.DuckDBPyConnection) -> list[PlanInfo]:
    rows = con.execute("select plan_id, period_start, title, doc_number, task_count, complete "
                       "from plans order by period_start").fetchall()
    return [PlanInfo(*row) for row in rows]


def read_pair_report_data(con: duckdb.DuckDBPyConnection, from_plan: str, to_plan: str) -> PairReport:
    """The tables of the report on `from_plan` → `to_plan` (the earlier plan first)."""
    plans = {plan.plan_id: plan for plan in read_plans(con)}
    for plan_id in (from_plan, to_plan):
        if plan_id not in plans:
            raise WarehouseError(f"no plan {plan_id!r} in the warehouse (see `ipplans plans`)")
    if plans[from_plan].year >= plans[to_plan].year:
        raise WarehouseError(f"plan {from_plan} does not come before plan {to_plan}: give the earlier plan first")
    pair = [from_plan, to_plan]
    summary = _frame(con, "select * from rpt_pair_summary where from_plan = ? and to_plan = ?", pair)
    return PairReport(
        from_plan=plans[from_plan],
        to_plan=plans[to_plan],
        counts={key: int(summary.at[0, key]) for key in PAIR_COUNT_KEYS},
        tasks=_frame(con, "select * from rpt_pair_tasks where from_plan = ? and to_plan = ?", pair),
        department_shifts=_frame(con, "select * from rpt_pair_department_shifts where from_plan = ? and to_plan = ?",
                                 pair),
        workload=_frame(con, "select * from rpt_pair_department_workload where from_plan = ? and to_plan = ?", pair),
        sections=_frame(con, "select * from sections where plan_id in (?, ?) order by plan_id, section_path", pair),
        warnings=read_warnings(con, pair),
    )


def read_overview_data(con: duckdb.DuckDBPyConnection) -> Overview:
    plans = read_plans(con)
    return Overview(
        plans=plans,
        pairs=_frame(con, "select * from rpt_pair_summary where consecutive order by from_year"),
        timeline=_frame(con, "select * from rpt_lineage_timeline"),
        spans=_frame(con, "select * from rpt_lineage_spans"),
        department_years=_frame(con, "select * from rpt_department_line_tasks_by_year"),
        warnings=read_warnings(con, [plan.plan_id for plan in plans]),
        progress=_frame(con, "select * from lineage_progress"),
    )


def read_warnings(con: duckdb.DuckDBPyConnection, plan_ids: list[str]) -> pd.DataFrame:
    """Data-quality notes about these plans, one row each: plan_id, kind, detail, message.

    kind is 'validation' (a row of raw_validation_warnings, its text in message), 'truncated'
    (detail: the task number), 'differences' (detail: how many tasks two copies read differently)
    or 'no_links'; the report words the last three in its own language.
    """
    notes = _frame(con, """
        select plan_id, 'truncated' as kind, task_no::varchar as detail, null::varchar as message
        from tasks where truncated and plan_id in (select unnest(?::varchar[]))
        union all
        select plan_id, 'differences', count(*)::varchar, null
        from source_differences where plan_id in (select unnest(?::varchar[]))
        group by plan_id
        order by plan_id, kind, detail""", [plan_ids, plan_ids])
    if not con.execute("select count(*) from task_links").fetchone()[0]:
        notes.loc[len(notes)] = ["", "no_links", "", None]
    return pd.concat([_validation_warnings(con, plan_ids), notes], ignore_index=True)


def _validation_warnings(con: duckdb.DuckDBPyConnection, plan_ids: list[str]) -> pd.DataFrame:
    """The quality checks' warnings on these plans, each once (every run records its warnings again)."""
    exists = con.execute("select count(*) from information_schema.tables "
                         "where table_name = 'raw_validation_warnings'").fetchone()[0]
    if not exists:  # a warehouse from before the run history existed
        return pd.DataFrame(columns=WARNING_COLUMNS)
    return _frame(con, """
        select distinct plan_id, 'validation' as kind, '' as detail,
               coalesce(source_name || ': ', '') || message as message
        from raw_validation_warnings
        where plan_id in (select unnest(?::varchar[]))
        order by plan_id, message""", [plan_ids])


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pd.DataFrame:
    frame = con.execute(sql, params or []).df()
    # task numbers may be null on one side of a pair; keep them integers, not floats
    for column in TASK_NUMBER_COLUMNS:
        if column in frame.columns:
            frame[column] = frame[column].astype("Int64")
    return frame
