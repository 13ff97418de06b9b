"""`ipplans run` end to end: bundled sample + ../shared/plans + the inbox, on a fresh DuckDB file."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.commands import register_all
from tests.flows.conftest import PLAN_2019

register_all(app)
pytestmark = pytest.mark.prefect


def invoke(*args):
    return CliRunner().invoke(app, [str(arg) for arg in args], catch_exceptions=False)


def test_run_loads_links_reports_and_then_has_nothing_to_do(prefect_server, tmp_path, shared_plans):
    db, out = tmp_path / "data" / "ipplans.duckdb", tmp_path / "reports"
    (db.parent / "inbox").mkdir(parents=True)
    (db.parent / "inbox" / "2019.txt").write_text(PLAN_2019, encoding="utf-8")

    first = invoke("run", "--db", db, "--out", out)
    assert first.exit_code == 0, first.output
    assert "loaded    2019.txt → plan 2019 (3 tasks)" in first.output
    assert "plans loaded: 5, tasks: 125" in first.output  # 2015, 2016, 2019, 2020, 2021-2022
    assert "links: " in first.output and "lineages: " in first.output
    assert f"reports: {out}" in first.output and any(out.glob("*.html"))
    assert f"2019.txt → {db.parent / 'inbox' / 'processed' / '2019.txt'}" in first.output

    second = invoke("run", "--db", db, "--out", out)
    assert second.exit_code == 0, second.output
    assert "0 loaded, 6 unchanged, 0 failed" in second.output
    assert "links: unchanged (nothing new to match)" in second.output
    assert "reports: not rebuilt (nothing changed)" in second.output
