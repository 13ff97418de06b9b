"""Scheduling: `ipplans serve` and `flows/prefect.yaml` register the deployments on a real server.

`ipplans serve` runs in a subprocess pointed at the session's server; the test polls the
API until both deployments appear (bounded), checks `prefect deployment ls`, then stops it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IPPLANS = str(Path(sys.executable).with_name("ipplans"))  # the console script of this venv
DEPLOYMENTS = {"pipeline/daily": "0 6 * * *", "pipeline/weekly": "0 7 * * 1"}

pytestmark = [pytest.mark.prefect, pytest.mark.slow]


def prefect_env(api_url: str) -> dict[str, str]:
    return {**os.environ, "PREFECT_API_URL": api_url}


def wait_for_deployments(names, timeout: float = 90.0) -> dict:
    """name → deployment, once every name is registered; fails after `timeout` seconds."""
    from prefect import get_client
    from prefect.exceptions import ObjectNotFound

    deadline = time.monotonic() + timeout
    found = {}
    with get_client(sync_client=True) as client:
        while len(found) < len(names):
            assert time.monotonic() < deadline, f"only {sorted(found)} registered after {timeout} s"
            for name in set(names) - set(found):
                try:
                    found[name] = client.read_deployment_by_name(name)
                except ObjectNotFound:
                    pass
            time.sleep(0.5)
    return found


def delete_deployments(names) -> None:
    from prefect import get_client
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        for name in names:
            try:
                client.delete_deployment(client.read_deployment_by_name(name).id)
            except ObjectNotFound:
                pass


def prefect_cli(api_url: str, *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "prefect", *args], cwd=ROOT, env=prefect_env(api_url),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def test_ipplans_serve_registers_the_scheduled_deployments(prefect_server, tmp_path):
    delete_deployments(DEPLOYMENTS)  # registered by another test: they must appear anew
    command = [IPPLANS, "serve", "--db", str(tmp_path / "w.duckdb")]
    process = subprocess.Popen(command, cwd=tmp_path, env=prefect_env(prefect_server),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deployments = wait_for_deployments(DEPLOYMENTS)
        listing = prefect_cli(prefect_server, "deployment", "ls")
    finally:
        stop(process)
    for name, cron in DEPLOYMENTS.items():
        assert [s.schedule.cron for s in deployments[name].schedules] == [cron]
        assert name.split("/")[1] in listing
    assert deployments["pipeline/daily"].parameters["settings"]["catalogue"] is True
    assert deployments["pipeline/daily"].parameters["workspace"]["db"] == str(tmp_path / "w.duckdb")
    assert deployments["pipeline/weekly"].parameters["settings"] == {"inbox": False, "reports": "always", "lang": "zh"}


def test_serve_without_a_server_says_what_to_do(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "PREFECT_API_URL"}
    result = subprocess.run([IPPLANS, "serve"], cwd=tmp_path,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "prefect server start" in result.stderr


def test_prefect_yaml_deploys_the_same_deployments_to_a_work_pool(prefect_server):
    delete_deployments(DEPLOYMENTS)
    prefect_cli(prefect_server, "work-pool", "create", "ipplans", "--type", "process", "--overwrite")
    prefect_cli(prefect_server, "--no-prompt", "deploy", "--all", "--prefect-file", "flows/prefect.yaml")
    deployments = wait_for_deployments(DEPLOYMENTS, timeout=10)
    for name, cron in DEPLOYMENTS.items():
        assert deployments[name].work_pool_name == "ipplans"
        assert [s.schedule.cron for s in deployments[name].schedules] == [cron]
