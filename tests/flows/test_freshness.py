"""The quick check before any flow: new inputs by content hash, current links, current reports.

Real DuckDB files loaded through warehouse.load (no Prefect), and a real local HTTP server for
official pages (tests/flows/conftest.py).
"""

from __future__ import annotations

import os
import time

from flows.freshness import OVERVIEW, check_freshness
from flows.workspace import Workspace
from sources.fetch import fetch_url
from sources.inputs import CATALOGUE, COMMAND_LINE, INBOX, Input
from sources.read import read_source
from sources.registry import load_department_registry
from sources.fetch import FetchPolicy
from tests.flows.conftest import FAST_POLICY, PLAN_2019, SAMPLE

PATIENT = FetchPolicy(timeout_s=10.0, retries=0)  # one request each: the count below means something
from transforms.parse import parse_plan
from warehouse.connection import open as open_warehouse
from warehouse.link_state import link_fingerprint, record_linked
from warehouse.load import load_plan


def load(workspace: Workspace, *sources) -> None:
    """Load each SourceText and record a matching of what is loaded, as the link flow would."""
    with open_warehouse(workspace.db, "write") as con:
        for source in sources:
            load_plan(con, parse_plan(source), load_department_registry())
        record_linked(con, link_fingerprint(con, workspace.overrides_text()))


def test_loaded_files_are_not_new_until_their_bytes_change(tmp_path):
    workspace = Workspace.at(tmp_path / "data" / "w.duckdb", reports=tmp_path / "reports")
    plan = tmp_path / "2019.txt"
    plan.write_text(PLAN_2019, encoding="utf-8")
    inputs = [Input(str(plan), COMMAND_LINE)]
    assert check_freshness(workspace, inputs, reports=False).new == inputs  # no warehouse yet

    load(workspace, read_source(plan))
    found = check_freshness(workspace, inputs, reports=False)
    assert found.new == [] and found.links_current and found.up_to_date

    plan.write_text(PLAN_2019.replace("推动专利法修改", "推动专利法全面修改"), encoding="utf-8")
    assert check_freshness(workspace, inputs, reports=False).new == inputs


def test_a_file_waiting_in_the_inbox_is_work_even_when_its_content_is_loaded(tmp_path):
    workspace = Workspace.at(tmp_path / "w.duckdb")
    load(workspace, read_source(SAMPLE))
    waiting = [Input(str(SAMPLE), INBOX)]
    assert check_freshness(workspace, waiting, reports=False).new == waiting


def test_an_edited_overrides_file_makes_the_links_stale(tmp_path):
    workspace = Workspace.at(tmp_path / "w.duckdb")
    load(workspace, read_source(SAMPLE))
    assert check_freshness(workspace, [], reports=False).links_current
    workspace.overrides.write_text("from_plan,from_task,to_plan,to_task,decision,note\n", encoding="utf-8")
    assert not check_freshness(workspace, [], reports=False).links_current


def test_reports_are_current_only_when_written_after_the_last_load(tmp_path):
    workspace = Workspace.at(tmp_path / "w.duckdb", reports=tmp_path / "reports")
    load(workspace, read_source(SAMPLE))
    assert not check_freshness(workspace, [], reports=True).reports_current  # none written yet

    workspace.reports.mkdir()
    (workspace.reports / OVERVIEW).write_text("<html></html>", encoding="utf-8")
    assert check_freshness(workspace, [], reports=True).up_to_date

    earlier = time.time() - 3600  # written before a later load
    os.utime(workspace.reports / OVERVIEW, (earlier, earlier))
    assert not check_freshness(workspace, [], reports=True).reports_current


def test_an_unchanged_catalogue_page_is_not_new_and_a_changed_one_is(tmp_path, plan_site):
    workspace = Workspace.at(tmp_path / "w.duckdb")
    url = plan_site.url("/plans/2019.html")
    load(workspace, fetch_url(url, workspace.http_cache, PATIENT).source)
    inputs = [Input(url, CATALOGUE)]

    found = check_freshness(workspace, inputs, reports=False, fetch_policy=PATIENT)
    assert found.new == [] and found.up_to_date  # the server answered 304 to the cached ETag
    assert plan_site.hits["/plans/2019.html"] == 2

    page = plan_site.pages["/plans/2019.html"]
    page.body, page.etag = page.body.replace("研究制定".encode(), "加快研究制定".encode()), '"b"'
    assert check_freshness(workspace, inputs, reports=False, fetch_policy=PATIENT).new == inputs


def test_a_page_that_cannot_be_fetched_is_left_to_the_flow(tmp_path, plan_site):
    workspace = Workspace.at(tmp_path / "w.duckdb")
    load(workspace, read_source(SAMPLE))
    missing = [Input(plan_site.url("/missing.html"), CATALOGUE)]
    assert check_freshness(workspace, missing, reports=False, fetch_policy=FAST_POLICY).new == missing
