"""The validation service beside the local server (expectations/service.py), as a real process.

The service belongs to a Prefect server process; here a plain `sleep` process stands in for that
server, since all the service knows of its owner is that the process is alive. Every test stops
what it started.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import time
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client

import pandas as pd
import pytest

from expectations import service
from expectations.batches import load_batches
from expectations.gate import QualityError, check_plan_load
from expectations.suites import run_batches_here
from expectations.worker import worker_running
from sources.catalogue import load_catalogue
from sources.inputs import bundled_sample
from sources.read import read_source
from sources.registry import load_department_registry
from transforms.parse import parse_plan
from warehouse.connection import connect
from warehouse.load import prepare_load

pytestmark = [pytest.mark.gx, pytest.mark.slow]


@pytest.fixture
def owner():
    """A live process in the role of the Prefect server the service belongs to."""
    process = subprocess.Popen(["sleep", "300"])
    yield process
    process.kill()
    process.wait()


@pytest.fixture
def home(tmp_path):
    yield tmp_path / "prefect-home"
    service.stop_service(tmp_path / "prefect-home")


def _load(db_path):
    registry, catalogue = load_department_registry(), load_catalogue()
    con = connect(db_path)
    return con, prepare_load(con, parse_plan(read_source(bundled_sample()), catalogue), registry)


def _gone(pid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while service._is_service(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_commands_share_one_service_whose_reports_equal_an_in_process_validation(home, owner, db_path):
    con, load = _load(db_path)
    with worker_running(service=(home, owner.pid)):
        through_service = check_plan_load(con, load)
    first = service.service_pid(home)
    with worker_running(service=(home, owner.pid)):  # the next command: the same process, GX already imported
        again = check_plan_load(con, load)
    assert first is not None and service.service_pid(home) == first
    assert through_service == again == []
    assert run_batches_here(load_batches(con, load)) == _service_reports(home, owner.pid, load_batches(con, load))
    con.close()


def _service_reports(home, owner_pid, batches):
    with service.connect(home, owner_pid) as connection:
        connection.send((batches, None))
        ok, reports = connection.recv()
    assert ok
    return reports


def test_a_blocking_failure_comes_back_through_the_service(home, owner, db_path):
    con, load = _load(db_path)
    twelve = load.copy.tasks[load.copy.tasks["task_no"] == 12]
    tasks = pd.concat([load.copy.tasks, twelve.assign(task_key="1.2.12", section_path="1.2", position=12.5)],
                      ignore_index=True)
    broken = dataclasses.replace(load, copy=dataclasses.replace(load.copy, tasks=tasks))
    with worker_running(service=(home, owner.pid)), pytest.raises(QualityError) as raised:
        check_plan_load(con, broken)
    con.close()
    assert service.service_pid(home) is not None
    assert str(raised.value) == "2020.gov.md: task numbers have a duplicate: task_no 12 (1.1.12, 1.2.12)"


def test_a_client_without_the_key_is_refused_and_the_service_goes_on(home, owner):
    service.connect(home, owner.pid).close()
    state = service.read_state(home)
    assert (home / service.STATE_FILE).stat().st_mode & 0o077 == 0  # the key is for this user only
    with pytest.raises(AuthenticationError):
        Client((service.HOST, state.port), authkey=b"not the key")
    with service.connect(home, owner.pid) as connection:
        connection.send(([], None))
        assert connection.recv() == (True, [])
    assert service.service_pid(home) == state.pid


def test_a_service_of_other_code_is_replaced_and_one_ends_with_its_server(home, owner):
    service.connect(home, owner.pid).close()
    old = service.read_state(home)
    # as a service started before the expectations files changed would have written it
    (home / service.STATE_FILE).write_text(json.dumps({**old.__dict__, "fingerprint": "older code"}))
    service.connect(home, owner.pid).close()
    new = service.read_state(home)
    assert new.pid != old.pid and _gone(old.pid, within=10)
    assert new.fingerprint == service.code_fingerprint()

    owner.kill()
    owner.wait()
    assert _gone(new.pid, within=service.OWNER_POLL_S + 10)
    assert not (home / service.STATE_FILE).exists()


def test_stop_service_stops_it(home, owner):
    service.connect(home, owner.pid).close()
    pid = service.service_pid(home)
    assert service.stop_service(home) == pid
    assert _gone(pid, within=1) and service.service_pid(home) is None
    assert service.stop_service(home) is None


def test_a_command_whose_service_ends_meanwhile_validates_in_its_own_process(home, owner, db_path):
    con, load = _load(db_path)
    with worker_running(service=(home, owner.pid)):
        service.stop_service(home)  # e.g. `ipplans server stop` while an ingest runs
        assert check_plan_load(con, load) == []
    con.close()
