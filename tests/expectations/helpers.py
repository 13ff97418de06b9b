"""Helpers shared by the data-quality and durability tests: warehouses to start from, what counts
as "unchanged", and bad inputs made by editing the bundled 2020 plan.

Inputs are always written to a test's tmp_path; the plan texts are never copied into the project.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import duckdb

from sources.catalogue import load_catalogue
from sources.registry import load_department_registry
from sources.inputs import bundled_sample
from sources.read import read_source
from tests.conftest import RUN_HISTORY_TABLES, warehouse_checksums
from transforms.parse import parse_plan
from warehouse.connection import connect
from warehouse.load import load_plan

# Empty tables are left out: opening a warehouse applies the schema, and a table a newer schema
# file adds is empty, which is no change in data.
EMPTY_TABLE = hashlib.sha256(repr([]).encode()).hexdigest()  # warehouse_checksums of a table with no rows


def plan_text() -> str:
    return bundled_sample().read_text(encoding="utf-8")


def data_checksums(db: Path) -> dict[str, str] | None:
    """`warehouse_checksums` (which leaves out the run history) of the tables that hold rows."""
    sums = warehouse_checksums(db)
    return None if sums is None else {t: s for t, s in sums.items() if s != EMPTY_TABLE}


def content(db: Path) -> dict[str, list]:
    """The rows of every table holding data, without load and link timestamps: equal for two loads of the
    same files."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [row[0] for row in con.execute(
            "select table_name from information_schema.tables where table_type = 'BASE TABLE' "
            "order by table_name").fetchall() if row[0] not in (*RUN_HISTORY_TABLES, "raw_link_state")]
        rows = {table: sorted(map(repr, con.execute(
            f'select * exclude (loaded_at) from "{table}"' if table == "raw_sources" else f'select * from "{table}"'
        ).fetchall())) for table in tables}
        return {table: table_rows for table, table_rows in rows.items() if table_rows}
    finally:
        con.close()


def load_files(db: Path, *paths: Path) -> None:
    """Load plans without Prefect: the same prepare + write an ingest does, minus the gate."""
    registry, catalogue = load_department_registry(), load_catalogue()
    con = connect(db)
    try:
        for path in paths:
            load_plan(con, parse_plan(read_source(path), catalogue), registry)
    finally:
        con.close()


def link_files(db: Path) -> None:
    """Link what is loaded without Prefect: the steps of the link flow, minus the link suite."""
    from transforms.matching.matcher import match_plans
    from warehouse.link_state import link_fingerprint, record_linked
    from warehouse.links import read_previous_lineage, read_prior_matching, read_tasks_frame, write_match_result
    from warehouse.load import transaction

    con = connect(db)
    try:
        result = match_plans(read_tasks_frame(con, load_department_registry()), read_previous_lineage(con), [],
                             prior=read_prior_matching(con))
        with transaction(con):
            write_match_result(con, result)
            record_linked(con, link_fingerprint(con, ""))
    finally:
        con.close()


def copy_of(template: Path, target: Path) -> Path:
    shutil.copyfile(template, target)
    return target


# Editing the 2020 plan ------------------------------------------------------------------------

def replace(text: str, old: str, new: str) -> str:
    """Replace the first `old`; fails loudly when the plan text no longer contains it."""
    assert old in text, f"the 2020 plan no longer contains {old!r}"
    return text.replace(old, new, 1)


def drop_task(text: str, number: int) -> str:
    """Remove the task printed as `{number}. ` at a line start (with its blank line)."""
    edited, count = re.subn(rf"(?m)^{number}\. .*\n+", "", text, count=1)
    assert count == 1, f"no task {number} in the 2020 plan"
    return edited


def with_year(text: str, year: int) -> str:
    """The plan re-dated: its title and document number name `year`."""
    return text.replace("2020年", f"{year}年").replace("〔2020〕", f"〔{year}〕")


def first_sections(text: str, count: int) -> str:
    """The plan cut before section `count + 1` (一、 二、 …): fewer sections, still complete.

    The closing rule that follows the last task is kept, since it is what shows the shorter plan
    is whole (a copy that simply stops is partial)."""
    heading = re.search(rf"(?m)^#* *{'一二三四五六七八九十'[count]}、", text)
    assert heading, f"the 2020 plan has no section {count + 1}"
    closing = re.search(r"上述各项任务分工中.*?其他为参与部门。", text)
    assert closing, "the 2020 plan has no closing rule"
    return text[:heading.start()].rstrip() + closing.group(0) + "\n"


def query(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
