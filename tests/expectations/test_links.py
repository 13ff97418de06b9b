"""The link suite: each rule broken once in raw_task_links, caught by `check_links` and by
`ipplans validate` (exit 1), and the warehouse left as it was; declared splits and merges pass,
and review candidates are not links."""

from __future__ import annotations

import re

import duckdb
import pytest
from typer.testing import CliRunner

from expectations.gate import check_links
from flows.cli import app
from flows.commands import register_all
from tests.expectations.helpers import data_checksums, load_files
from warehouse.connection import connect

pytestmark = pytest.mark.gx
register_all(app)

LATER = "2021-2022"
GOOD = ("2020", "1.1.1", 1, LATER, "1.1.1", 1, 0.93, "reworded")
# name → (links, expected failure); each case breaks exactly one rule of the suite
BROKEN = {
    "score above 1": ([("2020", "1.1.1", 1, LATER, "1.1.1", 1, 1.7, "identical")],
                      "link scores outside [0, 1]: 2020:1.1.1 → 2021-2022:1.1.1 (score 1.7)"),
    "link within one plan": ([("2020", "1.1.1", 1, "2020", "1.1.2", 2, 0.9, "reworded")],
                             "links join two tasks of one plan: 2020:1.1.1 → 2020:1.1.2"),
    "link back in time": ([(LATER, "1.1.1", 1, "2020", "1.1.1", 1, 0.9, "reworded")],
                          "links do not go forward in time: 2021-2022:1.1.1 → 2020:1.1.1"),
    "fan-out without split": ([GOOD, ("2020", "1.1.1", 1, LATER, "1.1.2", 2, 0.8, "reworded")],
                              "a task links to several tasks of one plan without being a declared split: "
                              "2020:1.1.1 → 2021-2022 (1.1.1, 1.1.2)"),
    "fan-in without merge": ([GOOD, ("2020", "1.1.2", 2, LATER, "1.1.1", 1, 0.8, "reworded")],
                             "several tasks of one plan link to one task without being a declared merge: "
                             "2021-2022:1.1.1 ← 2020 (1.1.1, 1.1.2)"),
    "link to a plan not loaded": ([("2020", "1.1.1", 1, "2031", "1.1.1", 1, 0.9, "reworded")],
                                  "links name plans that are not in the warehouse: 2020:1.1.1 → 2031:1.1.1"),
}


@pytest.fixture
def two_plans(preloaded_db, shared_plans):
    load_files(preloaded_db, shared_plans / "2021-2022.cnipa.txt", shared_plans / "2021-2022.izubei.txt")
    return preloaded_db


def _write_links(db, links, status: str = "auto") -> None:
    con = duckdb.connect(str(db))
    for link in links:
        con.execute("insert into raw_task_links (from_plan, from_task_key, from_task_no, to_plan, to_task_key, "
                    "to_task_no, score, kind, status) values (?, ?, ?, ?, ?, ?, ?, ?, ?)", [*link, status])
    con.close()


def _check(db):
    con = connect(db, read_only=True)
    try:
        return check_links(con)
    finally:
        con.close()


@pytest.mark.parametrize("case", list(BROKEN))
def test_each_broken_link_rule_fails_validation_and_changes_nothing(two_plans, case):
    links, expected = BROKEN[case]
    _write_links(two_plans, links)
    before = data_checksums(two_plans)
    report = _check(two_plans)
    assert [failure.describe() for failure in report.failures] == [expected]
    result = CliRunner().invoke(app, ["validate", "--db", str(two_plans)], env={"COLUMNS": "300"})
    assert result.exit_code == 1
    assert _squashed(expected) in _squashed(result.output)
    assert data_checksums(two_plans) == before


def test_declared_splits_and_merges_pass(two_plans):
    _write_links(two_plans, [
        ("2020", "1.1.1", 1, LATER, "1.1.1", 1, 0.9, "split"),
        ("2020", "1.1.1", 1, LATER, "1.1.2", 2, 0.7, "split"),
        ("2020", "1.1.2", 2, LATER, "1.1.2", 2, 0.8, "merged"),
        ("2020", "1.1.3", 3, LATER, "1.1.2", 2, 0.6, "merged"),
    ])
    report = _check(two_plans)
    assert report.success and report.results and all(outcome.success for outcome in report.results)


def test_review_candidates_are_not_links(two_plans):
    # the matcher lists unsure pairs for review; only automatic and confirmed links are checked
    _write_links(two_plans, [GOOD])
    _write_links(two_plans, [("2020", "1.1.1", 1, LATER, "1.1.2", 2, 0.6, "reworded")], status="review")
    assert _check(two_plans).success
    _write_links(two_plans, [("2020", "1.1.1", 1, LATER, "1.1.2", 2, 0.9, "reworded")], status="confirmed")
    assert not _check(two_plans).success


def test_a_warehouse_without_links_has_nothing_to_check(tmp_path):
    con = duckdb.connect(str(tmp_path / "old.duckdb"))  # made before the links schema existed
    con.execute("create table raw_plans (plan_id varchar)")
    report = check_links(con)
    con.close()
    assert report.success and report.results == ()


def _squashed(text: str) -> str:
    # compare without the padding and borders of rich's table
    return re.sub(r"[\s│┃]+", "", text)
