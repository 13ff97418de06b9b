"""`ipplans server start|stop|status` and the local server that flow commands find or start.

Real `prefect server start` processes on free ports, each under its own PREFECT_HOME in tmp_path;
every test stops what it started, also when it fails.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from expectations.service import _is_service as is_service, service_pid
from flows.server import STATE_FILE, server_stop
from tests.flows.conftest import PLAN_2019

IPPLANS = str(Path(sys.executable).with_name("ipplans"))
pytestmark = [pytest.mark.prefect, pytest.mark.slow]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def local_server_env(tmp_path, monkeypatch):
    """An environment with no Prefect server configured: commands must find or start the local one."""
    home, port = tmp_path / "prefect-home", free_port()
    env = {key: value for key, value in os.environ.items()
           if key not in ("PREFECT_API_URL", "IPPLANS_TEMPORARY_SERVER")}
    env.update(PREFECT_HOME=str(home), IPPLANS_SERVER_PORT=str(port))
    yield env
    monkeypatch.setenv("PREFECT_HOME", str(home))
    server_stop()  # whatever the test left behind


def ipplans(env, *args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([IPPLANS, *map(str, args)], env=env, cwd=cwd, capture_output=True, text=True, timeout=300)


def test_a_flow_command_starts_the_local_server_once_and_later_commands_find_it(local_server_env, tmp_path):
    env, db = local_server_env, tmp_path / "data" / "ipplans.duckdb"
    ui = f"http://127.0.0.1:{env['IPPLANS_SERVER_PORT']}"
    plan = tmp_path / "2019.txt"
    plan.write_text(PLAN_2019, encoding="utf-8")

    first = ipplans(env, "ingest", plan, "--db", db)
    assert first.returncode == 0, first.stdout + first.stderr
    assert f"started the Prefect server in the background: UI at {ui}" in first.stdout
    assert f"Prefect UI: {ui}/runs" in first.stdout
    # spawned before the GX worker: even the first command validated in the service beside the server
    assert service_pid(Path(env["PREFECT_HOME"])) is not None

    status = ipplans(env, "server", "status")
    assert status.returncode == 0 and f"{ui}: healthy (started by ipplans" in status.stdout
    assert "already running" in ipplans(env, "server", "start").stdout

    second = ipplans(env, "ingest", Path(__file__).parents[2] / "sources" / "samples" / "2020.gov.md", "--db", db)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "started the Prefect server" not in second.stdout and "loaded    2020.gov.md" in second.stdout
    # the second command found the server, so it validated in the GX service beside it, which stays
    validations = service_pid(Path(env["PREFECT_HOME"]))
    assert validations is not None

    stopped = ipplans(env, "server", "stop")
    assert "stopped the Prefect server" in stopped.stdout
    assert service_pid(Path(env["PREFECT_HOME"])) is None and not is_service(validations)
    after = ipplans(env, "server", "status")
    assert after.returncode == 1 and "not answering" in after.stdout


def test_start_and_stop_on_a_chosen_port(local_server_env):
    env, port = local_server_env, free_port()
    started = ipplans(env, "server", "start", "--port", port)
    assert started.returncode == 0, started.stdout + started.stderr
    assert f"UI: http://127.0.0.1:{port}" in started.stdout
    assert ipplans(env, "server", "status", "--port", port).returncode == 0
    assert "stopped" in ipplans(env, "server", "stop").stdout
    assert ipplans(env, "server", "status", "--port", port).returncode == 1


def test_stop_leaves_alone_a_process_ipplans_did_not_start(local_server_env):
    home = Path(local_server_env["PREFECT_HOME"])
    home.mkdir(parents=True)
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:  # a state file naming a process that is not a Prefect server (e.g. a reused pid)
        (home / STATE_FILE).write_text(json.dumps({"pid": other.pid, "port": 4200}), encoding="utf-8")
        result = ipplans(local_server_env, "server", "stop")
        assert "no Prefect server started by ipplans" in result.stdout
        assert other.poll() is None
    finally:
        other.kill()
        other.wait()


def test_the_temporary_server_option_never_starts_a_local_server(local_server_env, tmp_path):
    plan = tmp_path / "2019.txt"
    plan.write_text(PLAN_2019, encoding="utf-8")
    result = ipplans(local_server_env, "ingest", plan, "--db", tmp_path / "w.duckdb", "--temporary-server")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "started the Prefect server" not in result.stdout and "Prefect UI" not in result.stdout
    assert not (Path(local_server_env["PREFECT_HOME"]) / STATE_FILE).exists()
