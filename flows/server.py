"""A local Prefect server that every ipplans command finds, so no command pays for a temporary one.

`ipplans server start` runs Prefect's own server (`prefect server start`, with its UI) in the
background on 127.0.0.1, port `$IPPLANS_SERVER_PORT` or 4200, its database under Prefect's
home (`$PREFECT_HOME`, default ~/.prefect). ipplans writes what it started to
`<PREFECT_HOME>/ipplans-server.json`, so `ipplans server stop` stops that process and nothing else.

Commands that run flows ask `api_for_flows()` which API to use:
  1. `PREFECT_API_URL` when set (environment or Prefect profile): that server;
  2. else the local server, when it answers healthy;
  3. else they start the local server in the background, say so in one line, and use it.
`--temporary-server` (or `IPPLANS_TEMPORARY_SERVER=1`, for CI and tests) skips 2 and 3: Prefect
then starts its temporary server inside the process, as it does without any configuration.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
DEFAULT_PORT = 4200  # Prefect's own default, so `prefect` commands find the same server
PORT_ENV = "IPPLANS_SERVER_PORT"
TEMPORARY_ENV = "IPPLANS_TEMPORARY_SERVER"
# The first start on a machine creates Prefect's database (tens of seconds on 2 cores); later ones ~10 s.
STARTUP_TIMEOUT_S = 180.0
HEALTH_TIMEOUT_S = 1.0
STOP_TIMEOUT_S = 15.0
STATE_FILE = "ipplans-server.json"
LOG_FILE = "ipplans-server.log"


class ServerError(RuntimeError):
    """The local server could not be started or stopped; the message says why."""


@dataclass(frozen=True)
class ServerStatus:
    port: int
    healthy: bool
    pid: int | None  # the process ipplans started, if it is still running

    @property
    def ui_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.ui_url}/api"

    def describe(self) -> str:
        state = "healthy" if self.healthy else "not answering"
        owner = f"started by ipplans, pid {self.pid}" if self.pid else "not started by ipplans"
        return f"Prefect server at {self.ui_url}: {state} ({owner})"


def prefect_home() -> Path:
    return Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()


def server_port(port: int | None = None) -> int:
    if port is not None:
        return port
    value = os.environ.get(PORT_ENV)
    if not value:
        return DEFAULT_PORT
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ServerError(f"{PORT_ENV} must be a port number (1-65535), not {value!r}")
    return int(value)


def temporary_server_requested() -> bool:
    return os.environ.get(TEMPORARY_ENV, "").strip().lower() in ("1", "true", "yes")


def server_status(port: int | None = None) -> ServerStatus:
    """Whether the local server answers on its port, and which process ipplans started for it."""
    port = server_port(port)
    state = _read_state()
    pid = state["pid"] if state and state.get("port") == port and _is_our_server(state["pid"]) else None
    return ServerStatus(port, is_healthy(f"http://{HOST}:{port}/api"), pid)


def server_start(port: int | None = None, *, wait: bool = True) -> ServerStatus:
    """Start the local server in the background unless it already answers (or is starting);
    with `wait`, return once it is healthy."""
    status = server_status(port)
    if status.healthy:
        return status
    if status.pid is None:
        pid = _spawn(status.port)
        status = ServerStatus(status.port, False, pid)
    if wait:
        wait_until_healthy(status)
        status = ServerStatus(status.port, True, status.pid)
    return status


def server_stop() -> ServerStatus | None:
    """Stop the server ipplans started (None: there is none) and the validation service beside it;
    a server started otherwise is left alone."""
    from expectations.service import stop_service

    stop_service(prefect_home())
    state = _read_state()
    if not state or not _is_our_server(state["pid"]):
        _state_path().unlink(missing_ok=True)
        return None
    pid = state["pid"]
    try:
        os.killpg(pid, signal.SIGTERM)  # the server and the workers it forked
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _alive(pid):
        os.killpg(pid, signal.SIGKILL)
    _state_path().unlink(missing_ok=True)
    return ServerStatus(state["port"], False, pid)


def wait_until_healthy(status: ServerStatus, timeout: float = STARTUP_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while not is_healthy(status.api_url):
        if status.pid is not None and not _alive(status.pid):
            raise ServerError(f"the Prefect server on port {status.port} exited while starting:\n{_log_tail()}")
        if time.monotonic() > deadline:
            raise ServerError(f"the Prefect server on port {status.port} did not answer within {timeout:.0f} s; "
                              f"see {prefect_home() / LOG_FILE}")
        time.sleep(0.2)


def api_for_flows(temporary: bool = False, announce: Callable[[str], None] = print) -> str | None:
    """The API the flows of this command should use; None means Prefect's temporary server."""
    if temporary or temporary_server_requested():
        return None
    configured = configured_api_url()
    if configured:
        return configured
    status = server_status()
    if not status.healthy:
        status = server_start(wait=False)
        announce(f"started the Prefect server in the background: UI at {status.ui_url} "
                 "(`ipplans server stop` stops it)")
        wait_until_healthy(status)
    return status.api_url


