"""Loading one parsed source into the warehouse, all or nothing.

A load happens in two steps so that the data-quality gate can sit between them:
`prepare_load` reads what the warehouse already holds for the plan (other copies)
and builds every row the load will write; `write_load` writes them in one
transaction. Re-loading a source with the same content hash is a no-op; a source
with new content replaces its earlier rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from transforms.frames import SOURCE_COLUMNS, PlanCopy, copy_frames
from transforms.merge import MergedPlan, identity_conflict, merge_copies
from transforms.models import ParsedPlan, PlanError


@dataclass(frozen=True)
class LoadResult:
    source_name: str
    plan_id: str
    status: str  # "loaded" | "replaced" | "unchanged"
    task_count: int = 0
    differences: int = 0


@dataclass(frozen=True)
class PlanRows:
    """A merged plan with its resolved department mentions."""

    merged: MergedPlan
    task_departments: list[dict] = field(default_factory=list)
    plan_addressees: list[dict] = field(default_factory=list)

    @property
    def plan_id(self) -> str:
        return self.merged.plan["plan_id"]


@dataclass(frozen=True)
class PlanLoad:
    """Every row one load will write, built before anything is written."""

    copy: PlanCopy
    plan: PlanRows
    status: str  # "loaded" | "replaced"
    orphaned_plan: PlanRows | None = None  # the plan this source belonged to before, rebuilt without it
    emptied_plan: str | None = None  # that plan's id, when this source was its only copy
    registry: object | None = None  # the department registry the mentions were resolved with


def loaded_sha256(con: duckdb.DuckDBPyConnection, source_name: str) -> str | None:
    row = con.execute("select sha256 from raw_sources where source_name = ?", [source_name]).fetchall()
    return row[0][0] if row else None


def prepare_load(con: duckdb.DuckDBPyConnection, parsed: ParsedPlan, registry=None,
                 catalogue: list | None = None) -> PlanLoad | LoadResult:
    """Rows for loading `parsed`, or a LoadResult("unchanged") when it is already loaded.

    `catalogue` (sources.catalogue entries) tells which copies were read from an official address,
    which the merge prefers when copies are equally complete.
    """
    name = parsed.source.name
    previous = _source_row(con, name)
    if previous is not None and previous["sha256"] == parsed.source.sha256:
        return LoadResult(name, previous["plan_id"], "unchanged", previous["task_count"])
    official = official_urls(catalogue)
    new_copy = copy_frames(parsed)
    siblings = [c for c in plan_copies(con, parsed.plan_id) if c.name != name]
    conflict = identity_conflict(new_copy, siblings)
    if conflict:
        raise PlanError(name, conflict)
    plan = plan_rows(merge_copies([new_copy, *siblings], official), registry)
    orphan, emptied = None, None
    if previous is not None and previous["plan_id"] != parsed.plan_id:
        rest = [c for c in plan_copies(con, previous["plan_id"]) if c.name != name]
        orphan = plan_rows(merge_copies(rest, official), registry) if rest else None
        emptied = None if rest else previous["plan_id"]
    return PlanLoad(new_copy, plan, "replaced" if previous else "loaded", orphan, emptied, registry)


def official_urls(catalogue: list | None) -> frozenset[str]:
    """The official addresses of the catalogue's plans."""
    return frozenset(entry.official_url for entry in catalogue or () if entry.official_url)


