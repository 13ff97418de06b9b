"""Hostile inputs through the `ipplans` commands (real Prefect flows, real DuckDB files): files the
system cannot read, a warehouse path under a file, bad catalogue and overrides files, a damaged
warehouse, a locked warehouse under --csv, copies with megabyte tasks.

Every input is made in the test. Each case asserts what the README promises: a message naming
the file (or row) and the problem, a non-zero exit, no traceback, and the warehouse's data exactly
as before; a good plan given beside a bad file is still loaded.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.commands import register_all
from sources.inputs import bundled_sample
from tests.expectations.helpers import data_checksums, plan_text, replace, with_year

pytestmark = [pytest.mark.prefect, pytest.mark.gx]
register_all(app)
ROOT = Path(__file__).resolve().parents[2]
TOO_LONG = "长" * 100 + ".md"  # over NAME_MAX (255 bytes)
BLOCK = 262_144  # DuckDB's block size


def invoke(*args, env: dict | None = None):
    return CliRunner().invoke(app, [str(arg) for arg in args], env={"COLUMNS": "300", **(env or {})})


def flat(text: str) -> str:
    return " ".join(text.split())  # rich wraps long lines


def assert_named_failure(result, *problems: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    for problem in problems:
        assert flat(problem) in flat(result.output), result.output


def _unreadable_files(folder: Path) -> dict[str, str]:
    """name → expected problem, for files even root cannot read as a plan."""
    folder.mkdir()
    (folder / "folder.md").mkdir()
    os.mkfifo(folder / "pipe.md")
    (folder / "mem.md").symlink_to("/proc/self/mem")
    (folder / "dangling.md").symlink_to(folder / "gone.md")
    with open(folder / "sparse.md", "wb") as sparse:
        sparse.truncate(6 * 1024**3)
    return {"folder.md": "a folder, not a regular file", "pipe.md": "a named pipe (FIFO), not a regular file",
            "mem.md": "input/output error while reading", "dangling.md": "broken symbolic link to",
            TOO_LONG: "the path or file name is too long for the file system",
            "sparse.md": "file is too large (6442450944 bytes; the limit is 20000000)"}


def test_unreadable_files_are_named_and_do_not_stop_a_good_plan_beside_them(prefect_server, db_path, tmp_path):
    bad = _unreadable_files(tmp_path / "bad")
    good = shutil.copy(bundled_sample(), tmp_path / "2020.gov.md")
    result = invoke("ingest", *(tmp_path / "bad" / name for name in bad), good, "--db", db_path)
    assert_named_failure(result, *(f"FAILED {name}: {problem}" for name, problem in bad.items()),
                         "loaded 2020.gov.md → plan 2020 (100 tasks)", f"1 loaded, 0 unchanged, {len(bad)} failed")
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        inputs = json.loads(con.execute("select inputs from raw_runs").fetchone()[0])
    finally:
        con.close()
    hashes = {Path(item["source"]).name: item["sha256"] for item in inputs}
    assert hashes["sparse.md"] is None and hashes["mem.md"] is None and len(hashes["2020.gov.md"]) == 64


def _without_root_rights() -> list[str]:
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: no way to make a file unreadable")
    dropped = "-dac_override,-dac_read_search"
    return ["setpriv", f"--inh-caps={dropped}", f"--bounding-set={dropped}"]


def test_a_file_without_read_permission_is_named_and_the_good_plan_loads(prefect_server, db_path, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text(with_year(plan_text(), 2019), encoding="utf-8")
    secret.chmod(0)
    good = shutil.copy(bundled_sample(), tmp_path / "2020.gov.md")
    command = [*_without_root_rights(), sys.executable, "-c", "from flows.cli import main; main()",
               "ingest", str(secret), str(good), "--db", str(db_path)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PREFECT_API_URL": prefect_server, "COLUMNS": "300"})
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert flat(f"FAILED secret.md: permission denied: the file cannot be read by this user: {secret}") in flat(
        done.stderr)
    assert "loaded 2020.gov.md → plan 2020" in flat(done.stdout)


def test_a_warehouse_path_under_a_regular_file_is_refused(prefect_server, tmp_path):
    (tmp_path / "plain").write_text("not a folder")
    result = invoke("ingest", bundled_sample(), "--db", tmp_path / "plain" / "ipplans.duckdb")
    assert_named_failure(result, f"error: cannot create the warehouse at {tmp_path / 'plain' / 'ipplans.duckdb'}: "
                                 f"{tmp_path / 'plain'} is a file, not a folder")


@pytest.mark.parametrize("content, problem", [
    (None, "cannot read catalogue: no such file"),
    (b"period,title\n2026,x\n", "catalogue columns must be period, title, doc_number"),
    ("period,title,doc_number,issued_on,issuer,official_url,tasks_stated,notes\n2026,计划,,2026-13-01,,,,\n"
     .encode("gb18030"), "catalogue is not UTF-8 text"),
    (b"period,title,doc_number,issued_on,issuer,official_url,tasks_stated,notes\n2026,t,,,,ftp://x.org/p,,\n",
     "line 2: official_url 'ftp://x.org/p' is not an http(s) URL"),
])
def test_a_bad_catalogue_file_stops_the_run_before_anything_is_read(prefect_server, preloaded_db, tmp_path,
                                                                    content, problem):
    catalogue = tmp_path / "catalogue.csv"
    if content is not None:
        catalogue.write_bytes(content)
    before = data_checksums(preloaded_db)
    result = invoke("run", "--db", preloaded_db, "--catalogue-file", catalogue, "--out", tmp_path / "reports")
    assert_named_failure(result, f"error: {catalogue}", problem)
    assert data_checksums(preloaded_db) == before
    assert not (tmp_path / "reports").exists()


OVERRIDES_HEADER = "from_plan,from_task,to_plan,to_task,decision,note\n"


@pytest.mark.parametrize("rows, problem", [
    ("2016,3,2020\n", "line 2: short row: no to_task, decision"),
    ("2016,3,2039,5,confirm,\n", "line 2: unknown plan '2039' in to_plan"),
    ("2016,3,2020,5,keep,\n", "line 2: decision 'keep' must be one of confirm, reject"),
    ("2016,3,2020,5,confirm,\n2016,3,2020,5,reject,\n", "line 3: reject of 2016/3 → 2020/5 contradicts the confirm"),
])
def test_a_bad_overrides_file_stops_the_run_before_anything_is_loaded(prefect_server, preloaded_db, tmp_path,
                                                                      rows, problem):
    overrides = tmp_path / "link_overrides.csv"
    overrides.write_text(OVERRIDES_HEADER + rows, encoding="utf-8")
    plan_2019 = tmp_path / "2019.md"
    plan_2019.write_text(with_year(plan_text(), 2019), encoding="utf-8")
    before = data_checksums(preloaded_db)
    result = invoke("run", plan_2019, "--db", preloaded_db, "--overrides", overrides, "--out", tmp_path / "reports")
    assert_named_failure(result, f"error: {overrides}: {problem}")
    assert data_checksums(preloaded_db) == before  # the 2019 plan given beside it was not loaded
    linked = invoke("link", "--db", preloaded_db, "--overrides", overrides)
    assert_named_failure(linked, f"{overrides}: {problem}")
    assert data_checksums(preloaded_db) == before


def _damaged_copy(db: Path, target: Path) -> Path:
    shutil.copy(db, target)
    with open(target, "r+b") as file:
        for offset in range(12_288 + BLOCK // 2, target.stat().st_size, BLOCK):  # the middle of every block
            file.seek(offset)
            file.write(b"\xde\xad\xbe\xef" * 16)
    return target


@pytest.mark.parametrize("command", [["plans"], ["tasks", "2020"], ["sources"], ["lineage"], ["validate"],
                                     ["sql", "select count(*) from tasks"], ["ingest", str(bundled_sample())]])
def test_a_damaged_warehouse_file_is_named_as_damaged(prefect_server, warehouse_2020, tmp_path, command):
    damaged = _damaged_copy(warehouse_2020, tmp_path / "damaged.duckdb")
    result = invoke(*command, "--db", damaged)
    assert_named_failure(result, f"error: the warehouse file {damaged} is damaged", "Corrupt database file")


def test_the_lock_wait_message_goes_to_stderr_and_csv_output_stays_data(preloaded_db):
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({str(preloaded_db)!r})
        print("locked", flush=True)
        time.sleep(1.5)
        con.close()
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = invoke("plans", "--db", preloaded_db, "--csv")
    finally:
        holder.wait(timeout=30)
    assert result.exit_code == 0, result.output
    assert "waiting for another process to release" in result.stderr
    assert result.stdout.splitlines()[0] == "plan_id,title,doc_number,issued_on,task_count,complete,source_count,linked"
    assert len(result.stdout.splitlines()) == 2


def test_two_copies_with_megabyte_tasks_load_with_the_difference_recorded_by_length(prefect_server, db_path,
                                                                                     tmp_path):
    # the same plan twice, task 5 padded to 1 MB with different text in each copy
    for name, padding in (("2020.a.md", "知识产权" * 250_000), ("2020.b.md", "专利商标" * 250_000)):
        (tmp_path / name).write_text(replace(plan_text(), "5. 出台", f"5. {padding}出台"), encoding="utf-8")
    result = invoke("ingest", tmp_path / "2020.a.md", tmp_path / "2020.b.md", "--db", db_path)
    assert "Traceback" not in result.output
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        diffs = dict(con.execute("select task_key, diff from source_differences").fetchall())
    finally:
        con.close()
    assert re.fullmatch(r"differs: \d{7} and \d{7} characters, too long to compare character by character",
                        diffs["1.1.5"]), diffs


def _pipeline(db: Path, inbox: Path):
    from flows.pipeline import PipelineFailed, pipeline
    from flows.settings import RunSettings
    from flows.workspace import Workspace

    try:
        return pipeline(RunSettings(reports="never"), Workspace.at(db, inbox=inbox))
    except PipelineFailed as failed:
        return failed.summary


def test_an_inbox_with_processed_as_a_file_and_a_long_name_never_stays_stuck(prefect_server, db_path, tmp_path):
    from sources.inbox import pending

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "processed").write_text("not a folder")
    long_name = "计" * 83 + ".md"  # 252 bytes: its reason file's name would not fit unshortened
    shutil.copy(bundled_sample(), inbox / long_name)
    (inbox / "empty.md").write_bytes(b"")
    summary = _pipeline(db_path, inbox)
    assert [result.source_name for result in summary.ingest.results] == [long_name]
    assert pending(inbox) == []
    reasons = {Path(move.file).name: move.reason for move in summary.inbox}
    assert reasons[long_name] == (f"{long_name}: loaded, but it could not be moved to processed/: "
                                  f"{inbox / 'processed'} is a file, not a folder")
    assert reasons["empty.md"] == "the file is empty"
    assert sorted(path.name for path in (inbox / "rejected").iterdir() if path.name.endswith(".reason.txt"))
    assert _pipeline(db_path, inbox).inbox == []  # the next run finds the inbox empty, not stuck
