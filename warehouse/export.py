"""Reading the tables `ipplans export` writes, from the views (`40_rpt_export.sql`, `40_rpt_pairs.sql`).

The pair tables are the rows the HTML reports are made from (`rpt_pair_tasks`): a spreadsheet
aligns tasks exactly as the reports do.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from transforms.export import ExportTables, PairRows
from warehouse.reports import consecutive_pairs

# integer columns that are null on one side of a pair: kept integers, not floats
NULLABLE_INTEGER_COLUMNS = ("task_no", "from_task_no", "to_task_no")


def read_export_tables(con: duckdb.DuckDBPyConnection) -> ExportTables:
    return ExportTables(
        plans=_frame(con, "select * from plans order by period_start, plan_id"),
        tasks=_frame(con, "select * from rpt_export_tasks order by year, plan_id, position"),
        lineages=_frame(con, "select * from rpt_lineage_spans "
                             "order by plans_present desc, years_spanned desc, first_year, last_task_no, lineage_id"),
        pairs=[PairRows(a, b, _frame(con, "select * from rpt_pair_tasks where from_plan = ? and to_plan = ?",
                                     [a, b]))
               for a, b in consecutive_pairs(con)],
    )


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pd.DataFrame:
    frame = con.execute(sql, params or []).df()
    for column in NULLABLE_INTEGER_COLUMNS:
        if column in frame.columns:
            frame[column] = frame[column].astype("Int64")
    return frame
