"""The pipeline flow: inbox moves, the catalogue, incremental re-runs, lineage ids, run history.

Real flows on the session's Prefect server, a real DuckDB file per test, and for the
catalogue the local HTTP server of `plan_site`.
"""

from __future__ import annotations

import csv
import hashlib
import json

import pytest

from flows.pipeline import PipelineFailed, pipeline
from flows.settings import RunSettings
from flows.workspace import Workspace
from sources.inbox import pending
from tests.flows.conftest import FAST_POLICY
from warehouse.connection import connect

pytestmark = pytest.mark.prefect


def run(db, **settings):
    """The pipeline's summary, also from a run that ended in PipelineFailed."""
    try:
        return pipeline(RunSettings(**settings), Workspace.at(db, reports=db.parent / "reports"), FAST_POLICY)
    except PipelineFailed as failed:
        return failed.summary


def query(db, sql: str) -> list[tuple]:
    con = connect(db, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_inbox_files_go_to_processed_or_rejected_with_a_reason(prefect_server, db_path, shared_plans):
    inbox = db_path.parent / "inbox"
    (inbox / "batch").mkdir(parents=True)
    good = (shared_plans / "2016.showlaw.txt").read_bytes()
    (inbox / "batch" / "2016.showlaw.txt").write_bytes(good)
    (inbox / "empty.txt").write_bytes(b"")

    summary = run(db_path, paths=[str(shared_plans / "2015.law-bridge.txt")])

    assert not summary.ok and summary.outcome == "partial"
    assert (inbox / "processed" / "2016.showlaw.txt").read_bytes() == good
    assert (inbox / "rejected" / "empty.txt").exists()
    assert "the file is empty" in (inbox / "rejected" / "empty.txt.reason.txt").read_text(encoding="utf-8")
    assert pending(inbox) == []
    assert [(move.reason is None) for move in summary.inbox] == [True, False]
    outcome, inputs = query(db_path, "select outcome, inputs from raw_runs")[0]
    assert outcome == "partial"
    recorded = {(item["origin"], item["source"].rsplit("/", 1)[-1]): item["sha256"] for item in json.loads(inputs)}
    assert recorded == {("command line", "2015.law-bridge.txt"): sha256_of(shared_plans / "2015.law-bridge.txt"),
                        ("inbox", "2016.showlaw.txt"): hashlib.sha256(good).hexdigest(),
                        ("inbox", "empty.txt"): hashlib.sha256(b"").hexdigest()}


def sha256_of(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_second_run_with_nothing_new_does_no_work(prefect_server, db_path, shared_plans):
    paths = [str(p) for p in sorted(shared_plans.glob("*.txt"))]
    first = run(db_path, paths=paths)
    assert first.ok and first.links is not None and first.reports is not None

    second = run(db_path, paths=paths)
    assert second.ok
    assert second.ingest.results == [] and len(second.ingest.skipped) == len(paths)
    assert second.links is None and second.reports is None  # no matching, no report rebuild
    assert query(db_path, "select outcome from raw_runs order by started_at") == [("ok",), ("ok",)]


def test_a_new_year_joins_the_existing_lineages(prefect_server, db_path, shared_plans):
    from warehouse.links import read_previous_lineage

    run(db_path, paths=[str(shared_plans / "2015.law-bridge.txt"), str(shared_plans / "2016.showlaw.txt")])
    con = connect(db_path, read_only=True)
    before = read_previous_lineage(con)
    con.close()

    summary = run(db_path, paths=[str(shared_plans / "2020.gov.md")])
    assert summary.ok and summary.links is not None

    con = connect(db_path, read_only=True)
    after = read_previous_lineage(con)
    con.close()
    keys = ["plan_id", "task_key"]
    kept = before.merge(after, on=keys, suffixes=("_before", "_after"))
    assert len(kept) == len(before) > 0
    assert (kept["lineage_id_before"] == kept["lineage_id_after"]).all()


def test_catalogue_pages_are_fetched_once_and_then_skipped(prefect_server, db_path, plan_site, tmp_path,
                                                          shared_plans):
    catalogue = write_catalogue(tmp_path / "catalogue.csv", {"2019": plan_site.url("/plans/2019.html")})
    paths = [str(shared_plans / "2016.showlaw.txt")]
    first = run(db_path, paths=paths, catalogue=True, catalogue_file=str(catalogue))
    assert first.ok and [(r.source_name, r.status) for r in first.ingest.results] == [
        ("2016.showlaw.txt", "loaded"), ("2019.html", "loaded")]

    second = run(db_path, paths=paths, catalogue=True, catalogue_file=str(catalogue))
    assert second.ok and [s.source_name for s in second.ingest.skipped] == ["2016.showlaw.txt", "2019.html"]
    assert plan_site.hits == {"/plans/2019.html": 2}  # the second answer was a 304 without a body


def write_catalogue(path, urls: dict[str, str]):
    """The packaged catalogue with every official_url blank except `urls` (no real network in tests)."""
    from importlib import resources

    packaged = resources.files("sources").joinpath("reference/plan_catalogue.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(packaged.splitlines()))
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))  # the packaged header, optional columns too
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "official_url": urls.get(row["period"], "")})
    return path
