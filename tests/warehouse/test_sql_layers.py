"""The SQL follows the dbt layering it claims, and the README's tables of views match the SQL.

Layers, by file name: `0N_raw_*` create the raw tables Python writes (and no views), `1N_stg_*`
hold one staging view per raw table reading only raw tables, `3N_core_*` hold the documented views
and read staging or other core views only, and report views (`rpt_*`) live only in `40_rpt_*` files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tests.conftest import ROOT
from warehouse.connection import SQL_DIR

README = (ROOT / "README.md").read_text(encoding="utf-8")
_COMMENT = re.compile(r"--[^\n]*")
_TABLE = re.compile(r"create table if not exists (\w+)", re.I)
_VIEW = re.compile(r"((?:--[^\n]*\n)*)create or replace view (\w+) as(.*?);\s*(?=\n|$)", re.I | re.S)


@dataclass(frozen=True)
class View:
    name: str
    file: str
    header: str  # the comment lines right above `create view`
    reads: frozenset[str]  # raw tables and views named in its body


def schema(sql_dir=SQL_DIR) -> tuple[dict[str, str], dict[str, View]]:
    tables, views = {}, {}
    files = sorted(sql_dir.glob("*.sql"))
    texts = {path.name: path.read_text(encoding="utf-8") for path in files}
    for name, text in texts.items():
        tables.update((table, name) for table in _TABLE.findall(_COMMENT.sub("", text)))
    known = set(tables) | {match[1] for text in texts.values() for match in _VIEW.findall(text)}
    for name, text in texts.items():
        for header, view, body in _VIEW.findall(text):
            words = set(re.findall(r"\b(?:from|join)\s+(\w+)", _COMMENT.sub("", body), re.I))
            views[view] = View(view, name, header, frozenset(words & known - {view}))
    return tables, views


def layer(file: str) -> str:
    return {"0": "raw", "1": "staging", "3": "core", "4": "report"}[file[0]]


def test_raw_files_create_tables_only_and_every_raw_table_has_a_staging_view():
    tables, views = schema()
    raw = {table for table in tables if table.startswith("raw_")}
    assert raw and all(layer(file) == "raw" for table, file in tables.items() if table in raw)
    assert not [view.name for view in views.values() if layer(view.file) == "raw"]
    staged = {table for view in views.values() if layer(view.file) == "staging" for table in view.reads}
    assert sorted(raw - staged) == []


def test_staging_views_read_raw_tables_only():
    _, views = schema()
    for view in (v for v in views.values() if layer(v.file) == "staging"):
        assert view.name.startswith("stg_"), f"{view.file}: staging view {view.name} is not named stg_*"
        assert view.reads and all(name.startswith("raw_") for name in view.reads), (view.name, view.reads)


def test_core_and_report_views_never_read_a_raw_table():
    _, views = schema()
    for view in (v for v in views.values() if layer(v.file) in ("core", "report")):
        raw = sorted(name for name in view.reads if name.startswith("raw_"))
        assert not raw, f"{view.file}: {view.name} reads {raw}; read the staging view instead"


def test_report_views_live_only_in_40_rpt_files():
    _, views = schema()
    for view in (v for v in views.values() if v.name.startswith("rpt_")):
        assert view.file.startswith("40_rpt_"), f"report view {view.name} is in {view.file}"


def test_a_core_view_reading_a_raw_table_is_caught(tmp_path):
    """The check above can fail: a core file that reads raw_tasks is found."""
    for path in SQL_DIR.glob("*.sql"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "39_core_bad.sql").write_text(
        "-- bad_view: one row per task, read from the raw table\n"
        "create or replace view bad_view as select * from raw_tasks;\n", encoding="utf-8")
    _, views = schema(tmp_path)
    assert views["bad_view"].reads == {"raw_tasks"} and layer(views["bad_view"].file) == "core"


def readme_views() -> set[str]:
    """Every view named in the first column of the README's tables of views."""
    section = README[README.index("## The warehouse"):README.index("## Departments")]
    names = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            names.update(re.findall(r"`(\w+\*?)`", line.split("|")[1]))
    return names


def test_every_view_in_the_readme_exists_with_a_header_comment_stating_its_grain():
    _, views = schema()
    for name in readme_views():
        matching = [view for view in views.values() if re.fullmatch(name.replace("*", r"\w+"), view.name)]
        assert matching, f"README.md lists `{name}`, which no SQL file defines"
        for view in matching:
            assert re.match(rf"-- {view.name}: one row per ", view.header), \
                f"{view.file}: {view.name} has no header comment '-- {view.name}: one row per …'"


def test_every_core_view_is_in_the_readme():
    _, views = schema()
    listed = readme_views()
    core = [view.name for view in views.values() if layer(view.file) == "core"]
    missing = [name for name in core if not any(re.fullmatch(n.replace("*", r"\w+"), name) for n in listed)]
    assert not missing, f"core views not in README.md's tables of views: {missing}"
