"""The pipeline's parameters as deployments store them (JSON) come back as the typed values it takes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from flows.serve import deployment_parameters
from flows.settings import RunSettings
from flows.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]


def test_serve_and_prefect_yaml_parameters_validate_as_a_workspace_and_settings(tmp_path):
    from flows.pipeline import pipeline

    stored = [deployment_parameters(Workspace.at(tmp_path / "w.duckdb"), catalogue=True, lang="en"),
              *(d["parameters"] for d in yaml.safe_load((ROOT / "flows" / "prefect.yaml").read_text())["deployments"])]
    found = [pipeline.validate_parameters(parameters) for parameters in stored]
    # absolute, as runs execute in their own subprocess (the report folder: under the current directory)
    assert found[0]["workspace"] == Workspace.at((tmp_path / "w.duckdb").resolve(), reports=Path("reports").resolve())
    assert found[0]["settings"] == RunSettings(catalogue=True, lang="en")
    assert [p["settings"].reports for p in found[1:]] == ["due", "always"]
    assert found[2]["settings"].inbox is False and found[1]["workspace"].inbox == Path("data/inbox")


def test_settings_refuse_an_unknown_report_choice():
    with pytest.raises(ValueError, match="reports must be one of due, always, never"):
        RunSettings(reports="sometimes")
