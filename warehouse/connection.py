"""The DuckDB warehouse file: where it lives, how it is opened, and its schema.

Every reader and writer opens the file through `open(path, mode)`:

    from warehouse.connection import open as open_warehouse
    with open_warehouse("data/ipplans.duckdb", "read") as con: ...   # read-only, no outside files
    with open_warehouse("data/ipplans.duckdb", "write") as con: ...  # creates or migrates the schema
    with held_open("data/ipplans.duckdb"): ...  # one command: every open inside shares one connection

The schema is every `warehouse/sql/*.sql` file in name order (raw tables first, then
staging, core and report views). Its version is a hash of those files; a writer applies
them only when the version recorded in `meta_schema_migrations` differs, so a new file or
a changed view reaches existing warehouses on their next write, and every other write
pays nothing for it. DuckDB allows one writing process per file; a second writer waits
here for a while (`$IPPLANS_LOCK_WAIT` seconds, default 30), then fails with a clear message.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).parent / "sql"
DEFAULT_DB = Path("data") / "ipplans.duckdb"
LOCK_WAIT_SECONDS = 30.0
MODES = ("read", "write")
MIGRATIONS_TABLE = "meta_schema_migrations"  # not data: outside the raw/staging/core layering
_held: dict[str, duckdb.DuckDBPyConnection | None] = {}  # warehouse path -> its connection (held_open)


# What DuckDB says when blocks of the file are damaged or missing (bad checksum, truncated file).
_DAMAGE_SIGNS = ("corrupt database file", "could not read enough bytes", "not a valid duckdb database file")


class WarehouseError(RuntimeError):
    """The warehouse cannot be opened or used; the message says why and what to do."""


def is_damage(exc: BaseException) -> bool:
    """Whether `exc` is DuckDB reporting a damaged warehouse file rather than a bad query."""
    return isinstance(exc, duckdb.Error) and any(sign in str(exc).lower() for sign in _DAMAGE_SIGNS)


def damaged(path: Path | str | None, exc: BaseException) -> WarehouseError:
    where = f"the warehouse file {path}" if path is not None else "the warehouse file"
    return WarehouseError(f"{where} is damaged ({exc}); restore it from a backup, or move it away and run "
                          "`ipplans run` to build it again from the plans")


@contextmanager
def reporting_damage(path: Path | str | None) -> Iterator[None]:
    """Turn DuckDB finding a damaged file (on any query inside) into a WarehouseError naming the file."""
    try:
        yield
    except duckdb.Error as exc:
        if is_damage(exc):
            raise damaged(path, exc) from exc
        raise


def default_db_path() -> Path:
    """`$IPPLANS_DB` if set, else `data/ipplans.duckdb` under the current directory."""
    return Path(os.environ.get("IPPLANS_DB") or DEFAULT_DB)


def lock_wait_seconds() -> float:
    """How long to wait for another process's lock: `$IPPLANS_LOCK_WAIT` if set, else LOCK_WAIT_SECONDS."""
    value = os.environ.get("IPPLANS_LOCK_WAIT")
    if not value:
        return LOCK_WAIT_SECONDS
    problem = f"IPPLANS_LOCK_WAIT must be a number of seconds (0 or more), not {value!r}"
    try:
        seconds = float(value)
    except ValueError:
        raise WarehouseError(problem) from None
    if not 0 <= seconds < float("inf"):  # also refuses nan
        raise WarehouseError(problem)
    return seconds


def schema_sql() -> list[tuple[str, str]]:
    """(file name, SQL) of every schema file, in the order they are applied."""
    return [(path.name, path.read_text(encoding="utf-8")) for path in sorted(SQL_DIR.glob("*.sql"))]


@functools.cache
def schema_version() -> str:
    """A hash of every schema file's name and text: any edit is a new version."""
    digest = hashlib.sha256()
    for name, sql in schema_sql():
        digest.update(f"{name}\0{sql}\0".encode("utf-8"))
    return digest.hexdigest()[:16]