def start_early(temporary: bool = False) -> None:
    """Spawn the local server now, without waiting, when this command's flows will use it and it does
    not run: its start (the first one on a machine migrates Prefect's database for tens of seconds)
    then overlaps the command's own start, and the validation service can start beside it at once.
    `api_for_flows` later waits for it and says so."""
    if temporary or temporary_server_requested() or configured_api_url():
        return
    status = server_status()
    if not status.healthy and status.pid is None:
        server_start(wait=False)


def validation_service(temporary: bool = False) -> tuple[Path, int] | None:
    """(Prefect home, pid) of the local server ipplans started, when it runs and the flows do not go
    to a temporary server: validations then go to the GX service beside it, which lives as long as
    that server (expectations/service.py)."""
    if temporary or temporary_server_requested():
        return None
    state = _read_state()
    return (prefect_home(), state["pid"]) if state and _is_our_server(state["pid"]) else None


def configured_api_url() -> str | None:
    """PREFECT_API_URL from the environment, else from Prefect's settings (profile, test harness)."""
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"]
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value() or None


def ui_url(api_url: str | None) -> str | None:
    """The UI address of a server from its API address (None for the temporary server: it has no UI)."""
    if not api_url:
        return None
    return api_url.rstrip("/").removesuffix("/api")


def is_healthy(api_url: str) -> bool:
    # loopback needs no proxy, and an http_proxy in the environment must not catch it
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"{api_url}/health", timeout=HEALTH_TIMEOUT_S) as response:
            return response.status == 200
    except (OSError, ValueError):
        return False


def _spawn(port: int) -> int:
    home = prefect_home()
    home.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", HOST, "--port", str(port),
               "--analytics-off"]
    env = {key: value for key, value in os.environ.items() if key != "PREFECT_API_URL"}
    with (home / LOG_FILE).open("ab") as log:
        # a session of its own: the server outlives this command, and stop can end its whole group
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                   env=env, start_new_session=True)
    _state_path().write_text(json.dumps({"pid": process.pid, "port": port, "command": command}), encoding="utf-8")
    return process.pid


def _state_path() -> Path:
    return prefect_home() / STATE_FILE


def _read_state() -> dict | None:
    try:
        state = json.loads(_state_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) and isinstance(state.get("pid"), int) else None


def _is_our_server(pid: int) -> bool:
    """The process is alive and is a Prefect server (a reused pid of another program is not ours)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return _alive(pid) and sys.platform != "linux"
    return b"prefect" in command and b"server" in command


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a child of this process that exited stays a zombie until reaped
        return os.waitpid(pid, os.WNOHANG) == (0, 0)
    except ChildProcessError:
        return True


def _log_tail(lines: int = 20) -> str:
    try:
        return "\n".join((prefect_home() / LOG_FILE).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
