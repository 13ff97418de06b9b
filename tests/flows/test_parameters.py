"""Flow parameters reach the Prefect API as JSON without FastAPI (flows/parameters.py): real flow runs."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from flows.parameters import flow
from flows.workspace import Workspace

pytestmark = pytest.mark.prefect


@flow(name="parameters-shown")
def shown(workspace: Workspace, names: list[str], lock: object = None) -> int:
    return len(names)


def test_a_run_shows_its_parameters_as_json(prefect_server, tmp_path):
    from prefect import get_client

    state = shown(Workspace.at(tmp_path / "w.duckdb"), ["a", "b"], threading.Lock(), return_state=True)
    assert state.result() == 2
    with get_client(sync_client=True) as client:
        parameters = client.read_flow_run(state.state_details.flow_run_id).parameters
    assert parameters["workspace"]["db"] == str(tmp_path / "w.duckdb")
    assert parameters["names"] == ["a", "b"]
    assert parameters["lock"] == "<lock>"  # what pydantic cannot encode is named, as Prefect names it


def test_running_a_flow_does_not_import_fastapi(prefect_server):
    code = ("import sys\nfrom flows.parameters import flow\n"
            "@flow(name='parameters-no-fastapi')\ndef one(names: list): return len(names)\n"
            "assert one(['a']) == 1\nprint('fastapi' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PREFECT_API_URL": prefect_server})
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.splitlines()[-1] == "False"
