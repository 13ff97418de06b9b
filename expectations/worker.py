"""Great Expectations in a helper process, so its 4–5 s import overlaps the command's own start.

`import great_expectations` is CPU-bound and costs more than everything else an ingest of one
small plan does. A command that is about to load plans calls `start_worker()` first. While the
local Prefect server ipplans started runs (`service=(prefect_home, server_pid)`), that connects to
the validation service beside it (expectations/service.py), which imported GX once for every
command. Otherwise a spawned process imports GX and opens the project while this process imports
Prefect and reads and parses the sources on the other core. Either way `suites.run_batches` then
sends its batches there (real GX validations, in that process) and gets the reports back. Without
a worker, validation runs in this process as before. `stop_worker()` (or leaving
`worker_running()`) ends the helper process or hangs up on the service.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STOP_WAIT_S = 2.0
_worker = None  # (process, connection) of the running worker; process None: the shared service
_lock = threading.Lock()  # one request at a time on the pipe (Prefect may call from worker threads)


def start_worker(service: tuple[Path, int] | None = None) -> None:
    """Connect to the validation service of the local server `service` (its Prefect home and pid),
    else start the helper process (once) and let it import GX and open the project in the background."""
    global _worker
    with _lock:
        if _worker is not None:
            return
        if service is not None:
            from expectations.service import connect

            try:
                _worker = (None, connect(*service))
                return
            except (ConnectionError, OSError, EOFError, multiprocessing.ProcessError):
                pass  # e.g. it could not start, or its key did not match: this command's own worker instead
        context = multiprocessing.get_context("spawn")  # a fresh interpreter: never a fork of a threaded process
        ours, theirs = context.Pipe()
        process = context.Process(target=_serve, args=(theirs,), name="ipplans-gx", daemon=True)
        process.start()
        theirs.close()
        _worker = (process, ours)


def stop_worker() -> None:
    global _worker
    with _lock:
        if _worker is None:
            return
        process, connection = _worker
        _worker = None
        connection.close()  # the service reads end-of-file and waits for the next command
        if process is None:
            return
        # No request is in flight (we hold the lock) and results are written before each answer, so
        # there is nothing to wait for: GX's own shutdown would add about a second to the command.
        process.terminate()
        process.join(STOP_WAIT_S)


@contextmanager
def worker_running(service: tuple[Path, int] | None = None) -> Iterator[None]:
    start_worker(service)
    try:
        yield
    finally:
        stop_worker()


def run_in_worker(batches, results_dir):
    """The reports of `suites.run_batches` computed in the worker, or None when no worker runs."""
    global _worker
    with _lock:
        if _worker is None:
            return None
        process, connection = _worker
        try:
            connection.send((batches, results_dir))
            ok, value = connection.recv()
        except (EOFError, OSError) as exc:
            if process is None:  # the service ended (e.g. with its server): validate in this process instead
                connection.close()
                _worker = None
                return None
            raise RuntimeError(f"the Great Expectations worker process ended unexpectedly (exit code "
                               f"{process.exitcode})") from exc
    if not ok:
        raise value
    return value


def _serve(connection) -> None:
    from expectations.suites import _UNKEPT_RESULTS, _context

    _context(_UNKEPT_RESULTS)  # import GX and open the project before the first request arrives
    answer_requests(connection)


def answer_requests(connection, lock: threading.Lock | None = None) -> None:
    """Validate each (batches, results_dir) received and send back (True, reports) or (False, error),
    until the other side hangs up. `lock`: one validation at a time (the service's commands share GX)."""
    from expectations.suites import run_batches_here

    while True:
        try:
            batches, results_dir = connection.recv()
        except (EOFError, OSError):
            return
        try:
            with lock or contextlib.nullcontext():
                reports = run_batches_here(batches, results_dir=results_dir)
            connection.send((True, reports))
        except Exception as exc:  # noqa: BLE001 — sent back and raised in the caller
            try:
                connection.send((False, exc))
            except Exception:  # noqa: BLE001 — an exception that does not pickle goes back as text
                connection.send((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
