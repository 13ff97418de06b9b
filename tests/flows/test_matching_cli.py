"""`ipplans evaluate` and `ipplans explain` on a real warehouse of the shared plans."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.commands import register_all
from tests.transforms.reports.real_warehouse import build_real_warehouse

register_all(app)
runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory, shared_plans):
    return build_real_warehouse(tmp_path_factory.mktemp("matching-cli") / "w.duckdb", shared_plans)


def invoke(*args):
    return runner.invoke(app, [str(arg) for arg in args], catch_exceptions=False)


def test_evaluate_prints_the_matcher_beside_the_baseline_on_every_setting(db, shared_plans):
    result = invoke("evaluate", shared_plans.parent / "eval" / "gold_dev.csv", "--db", db, "--synthetic", "60")
    assert result.exit_code == 0, result.output
    assert "stored lineages: precision 1.000  recall 1.000" in result.output
    lines = [line for line in result.output.splitlines() if "matcher" in line or "baseline" in line]
    settings = {setting for line in lines for setting in ("dev", "leave-one-plan-out", "synthetic 60/plan") if setting in line}
    assert settings == {"dev", "leave-one-plan-out", "synthetic 60/plan"}
    dev = {line.split("│")[2].strip(): float(line.split("│")[5]) for line in lines if "│ dev" in line}
    assert dev["matcher"] == 1.0 and dev["baseline"] < dev["matcher"]


def test_explain_names_the_comparisons_and_the_decision(db):
    result = invoke("explain", "2016:1", "2020:22", "--db", db)
    assert result.exit_code == 0, result.output
    for word in ("text", "documents", "departments", "专利法", "auto"):
        assert word in result.output