@contextmanager
def open(path: Path | str | None = None, mode: str = "read", *,  # noqa: A001 — warehouse.open, like io.open
         wait_seconds: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse for one job: "read" (read-only, no access to outside files; the file must
    exist) or "write" (created if missing, schema migrated to this version). Closed on exit."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    con = _held_cursor(path, mode, wait_seconds)
    if con is None:
        con = connect(path, read_only=mode == "read", wait_seconds=wait_seconds)
    try:
        with reporting_damage(path if path is not None else default_db_path()):
            yield con
    finally:
        con.close()


@contextmanager
def held_open(path: Path | str | None = None) -> Iterator[None]:
    """Keep the warehouse at `path` open for one command: every `open(path, mode)` inside is a cursor
    of one writable connection, opened (and the schema migrated) by the first of them and closed
    (checkpointed) on exit. A writable open costs ~0.2 s (migration check, checkpoint on close) and a
    command that runs flows opens the file about eight times. Readers inside share the writer's
    connection: they are the command's own code, never a user's SQL, which `ipplans sql` runs through
    a read-only connection of its own. Nothing is opened until the first `open`, so a command that
    fails before it leaves no new warehouse behind; other processes wait for the whole command."""
    key = _held_key(path)
    if key in _held:
        yield
        return
    _held[key] = None
    try:
        yield
    finally:
        con = _held.pop(key)
        if con is not None:
            con.close()


def _held_key(path: Path | str | None) -> str:
    return os.path.realpath(Path(path) if path is not None else default_db_path())


def _held_cursor(path: Path | str | None, mode: str, wait_seconds: float | None):
    """A cursor of the held connection of `path` (opened first if need be), or None: not held."""
    key = _held_key(path)
    if key not in _held:
        return None
    if _held[key] is None:
        if mode == "read":
            require_warehouse(Path(path) if path is not None else default_db_path())
        _held[key] = connect(path, wait_seconds=wait_seconds)
    return _held[key].cursor()


def connect(path: Path | str | None = None, *, read_only: bool = False,
            wait_seconds: float | None = None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse and leave closing to the caller (prefer `open(path, mode)`); a writable
    connection also brings the schema to this version.

    While another process holds the file, wait up to `wait_seconds` (default: `lock_wait_seconds()`).
    """
    path = Path(path) if path is not None else default_db_path()
    wait_seconds = lock_wait_seconds() if wait_seconds is None else wait_seconds
    if read_only:
        require_warehouse(path)
    if not read_only:
        prepare_location(path)
    con = _open_waiting(path, read_only, wait_seconds)
    if not read_only:
        try:
            migrate(con)
        except BaseException:
            con.close()
            raise
    return con


def _folder_problem(path: Path, exc: OSError) -> str:
    blocking = next((parent for parent in reversed(path.parents)
                     if os.path.exists(parent) and not os.path.isdir(parent)), None)
    if blocking is not None:
        return f"{blocking} is a file, not a folder"
    return f"{exc.strerror or exc} ({exc.filename or path.parent})"


def require_warehouse(path: Path) -> None:
    """Raise WarehouseError unless a warehouse file exists at `path`."""
    if not os.path.exists(path):  # os.path: a path too long for the file system is "not there" too
        raise WarehouseError(f"no warehouse at {path}: run `ipplans run` or `ipplans ingest` first")



def prepare_location(path: Path) -> None:
    """Create the warehouse's folder; WarehouseError naming the warehouse when it cannot be (a part of
    the path is a file, no permission). A run calls this first, so that problem is the one it reports."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WarehouseError(f"cannot create the warehouse at {path}: {_folder_problem(path, exc)}") from exc

def _open_waiting(path: Path, read_only: bool, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait_seconds
    announced = False
    while True:
        try:
            # a reader never needs files outside the warehouse: no COPY TO, read_csv, ATTACH, INSTALL
            config = {"enable_external_access": False} if read_only else {}
            return duckdb.connect(str(path), read_only=read_only, config=config)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise WarehouseError(f"cannot open {path}: {exc}") from exc
            if time.monotonic() >= deadline:
                raise WarehouseError(
                    f"{path} is in use by another ipplans process (waited {wait_seconds:.0f} s); "
                    "try again when it has finished") from exc
            if not announced:
                # stderr: a command's --csv output on stdout must stay pure data
                print(f"waiting for another process to release {path} …", file=sys.stderr, flush=True)
                announced = True
            time.sleep(0.25)
        except duckdb.Error as exc:  # e.g. a file that is not a DuckDB database
            raise (damaged(path, exc) if is_damage(exc) else WarehouseError(f"cannot open {path}: {exc}")) from exc


def applied_version(con: duckdb.DuckDBPyConnection) -> str | None:
    """The schema version this warehouse was last migrated to (None: never)."""
    # fetchall, not fetchone: a result left unfinished blocks the next statement on this connection
    [(exists,)] = con.execute("select count(*) from information_schema.tables where table_name = ?",
                              [MIGRATIONS_TABLE]).fetchall()
    if not exists:
        return None
    rows = con.execute(f"select version from {MIGRATIONS_TABLE} order by applied_at desc limit 1").fetchall()
    return rows[0][0] if rows else None


def migrate(con: duckdb.DuckDBPyConnection) -> bool:
    """Apply the schema files when this warehouse is not at `schema_version()`; True if it applied them.

    The reviewed data the views read (the stage vocabulary) is checked on every write-open, as it
    is cheap when unchanged: rows someone edited by hand are put back."""
    if applied_version(con) != schema_version():
        apply_schema(con)
        return True
    from warehouse.stages import write_stage_words

    con.execute("begin transaction")
    try:
        write_stage_words(con)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return False


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Every schema file, then the version, in one transaction (`create … if not exists` / `or replace`)."""
    con.execute("begin transaction")
    try:
        for name, sql in schema_sql():
            try:
                con.execute(sql)
            except duckdb.Error as exc:
                raise WarehouseError(f"schema file {name} failed: {exc}") from exc
        from warehouse.stages import write_stage_words  # reviewed data the views read, kept with them

        write_stage_words(con)
        con.execute(f"create table if not exists {MIGRATIONS_TABLE} "
                    "(version varchar not null, applied_at timestamp not null)")
        con.execute(f"insert into {MIGRATIONS_TABLE} values (?, current_timestamp)", [schema_version()])
    except BaseException:
        con.execute("rollback")
        raise
    try:
        con.execute("commit")
    except duckdb.Error as exc:  # e.g. a full disk; DuckDB has ended the transaction itself
        con.close()
        raise WarehouseError(f"cannot write to the warehouse: {exc}") from exc
