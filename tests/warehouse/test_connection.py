"""`warehouse.connection.held_open`: one connection for a whole command, on a real DuckDB file."""

from __future__ import annotations

import subprocess
import sys

import pytest

from warehouse.connection import WarehouseError, held_open
from warehouse.connection import open as open_warehouse
from warehouse.load import transaction

OTHER_PROCESS_OPENS = "import duckdb, sys; duckdb.connect(sys.argv[1], read_only=True).close()"


def _other_process_can_open(db) -> bool:
    return subprocess.run([sys.executable, "-c", OTHER_PROCESS_OPENS, str(db)], capture_output=True,
                          timeout=60).returncode == 0


def test_opens_inside_share_one_connection_and_hold_the_file_until_the_end(tmp_path):
    db = tmp_path / "w.duckdb"
    with held_open(db):
        with open_warehouse(db, "write") as con:
            con.execute("create table notes (text varchar)")
            with transaction(con):
                con.execute("insert into notes values ('kept')")
        with open_warehouse(db, "write") as con:
            with pytest.raises(RuntimeError), transaction(con):
                con.execute("insert into notes values ('rolled back')")
                raise RuntimeError("a failed load")
        with open_warehouse(db, "read") as con:
            assert con.execute("select text from notes").fetchall() == [("kept",)]
        assert not _other_process_can_open(db)  # held between the opens, not only during them
    assert _other_process_can_open(db)
    with open_warehouse(db, "read") as con:
        assert con.execute("select text from notes").fetchall() == [("kept",)]


def test_a_hold_without_an_open_creates_nothing_and_a_read_needs_the_file(tmp_path):
    db = tmp_path / "missing.duckdb"
    with held_open(db):
        pass
    assert not db.exists()
    with held_open(db), pytest.raises(WarehouseError, match="no warehouse at"):
        with open_warehouse(db, "read"):
            pass
    assert not db.exists()


def test_holds_nest_and_other_files_are_not_held(tmp_path):
    db, other = tmp_path / "w.duckdb", tmp_path / "other.duckdb"
    with held_open(db):
        with held_open(db):  # an inner hold of the same file is the outer one
            with open_warehouse(db, "write"):
                pass
        assert not _other_process_can_open(db)
        with open_warehouse(other, "write"):
            pass
        assert _other_process_can_open(other)  # closed on leaving its own `open`
    assert _other_process_can_open(db)
