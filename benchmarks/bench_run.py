"""Wall time of `ipplans run` on ../shared/plans: cold (fresh DuckDB file) and warm (second run,
every source unchanged), with Prefect's temporary local server and with a running server.

Run from the project root:  python benchmarks/bench_run.py [--repeat N]

Each mode gets its own temporary PREFECT_HOME. Before timing, one throwaway flow run
creates Prefect's database there, so "cold" means a cold warehouse, not a first-ever
Prefect start (that adds 10–15 s once per PREFECT_HOME). The running server is started
with `prefect server start --background --no-ui --analytics-off` and stopped afterwards.
Ratios are against the cold run on the temporary server.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IPPLANS = str(Path(sys.executable).with_name("ipplans"))
PREFECT = [sys.executable, "-m", "prefect"]


def timed_run(db: Path, env: dict[str, str]) -> tuple[float, int]:
    """Seconds and exit code of one `ipplans run` process."""
    start = time.perf_counter()
    result = subprocess.run([IPPLANS, "run", "--db", str(db), "--out", str(db.parent / "reports")],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    return time.perf_counter() - start, result.returncode


def warm_up_prefect(env: dict[str, str]) -> None:
    """Create the Prefect database in PREFECT_HOME with one trivial flow run."""
    code = "from prefect import flow\nflow(name='warm-up')(lambda: None)()"
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(env: dict[str, str]):
    """A background `prefect server start`; yields the environment that points at it."""
    port = free_port()
    subprocess.run([*PREFECT, "server", "start", "--background", "--no-ui", "--analytics-off", "--port", str(port)],
                   env=env, check=True, capture_output=True)
    url = f"http://127.0.0.1:{port}/api"
    try:
        wait_healthy(url, timeout=120)
        yield {**env, "PREFECT_API_URL": url}
    finally:
        subprocess.run([*PREFECT, "server", "stop"], env=env, capture_output=True)


def wait_healthy(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the Prefect server at {url} did not become healthy in {timeout} s")
        time.sleep(0.5)


def measure(mode: str, env: dict[str, str], scratch: Path, repeat: int) -> list[tuple[str, str, float, int]]:
    """(mode, cold|warm, best seconds of `repeat`, exit code) rows."""
    rows = {"cold": [], "warm": []}
    for attempt in range(repeat):
        db = scratch / f"{mode}-{attempt}" / "data" / "ipplans.duckdb"
        rows["cold"].append(timed_run(db, env))
        rows["warm"].append(timed_run(db, env))
    return [(mode, run, min(t for t, _ in results), max(code for _, code in results))
            for run, results in rows.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per cell; the best is shown")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-run-"))
    base = {key: value for key, value in os.environ.items() if key != "PREFECT_API_URL"}
    base["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    try:
        ephemeral_env = {**base, "PREFECT_HOME": str(scratch / "home-ephemeral")}
        warm_up_prefect(ephemeral_env)
        rows = measure("temporary server", ephemeral_env, scratch, args.repeat)
        with running_server({**base, "PREFECT_HOME": str(scratch / "home-server")}) as server_env:
            warm_up_prefect(server_env)
            rows += measure("running server", server_env, scratch, args.repeat)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print_table(rows)


def print_table(rows) -> None:
    baseline = rows[0][2]
    print(f"{'Prefect':<17} {'run':<5} {'wall s':>7} {'ratio':>6}  exit")
    for mode, run, seconds, code in rows:
        print(f"{mode:<17} {run:<5} {seconds:7.1f} {seconds / baseline:6.2f}  {code}")


if __name__ == "__main__":
    main()
