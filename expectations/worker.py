"""Great Expectations in a helper process, so its 3–4 s import overlaps the command's own start.

`import great_expectations` is CPU-bound and costs more than everything else an ingest of one
small plan does. A command that is about to load plans calls `start_worker()` first: a spawned
process imports GX and opens the project while this process imports Prefect and reads and
parses the sources on the other core. `suites.run_batches` then sends its batches there (real
GX validations, in that process) and gets the reports back. Without a worker, validation runs
in this process as before. `stop_worker()` (or leaving `worker_running()`) ends the process.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterator
from contextlib import contextmanager

STOP_WAIT_S = 2.0
_worker = None  # (process, connection) of the running worker
_lock = threading.Lock()  # one request at a time on the pipe (Prefect may call from worker threads)


def start_worker() -> None:
    """Start the helper process (once) and let it import GX and open the project in the background."""
    global _worker
    with _lock:
        if _worker is not None:
            return
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
        connection.close()  # the worker reads end-of-file and returns
        process.join(STOP_WAIT_S)
        if process.is_alive():  # still importing GX: nothing of ours is in flight
            process.terminate()
            process.join(STOP_WAIT_S)


@contextmanager
def worker_running() -> Iterator[None]:
    start_worker()
    try:
        yield
    finally:
        stop_worker()


def run_in_worker(batches, results_dir):
    """The reports of `suites.run_batches` computed in the worker, or None when no worker runs."""
    with _lock:
        if _worker is None:
            return None
        process, connection = _worker
        try:
            connection.send((batches, results_dir))
            ok, value = connection.recv()
        except (EOFError, OSError) as exc:
            raise RuntimeError(f"the Great Expectations worker process ended unexpectedly (exit code "
                               f"{process.exitcode})") from exc
    if not ok:
        raise value
    return value


def _serve(connection) -> None:
    from expectations.suites import _UNKEPT_RESULTS, _context, run_batches_here

    _context(_UNKEPT_RESULTS)  # import GX and open the project before the first request arrives
    while True:
        try:
            batches, results_dir = connection.recv()
        except (EOFError, OSError):
            return
        try:
            connection.send((True, run_batches_here(batches, results_dir=results_dir)))
        except Exception as exc:  # noqa: BLE001 — sent back and raised in the caller
            try:
                connection.send((False, exc))
            except Exception:  # noqa: BLE001 — an exception that does not pickle goes back as text
                connection.send((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
