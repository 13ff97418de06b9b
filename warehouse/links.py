"""Read the matcher's inputs from the warehouse and write its result back.

`read_tasks_frame` builds the tasks frame of transforms/matching (one row per task of
every plan, departments with their present-day lines) from `tasks`, `raw_plans` and
`raw_task_departments`; `read_previous_lineage` returns the lineage ids already given,
so re-running keeps them; `read_prior_matching` returns the last matching's links and
plan fingerprints, so unchanged plans keep their links; `write_match_result` replaces
links, lineage, plan changes and plan fingerprints.
Bulk data goes in from registered DataFrames, never row by row.
"""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pandas as pd

from transforms.matching.comparisons import SIGNAL_COLUMNS
from transforms.matching.frames import TASK_COLUMNS, lineage_id
from transforms.matching.incremental import PLAN_STATE_COLUMNS, PriorMatching

LINK_TABLE_COLUMNS = (
    "from_plan", "from_task_key", "from_task_no", "to_plan", "to_task_key", "to_task_no", "score", "kind",
    "changes", "status", "role", "shared_titles", "shared_departments", "signals", "match_weight", "rule", "is_gap",
)
LINEAGE_COLUMNS = ("lineage_id", "plan_id", "task_key", "task_no")
PLAN_CHANGE_COLUMNS = ("from_plan", "to_plan", "plan_id", "task_key", "change")


def read_tasks_frame(con: duckdb.DuckDBPyConnection, registry=None) -> pd.DataFrame:
    """Every task of every plan as the matcher reads it. Department lines come from
    `raw_task_departments` (resolved at load); names missing there are resolved with `registry`."""
    tasks = con.execute("""
        select t.plan_id, p.period_start, p.period_end, t.task_key, t.task_no, t.position, t.section_path,
               t.section_title, t.text, t.departments, t.cited_titles, t.truncated,
               p.complete as plan_complete
        from tasks as t
        join raw_plans as p on p.plan_id = t.plan_id
        order by p.period_start, p.period_end, t.plan_id, t.position
    """).df()
    lines = con.execute("""
        select plan_id, task_key, list(lineage_id order by position) as lines,
               list(position order by position) as positions
        from raw_task_departments group by plan_id, task_key
    """).df()
    known = {(p, k): dict(zip(pos, ln)) for p, k, ln, pos in
             zip(lines["plan_id"], lines["task_key"], lines["lines"], lines["positions"])}
    tasks["departments"] = [list(d) if d is not None else [] for d in tasks["departments"]]
    tasks["cited_titles"] = [list(c) if c is not None else [] for c in tasks["cited_titles"]]
    tasks["lineage_ids"] = [
        _lines_of(known.get((plan, key), {}), names, registry, year)
        for plan, key, names, year in zip(tasks["plan_id"], tasks["task_key"], tasks["departments"],
                                          tasks["period_start"])
    ]
    tasks["truncated"] = tasks["truncated"].astype(bool)
    tasks["plan_complete"] = tasks["plan_complete"].astype(bool)
    return tasks[list(TASK_COLUMNS)]


def _lines_of(by_position: dict, names: list[str], registry, year: int) -> list[str | None]:
    out = []
    for position, name in enumerate(names, start=1):
        line = by_position.get(position)
        if line is None or (isinstance(line, float) and np.isnan(line)):
            line = lineage_id(registry, name, int(year))
        out.append(line)
    return out


def read_previous_lineage(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The lineage ids written by the last matching (empty before the first)."""
    return con.execute(f"select {', '.join(LINEAGE_COLUMNS)} from raw_task_lineage order by plan_id, task_key").df()


def read_prior_matching(con: duckdb.DuckDBPyConnection) -> PriorMatching:
    """The links and plan fingerprints the last matching wrote, links with their signals as
    columns again (the shape of transforms.matching.kinds.describe_links)."""
    links = con.execute(f"""
        select {', '.join(LINK_TABLE_COLUMNS)} from raw_task_links
        order by to_plan, to_task_no, from_plan, from_task_no
    """).df()
    signals = pd.DataFrame([json.loads(text) if text else {} for text in links["signals"]],
                           columns=list(SIGNAL_COLUMNS), index=links.index, dtype=np.float64)
    links = pd.concat([links.drop(columns="signals"), signals], axis=1)
    links["is_gap"] = links["is_gap"].fillna(False).astype(bool)
    plans = con.execute(f"select {', '.join(PLAN_STATE_COLUMNS)} from raw_linked_plans order by position").df()
    return PriorMatching(links=links, plans=plans)


def write_match_result(con: duckdb.DuckDBPyConnection, result) -> None:
    """Replace raw_task_links, raw_task_lineage, raw_plan_changes and raw_linked_plans with
    `result` (a MatchResult). The caller owns the transaction, so a failed check afterwards can
    roll all of them back."""
    links = link_rows(result.links)
    lineage = result.lineage[list(LINEAGE_COLUMNS)].copy()
    changes = result.plan_changes[list(PLAN_CHANGE_COLUMNS)].copy()
    plans = result.plans[list(PLAN_STATE_COLUMNS)].copy()
    for table, frame, columns in (("raw_task_links", links, LINK_TABLE_COLUMNS),
                                  ("raw_task_lineage", lineage, LINEAGE_COLUMNS),
                                  ("raw_plan_changes", changes, PLAN_CHANGE_COLUMNS),
                                  ("raw_linked_plans", plans, PLAN_STATE_COLUMNS)):
        con.execute(f"delete from {table}")
        if len(frame):
            con.register("_match_rows", frame)
            try:
                con.execute(f"insert into {table} ({', '.join(columns)}) select {', '.join(columns)} from _match_rows")
            finally:
                con.unregister("_match_rows")


def link_rows(links: pd.DataFrame) -> pd.DataFrame:
    """The links frame in the table's columns; the signal columns travel as one JSON string."""
    if links.empty:
        return pd.DataFrame(columns=list(LINK_TABLE_COLUMNS))
    out = links.copy()
    signals = out[list(SIGNAL_COLUMNS)].astype(float)
    out["signals"] = [json.dumps({k: (None if np.isnan(v) else round(float(v), 4)) for k, v in row.items()})
                      for row in signals.to_dict("records")]
    out["is_gap"] = out["is_gap"].astype(bool)
    return out[list(LINK_TABLE_COLUMNS)]


def read_source_tasks(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every task of every ingested file: source (file name as given), number (printed task number),
    plan_id, task_key, position."""
    return con.execute("""
        select source_name as source, task_no as number, plan_id, task_key, position
        from raw_source_tasks order by source_name, position
    """).df()


def read_lineage_by_source(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per task of every ingested file with its lineage: columns source, number, lineage.
    Copies of one plan share lineages, since lineage is kept per (plan_id, task_key)."""
    return con.execute("""
        select s.source_name as source, s.task_no as number, l.lineage_id as lineage
        from raw_source_tasks as s
        left join raw_task_lineage as l on l.plan_id = s.plan_id and l.task_key = s.task_key
        order by s.source_name, s.position
    """).df()


def read_review(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Pairs waiting for a person (the link_review view)."""
    return con.execute("select * from link_review").df()
