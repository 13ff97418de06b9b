"""The report and publish flows on a real Prefect server, and `ipplans report` on the real plans."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.commands import register_all
from tests.transforms.reports.real_warehouse import build_real_warehouse

register_all(app)
runner = CliRunner()
PAIR_FILES = ["2015_2016", "2016_2020", "2020_2021-2022"]


@pytest.fixture(scope="module")
def real_db(tmp_path_factory, shared_plans) -> Path:
    return build_real_warehouse(tmp_path_factory.mktemp("reports") / "w.duckdb", shared_plans)


def invoke(*args):
    return runner.invoke(app, [str(arg) for arg in args], catch_exceptions=False)


def read_artifacts(keys: list[str]) -> dict[str, object]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    async def latest():
        async with get_client() as client:
            found = await client.read_latest_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=keys)))
            return {artifact.key: artifact for artifact in found}

    return asyncio.run(latest())


@pytest.mark.prefect
def test_report_then_publish_writes_files_and_artifacts(prefect_server, real_db, tmp_path):
    from flows.publish import publish
    from flows.report import report
    from flows.workspace import Workspace

    summary = report(Workspace.at(real_db, reports=tmp_path), "zh")
    summary.artifact_keys = publish(summary.reports, "zh")
    expected = {f"{stem}{suffix}" for stem in [*PAIR_FILES, "overview"] for suffix in (".md", ".html")}
    pages = [Path(path) for path in summary.paths if Path(path).parent == tmp_path]
    assert {page.name for page in pages} == expected
    # the rest are the history pages of the lines of work, which are files only, not artifacts
    lineage_pages = {Path(path) for path in summary.paths} - set(pages)
    assert lineage_pages and all(page.parent == tmp_path / "lineages" for page in lineage_pages)
    assert summary.artifact_keys == ["report-2015-2016-zh", "report-2016-2020-zh", "report-2020-2021-2022-zh",
                                     "report-overview-zh", "report-index-zh"]
    artifacts = read_artifacts(summary.artifact_keys)
    assert set(artifacts) == set(summary.artifact_keys)
    pair = artifacts["report-2016-2020-zh"]
    assert pair.type == "markdown" and "配合做好" in pair.data and "机构改革" in pair.data
    assert pair.data == (tmp_path / "2016_2020.md").read_text(encoding="utf-8")
    assert artifacts["report-index-zh"].type == "table" and "2016_2020.html" in str(artifacts["report-index-zh"].data)


def test_report_for_two_plans(real_db, tmp_path):
    result = invoke("report", "2016", "2020", "--db", real_db, "--out", tmp_path, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2016_2020.html", "2016_2020.md", "lineages"]
    html = (tmp_path / "2016_2020.html").read_text(encoding="utf-8")
    assert "<del>积极推动</del>著作权法<del>第三次</del>修订" in html
    assert "institutional reform" in html and "Task comparison" in html


def test_report_defaults_to_reports_under_the_current_directory(real_db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("report", "2016", "2020", "--db", real_db)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "reports" / "2016_2020.html").is_file()
    assert "机构改革" in (tmp_path / "reports" / "2016_2020.md").read_text(encoding="utf-8")


@pytest.mark.prefect
def test_report_all(prefect_server, real_db, tmp_path):
    result = invoke("report", "--all", "--db", real_db, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert {p.stem for p in tmp_path.iterdir()} == {*PAIR_FILES, "overview", "lineages"}
    assert "report-index-zh" in result.output


@pytest.mark.parametrize("args, message", [
    (["2016"], "give two plans"),
    (["2016", "2020", "--all"], "not both"),
    (["2020", "2016"], "does not come before"),
    (["2016", "1999"], "no plan '1999'"),
])
def test_report_refuses_wrong_arguments(real_db, tmp_path, args, message):
    result = invoke("report", *args, "--db", real_db, "--out", tmp_path)
    assert result.exit_code == 1
    assert message in result.output
    assert not any(tmp_path.iterdir())


def test_report_without_a_warehouse_fails(tmp_path):
    result = invoke("report", "2016", "2020", "--db", tmp_path / "none.duckdb", "--out", tmp_path / "out")
    assert result.exit_code == 1 and "no warehouse" in result.output
    assert not (tmp_path / "none.duckdb").exists()
