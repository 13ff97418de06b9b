"""Great Expectations kept imported between commands, beside the local Prefect server.

`import great_expectations` costs 4–5 CPU-seconds, several times everything else an ingest of one
small plan does, and a helper process per command (expectations/worker.py) pays it on every
command. While the local Prefect server that ipplans started runs, commands instead send their
batches to one long-lived validation process: it imported GX and opened the project once, so a
small plan's validation costs what the validation costs (well under a second). The batches are
validated there by the same committed suites (`suites.run_batches_here`), exactly as in a worker.

Lifetime: the first command that validates while the server runs starts the service
(`connect`), and it ends with that server: `ipplans server stop` stops it (`stop_service`), and
it exits by itself once the server's process is gone. One service per Prefect home, found through
`<PREFECT_HOME>/ipplans-gx.json` (mode 0600: it holds the connection's key). The service listens
on 127.0.0.1 and accepts only clients that know the key (multiprocessing's HMAC handshake).
A service started from other code (the project's expectations files or another Python) is
stale: the next command stops it and starts a fresh one (`code_fingerprint`).
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from multiprocessing.connection import Client, Connection, Listener
from pathlib import Path

STATE_FILE = "ipplans-gx.json"
LOCK_FILE = "ipplans-gx.lock"
LOG_FILE = "ipplans-gx.log"
HOST = "127.0.0.1"
# A new service binds its port within a fraction of a second (GX is imported after that);
# the bound leaves room for a loaded machine.
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 5.0
OWNER_POLL_S = 2.0  # how soon the service notices its Prefect server is gone
PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class ServiceState:
    pid: int
    port: int
    authkey: str  # hex
    fingerprint: str
    owner_pid: int  # the Prefect server process the service belongs to


def code_fingerprint() -> str:
    """What the service's answers depend on: this environment (its prefix names the virtualenv, however
    its Python was called) and the expectations package (code and GX project)."""
    digest = hashlib.sha256(f"{os.path.realpath(sys.prefix)}\0{sys.version}".encode())
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".json", ".yml", ".yaml") and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(PACKAGE_DIR)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def connect(home: Path, owner_pid: int) -> Connection:
    """A connection to the service of the Prefect server `owner_pid`, started first when none
    runs (or the running one is stale). Requests may be sent at once: the service answers them
    once GX is imported."""
    fingerprint = code_fingerprint()
    with _locked(home):
        state = read_state(home)
        if state is None or state.fingerprint != fingerprint or state.owner_pid != owner_pid \
                or not _is_service(state.pid):
            if state is not None:
                _stop(state)
            state = _spawn(home, owner_pid)
    connection = Client((HOST, state.port), authkey=bytes.fromhex(state.authkey))
    connection.send(("hello", fingerprint))
    if connection.recv() is not True:  # the files changed between our check and its start: not ours to use
        connection.close()
        raise ConnectionError("the validation service runs other code than this command")
    return connection


def stop_service(home: Path) -> int | None:
    """Stop the service of this Prefect home; returns its pid (None: none ran)."""
    with _locked(home):
        state = read_state(home)
        if state is None:
            return None
        _stop(state)
        (home / STATE_FILE).unlink(missing_ok=True)
        return state.pid


def read_state(home: Path) -> ServiceState | None:
    try:
        return ServiceState(**json.loads((home / STATE_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def service_pid(home: Path) -> int | None:
    """The pid of this home's running service, if one runs."""
    state = read_state(home)
    return state.pid if state and _is_service(state.pid) else None


@contextmanager
def _locked(home: Path) -> Iterator[None]:
    """One command at a time starts or stops a home's service (two starting at once would make two)."""
    home.mkdir(parents=True, exist_ok=True)
    with (home / LOCK_FILE).open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _spawn(home: Path, owner_pid: int) -> ServiceState:
    (home / STATE_FILE).unlink(missing_ok=True)
    command = [sys.executable, "-m", "expectations.service", "--home", str(home), "--owner-pid", str(owner_pid)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PACKAGE_DIR.parent),
                                                                       os.environ.get("PYTHONPATH")]))}
    with (home / LOG_FILE).open("ab") as log:
        # a session of its own: the service outlives this command, like the server it belongs to
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                   env=env, cwd=home, start_new_session=True)
    deadline = time.monotonic() + START_TIMEOUT_S
    while (state := read_state(home)) is None or state.pid != process.pid:
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise ConnectionError(f"the validation service did not start; see {home / LOG_FILE}")
        time.sleep(0.02)
    return state


def _stop(state: ServiceState) -> None:
    if _is_service(state.pid):
        os.kill(state.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while _is_service(state.pid) and time.monotonic() < deadline:
            time.sleep(0.05)


def _is_service(pid: int) -> bool:
    """The process is alive and is a validation service (a reused pid of another program is not)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        status = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return status != "Z" and b"expectations.service" in command


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# ---- the service process ------------------------------------------------------------------

def serve(home: Path, owner_pid: int) -> None:
    """Listen first (so commands can connect at once), then import GX; end with the owner."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # `stop_service`: leave through the finally below
    authkey = secrets.token_bytes(32)
    listener = Listener((HOST, 0), authkey=authkey)
    state = ServiceState(os.getpid(), listener.address[1], authkey.hex(), code_fingerprint(), owner_pid)
    scratch = home / f"{STATE_FILE}.{os.getpid()}"
    scratch.touch(mode=0o600)
    scratch.write_text(json.dumps(asdict(state)), encoding="utf-8")
    scratch.replace(home / STATE_FILE)
    ready, lock = threading.Event(), threading.Lock()
    threading.Thread(target=_accept, args=(listener, state.fingerprint, ready, lock), daemon=True).start()
    threading.Thread(target=_end_with_owner, args=(home, state), daemon=True).start()  # also while importing
    from expectations.suites import _UNKEPT_RESULTS, _context

    try:
        _context(_UNKEPT_RESULTS)  # import GX and open the project once, for every command to come
        ready.set()
        while True:
            time.sleep(3600)
    finally:
        _forget(home, state)


def _end_with_owner(home: Path, state: ServiceState) -> None:
    while _alive(state.owner_pid):
        time.sleep(OWNER_POLL_S)
    _forget(home, state)
    os._exit(0)  # at once, even in the middle of GX's import


def _forget(home: Path, state: ServiceState) -> None:
    if read_state(home) == state:  # a newer service may have taken the file over
        (home / STATE_FILE).unlink(missing_ok=True)


def _accept(listener: Listener, fingerprint: str, ready: threading.Event, lock: threading.Lock) -> None:
    while True:
        try:
            connection = listener.accept()
        except Exception:  # noqa: BLE001 — a client with a wrong key, or one that hung up: wait for the next
            continue
        threading.Thread(target=_answer, args=(connection, fingerprint, ready, lock), daemon=True).start()


def _answer(connection: Connection, fingerprint: str, ready: threading.Event, lock: threading.Lock) -> None:
    """One command's requests: a hello with its code fingerprint, then batches until it hangs up."""
    from expectations.worker import answer_requests

    with connection:
        try:
            hello = connection.recv()
            connection.send(hello == ("hello", fingerprint))
            if hello != ("hello", fingerprint):
                return
        except (EOFError, OSError):
            return
        ready.wait()
        answer_requests(connection, lock)


def main() -> None:
    parser = argparse.ArgumentParser(description="ipplans' validation service (started by commands, not by hand)")
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--owner-pid", type=int, required=True)
    args = parser.parse_args()
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    serve(args.home, args.owner_pid)


if __name__ == "__main__":
    main()
