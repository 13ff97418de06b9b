"""The gate on real plans and on loads edited to break one rule; `validate_loaded` on the warehouse;
the committed GX project staying as committed."""

from __future__ import annotations

import dataclasses
import hashlib
import pickle

import duckdb
import pandas as pd
import pytest

from expectations.batches import Batch
from expectations.gate import QualityError, check_plan_load, validate_loaded
from expectations.reports import QualityWarning
from expectations.suites import PROJECT_DIR, build_data_docs, run_batch
from sources.catalogue import load_catalogue
from sources.registry import load_department_registry
from sources.inputs import bundled_sample
from sources.read import read_source
from tests.expectations.helpers import load_files
from transforms.models import PlanError
from transforms.parse import parse_plan
from warehouse.connection import connect
from warehouse.load import PlanLoad, prepare_load, transaction, write_load

pytestmark = pytest.mark.gx

SHARED_ORDER = ("2015.law-bridge.txt", "2016.showlaw.txt", "2021-2022.cnipa.txt", "2021-2022.izubei.txt")
EXPECTED_WARNINGS = {
    "2020.gov.md": [],
    # 2015's tasks name no departments, so a missing addressee list is nothing to report
    "2015.law-bridge.txt": ["2015.law-bridge.txt: partial document: ends inside task 1.10"],
    "2016.showlaw.txt": ["2016.showlaw.txt: partial document: ends inside task 1.9",
                         "2016.showlaw.txt: no addressee list (主送) in the notice, so task departments "
                         "were not compared with one"],
    "2021-2022.cnipa.txt": ["2021-2022.cnipa.txt: partial document: ends inside task 1.1.1"],
    "2021-2022.izubei.txt": ["2021-2022.izubei.txt: partial document: ends inside task 1.1.2"],
}


def _prepare(con, path) -> PlanLoad:
    registry, catalogue = load_department_registry(), load_catalogue()
    return prepare_load(con, parse_plan(read_source(path), catalogue), registry)


def test_real_plans_pass_with_warnings_for_partial_documents(db_path, shared_plans):
    con = connect(db_path)
    warnings = {}
    for path in [bundled_sample(), *(shared_plans / name for name in SHARED_ORDER)]:
        with transaction(con):
            load = _prepare(con, path)
            warnings[path.name] = check_plan_load(con, load)
            write_load(con, load)
    con.close()
    assert warnings == EXPECTED_WARNINGS
    assert all(isinstance(w, QualityWarning) for ws in warnings.values() for w in ws)


def _with_tasks(load: PlanLoad, tasks: pd.DataFrame) -> PlanLoad:
    return dataclasses.replace(load, copy=dataclasses.replace(load.copy, tasks=tasks))


def test_a_repeated_task_number_blocks_and_names_file_number_and_tasks(db_path):
    con = connect(db_path)
    load = _prepare(con, bundled_sample())
    twelve = load.copy.tasks[load.copy.tasks["task_no"] == 12]
    # a second task 12, printed at the start of the next sub-section
    extra = twelve.assign(task_key="1.2.12", section_path="1.2", position=12.5)
    tasks = pd.concat([load.copy.tasks, extra], ignore_index=True)
    with pytest.raises(QualityError) as raised:
        check_plan_load(con, _with_tasks(load, tasks))
    con.close()
    assert str(raised.value) == "2020.gov.md: task numbers have a duplicate: task_no 12 (1.1.12, 1.2.12)"
    assert isinstance(raised.value, PlanError) and raised.value.source == "2020.gov.md"
    assert str(pickle.loads(pickle.dumps(raised.value))) == str(raised.value)  # task states may be pickled


def _restarting(tasks: pd.DataFrame) -> pd.DataFrame:
    """The same tasks numbered from 1 in each sub-section, as some plans print them."""
    tasks = tasks.copy()
    tasks["task_no"] = tasks.groupby("section_path").cumcount() + 1
    tasks["task_key"] = tasks["section_path"] + "." + tasks["task_no"].astype(str)
    return tasks