def plan_rows(merged: MergedPlan, registry=None) -> PlanRows:
    """Resolve the departments a merged plan names, as of its first year."""
    if registry is None:
        return PlanRows(merged)
    from transforms.departments import resolve_addressees, resolve_task_departments

    year = merged.plan["period_start"]
    tasks = merged.tasks[["plan_id", "task_key", "departments"]].to_dict("records")
    return PlanRows(merged, resolve_task_departments(tasks, registry, year),
                    resolve_addressees(merged.plan["plan_id"], merged.plan["addressees"], registry, year))


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Everything inside is written together or not at all."""
    con.execute("begin transaction")
    try:
        yield
    except BaseException:
        con.execute("rollback")
        raise
    try:
        con.execute("commit")
    except BaseException:
        _rollback_after_failed_commit(con)
        raise


def _rollback_after_failed_commit(con: duckdb.DuckDBPyConnection) -> None:
    # DuckDB usually ends the transaction itself when its commit fails (e.g. disk full); when it does
    # not, roll back so the connection can go on with the next load
    try:
        con.execute("rollback")
    except duckdb.Error:
        pass


def write_load(con: duckdb.DuckDBPyConnection, load: PlanLoad) -> LoadResult:
    """Write a prepared load; call it inside `transaction(con)` so a failure writes nothing."""
    name = load.copy.name
    if load.registry is not None:
        # the registry is reviewed data that changes with the code; store the one used here
        from warehouse.departments import write_registry

        write_registry(con, load.registry)
    _delete_source(con, name)
    _insert(con, "raw_sources", pd.DataFrame([{**load.copy.source, "loaded_at": _now()}]))
    _insert(con, "raw_source_tasks", load.copy.tasks.assign(source_name=name))
    _insert(con, "raw_source_sections", load.copy.sections.assign(source_name=name))
    _write_plan(con, load.plan)
    if load.orphaned_plan is not None:
        _write_plan(con, load.orphaned_plan)
    if load.emptied_plan is not None:
        _delete_plan(con, load.emptied_plan)
    return LoadResult(name, load.plan.plan_id, load.status, len(load.copy.tasks),
                      len(load.plan.merged.differences))


def load_plan(con: duckdb.DuckDBPyConnection, parsed: ParsedPlan, registry=None,
              catalogue: list | None = None) -> LoadResult:
    """Prepare and write in one transaction, for callers without a quality gate in between."""
    with transaction(con):
        load = prepare_load(con, parsed, registry, catalogue)
        return load if isinstance(load, LoadResult) else write_load(con, load)


def _write_plan(con, rows: PlanRows) -> None:
    _delete_plan(con, rows.plan_id)
    _insert(con, "raw_plans", pd.DataFrame([rows.merged.plan]))
    _insert(con, "raw_tasks", rows.merged.tasks)
    _insert(con, "raw_sections", rows.merged.sections)
    _insert(con, "raw_source_differences", rows.merged.differences)
    _insert(con, "raw_task_departments", pd.DataFrame(rows.task_departments))
    _insert(con, "raw_plan_addressees", pd.DataFrame(rows.plan_addressees))


PLAN_TABLES = ("raw_plans", "raw_tasks", "raw_sections", "raw_source_differences", "raw_task_departments",
               "raw_plan_addressees")


def _delete_plan(con, plan_id: str) -> None:
    existing = {row[0] for row in con.execute("select table_name from information_schema.tables").fetchall()}
    for table in PLAN_TABLES:
        if table in existing:
            con.execute(f"delete from {table} where plan_id = ?", [plan_id])


def _delete_source(con, name: str) -> None:
    for table in ("raw_sources", "raw_source_tasks", "raw_source_sections"):
        con.execute(f"delete from {table} where source_name = ?", [name])


def _insert(con, table: str, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    columns = [row[0] for row in con.execute(
        "select column_name from information_schema.columns where table_name = ? order by ordinal_position",
        [table]).fetchall()]
    frame = frame[[c for c in columns if c in frame.columns]]
    con.register("frame_to_insert", frame)
    try:
        con.execute(f"insert into {table} by name select * from frame_to_insert")
    finally:
        con.unregister("frame_to_insert")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _source_row(con, name: str) -> dict | None:
    frame = con.execute("select * from raw_sources where source_name = ?", [name]).df()
    return frame.to_dict("records")[0] if len(frame) else None


def plan_copies(con: duckdb.DuckDBPyConnection, plan_id: str) -> list[PlanCopy]:
    """The copies of a plan already in the warehouse, as tables."""
    sources = con.execute("select * from raw_sources where plan_id = ? order by source_name", [plan_id]).df()
    copies = []
    for source in sources.to_dict("records"):
        tasks = con.execute("select * exclude (source_name) from raw_source_tasks where source_name = ? "
                            "order by position", [source["source_name"]]).df()
        sections = con.execute("select * exclude (source_name) from raw_source_sections where source_name = ? "
                               "order by section_path", [source["source_name"]]).df()
        copies.append(PlanCopy(_source_record(source), _lists(tasks), sections, pd.Timestamp(source["loaded_at"]).to_pydatetime()))
    return copies


def _source_record(row: dict) -> dict:
    record = {column: row.get(column) for column in SOURCE_COLUMNS}
    record["addressees"] = list(record["addressees"] if record["addressees"] is not None else [])
    record["notes"] = list(record["notes"] if record["notes"] is not None else [])
    if isinstance(record["issued_on"], pd.Timestamp):
        record["issued_on"] = record["issued_on"].date()
    elif pd.isna(record["issued_on"]):
        record["issued_on"] = None
    return record


def _lists(tasks: pd.DataFrame) -> pd.DataFrame:
    # DuckDB returns list columns as numpy arrays; the transforms expect Python lists
    for column in ("departments", "cited_titles"):
        tasks[column] = tasks[column].map(list)
    return tasks


@dataclass(frozen=True)
class RemovedSource:
    source_name: str
    plan_id: str
    plan_removed: bool  # the source was the plan's last copy
    copies_left: int


def remove_source(con: duckdb.DuckDBPyConnection, source_name: str, registry=None) -> RemovedSource:
    """Take one source out; its plan is merged again from the copies left, or removed with its last copy.

    Call it inside `transaction(con)`. The links are not touched here: the next matching (which
    `ipplans remove` runs) sees the changed tasks and matches again from that plan on.
    """
    previous = _source_row(con, source_name)
    if previous is None:
        raise PlanError(source_name, "no such source in the warehouse (see `ipplans sources`)")
    plan_id = previous["plan_id"]
    rest = [copy for copy in plan_copies(con, plan_id) if copy.name != source_name]
    _delete_source(con, source_name)
    if rest:
        _write_plan(con, plan_rows(merge_copies(rest), registry))
    else:
        _delete_plan(con, plan_id)
    return RemovedSource(source_name, plan_id, not rest, len(rest))
