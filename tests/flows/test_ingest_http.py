"""The ingest flow fetching official pages from a real HTTP server on 127.0.0.1.

Each failure mode must be reported by source and leave the warehouse exactly as it
was; an unchanged page must cost no parse; a changed page must replace its rows.
"""

from __future__ import annotations

import pytest

from flows.ingest import ingest as ingest_flow
from flows.workspace import Workspace
from tests.conftest import warehouse_checksums
from tests.flows.conftest import FAST_POLICY, PLAN_2019, Page, html_page, task_runs_of
from warehouse.connection import connect

pytestmark = pytest.mark.prefect


def ingest(db, *urls, **options):
    return ingest_flow(list(urls), Workspace.at(db), fetch_policy=FAST_POLICY, **options)


def plan_tasks(db) -> dict[str, int]:
    con = connect(db, read_only=True)
    try:
        return dict(con.execute("select plan_id, task_count from plans order by plan_id").fetchall())
    finally:
        con.close()


def test_pages_are_loaded_then_skipped_unchanged_without_parsing(prefect_server, plan_site, db_path):
    urls = [plan_site.url("/plans/2020.html"), plan_site.url("/plans/2019.html")]
    first = ingest_flow(urls, Workspace.at(db_path), fetch_policy=FAST_POLICY, return_state=True)
    assert [(r.source_name, r.status) for r in first.result().results] == [("2020.html", "loaded"),
                                                                           ("2019.html", "loaded")]
    assert plan_tasks(db_path) == {"2019": 3, "2020": 100}
    assert sum(name.startswith("parse") for name in task_runs_of(first, "parse", 2)) == 2

    second = ingest_flow(urls, Workspace.at(db_path), fetch_policy=FAST_POLICY, return_state=True)
    summary = second.result()
    assert summary.ok and summary.results == [] and not summary.changed
    assert [(s.source_name, s.reason) for s in summary.skipped] == [("2020.html", "already in the warehouse"),
                                                                    ("2019.html", "already in the warehouse")]
    names = task_runs_of(second, "fetch", 2)
    assert sum(name.startswith("fetch") for name in names) == 2
    assert not any(name.startswith(("parse", "prepare-load", "load")) for name in names)


def test_a_changed_page_with_a_new_etag_replaces_its_rows(prefect_server, plan_site, db_path):
    url = plan_site.url("/plans/2019.html")
    ingest(db_path, url)
    extra = PLAN_2019 + "4. 完善知识产权质押融资服务体系。（银保监会、知识产权局负责）\n"
    plan_site.pages["/plans/2019.html"] = Page(html_page(extra), etag='"b"')
    summary = ingest(db_path, url)
    assert [(r.source_name, r.status, r.task_count) for r in summary.results] == [("2019.html", "replaced", 4)]
    assert plan_tasks(db_path) == {"2019": 4}


def test_a_redirect_is_followed_and_named_after_the_final_page(prefect_server, plan_site, db_path):
    summary = ingest(db_path, plan_site.url("/moved"))
    assert summary.ok and [(r.source_name, r.status) for r in summary.results] == [("2019.html", "loaded")]


def test_a_server_error_is_retried(prefect_server, plan_site, db_path):
    summary = ingest(db_path, plan_site.url("/flaky/2019.html"))
    assert summary.ok and [r.status for r in summary.results] == ["loaded"]
    assert plan_site.hits["/flaky/2019.html"] == 2


def test_a_cached_page_missing_from_the_warehouse_is_downloaded_again(prefect_server, plan_site, tmp_path):
    db = tmp_path / "data" / "warehouse.duckdb"
    url = plan_site.url("/plans/2019.html")
    ingest(db, url)
    db.unlink()  # the page cache in data/http-cache survives; the server will answer 304
    summary = ingest(db, url)
    assert [(r.source_name, r.status) for r in summary.results] == [("2019.html", "loaded")]
    assert plan_tasks(db) == {"2019": 3}


@pytest.mark.parametrize("path, problem", [
    ("/missing.html", "HTTP 404"),
    ("/huge.html", "too large"),
    ("/slow.html", "timed out"),
])
def test_a_failing_page_is_reported_by_source_and_changes_nothing(prefect_server, plan_site, db_path, path, problem):
    ingest(db_path, plan_site.url("/plans/2019.html"))
    before = warehouse_checksums(db_path)
    url = plan_site.url(path)
    summary = ingest(db_path, url, plan_site.url("/plans/2019.html"))
    assert [(f.location, f.source) for f in summary.failures] == [(url, url)]
    assert problem in summary.failures[0].problem
    assert [s.source_name for s in summary.skipped] == ["2019.html"]
    assert warehouse_checksums(db_path) == before


def test_strict_loads_nothing_when_one_page_fails(prefect_server, plan_site, db_path):
    ingest(db_path, plan_site.url("/plans/2019.html"))
    before = warehouse_checksums(db_path)
    summary = ingest(db_path, plan_site.url("/plans/2020.html"), plan_site.url("/missing.html"), strict=True)
    assert not summary.ok and summary.results == []
    assert warehouse_checksums(db_path) == before