def test_numbering_that_restarts_per_sub_section_passes_but_not_a_gap_inside_a_run(db_path):
    con = connect(db_path)
    load = _prepare(con, bundled_sample())
    restarting = _restarting(load.copy.tasks)
    assert check_plan_load(con, _with_tasks(load, restarting)) == []
    gap = restarting[restarting["task_key"] != "1.1.3"]
    with pytest.raises(QualityError, match="task numbers have a gap: task_no 4 where 3 was expected"):
        check_plan_load(con, _with_tasks(load, gap))
    con.close()


def test_several_failures_are_all_listed(db_path):
    con = connect(db_path)
    load = _prepare(con, bundled_sample())
    tasks = load.copy.tasks.copy()
    tasks.loc[tasks["task_no"] == 7, "text"] = ""
    tasks.loc[tasks["task_no"] == 8, "department_clause"] = None
    tasks = tasks[tasks["task_no"] != 30]
    with pytest.raises(QualityError) as raised:
        check_plan_load(con, _with_tasks(load, tasks))
    con.close()
    assert str(raised.value) == (
        "2020.gov.md: task numbers have a gap: task_no 31 where 30 was expected (2.2.31); "
        "a task has no text: task 1.1.7; "
        "a task has no department clause (required from 2016 on): task 1.1.8")


def test_a_rule_that_cannot_be_evaluated_fails_instead_of_passing():
    report = run_batch(Batch("plan_tasks", "2020", "x.md", pd.DataFrame({"task_no": [1]})))
    assert not report.success
    assert any("could not be evaluated" in outcome.message for outcome in report.failures)


def test_validate_loaded_reports_what_the_gate_reported(db_path, shared_plans):
    load_files(db_path, bundled_sample(), *(shared_plans / name for name in SHARED_ORDER))
    con = connect(db_path, read_only=True)
    reports = validate_loaded(con)
    con.close()
    assert all(report.success for report in reports)
    warnings = {name: [f"{r.source_name}: {w.describe()}" for r in reports if r.source_name == name
                       for w in r.warnings] for name in EXPECTED_WARNINGS}
    assert warnings == EXPECTED_WARNINGS
    assert {(r.suite, r.plan_id) for r in reports if r.source_name is None} == {
        (suite, plan) for plan in ("2015", "2016", "2020", "2021-2022") for suite in ("plan_tasks", "plan_shape")}


def test_validate_loaded_reads_the_tables_not_the_files(preloaded_db):
    con = duckdb.connect(str(preloaded_db))
    con.execute("delete from raw_source_tasks where task_key = '3.2.60'")  # a task lost after loading
    con.close()
    con = connect(preloaded_db, read_only=True)
    reports = validate_loaded(con, "2020")
    assert validate_loaded(con, "1999") == []
    con.close()
    failures = [o.describe() for r in reports for o in r.failures]
    assert failures == ["task numbers have a gap: task_no 61 where 60 was expected (3.2.61)"]


def _project_files() -> dict[str, str]:
    gx_dir = PROJECT_DIR / "gx"
    return {str(p.relative_to(gx_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(gx_dir.rglob("*")) if p.is_file()}


def test_results_and_docs_go_beside_the_warehouse_and_the_project_stays_unchanged(preloaded_db):
    """An installed package must stay read-only: nothing is written under expectations/gx."""
    before = _project_files()
    results = preloaded_db.parent / "gx"
    con = connect(preloaded_db, read_only=True)
    validate_loaded(con, results_dir=results)
    con.close()
    index = build_data_docs(results)
    assert _project_files() == before
    assert index == results / "data_docs" / "local_site" / "index.html"
    assert any((results / "validations").rglob("*.json"))
    assert index.is_file() and "plan_tasks" in index.read_text(encoding="utf-8")


def test_checks_that_keep_no_results_write_no_gx_folder_anywhere(preloaded_db, tmp_path, monkeypatch):
    """`ipplans ingest --db elsewhere` used to leave data/gx/ in the current directory: GX creates its
    results folder when it opens the project, and that folder was the default warehouse's."""
    from expectations import suites

    workdir = tmp_path / "workdir"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    monkeypatch.delenv("IPPLANS_DB", raising=False)
    suites._context.cache_clear()  # open the project afresh, as a new process does
    con = connect(preloaded_db, read_only=True)
    try:
        assert validate_loaded(con, "2020")
    finally:
        con.close()
    assert list(workdir.iterdir()) == []
    assert not (preloaded_db.parent / "gx").exists()
