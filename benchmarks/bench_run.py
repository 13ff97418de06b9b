"""Wall time of what a user types, against the compute floor for the same input, in one run.

Rows (each the best of --repeat runs; wall seconds, CPU seconds of the process tree, ratio to the floor):
  make run, fresh machine    a copy of this checkout with ../shared beside it, empty PREFECT_HOME, no
                             .venv: install from uv.lock, start the local server, run the main job;
                             once with an empty uv cache (cold: every wheel downloaded), then in a
                             second copy with the cache the first one filled (warm). The UI address
                             the run prints is then fetched: the row fails unless it answers
  run, nothing new           `ipplans run` again: no PREFECT_API_URL / with PREFECT_API_URL set
  ingest 11-task plan        `ipplans ingest` of one new plan into that warehouse: with PREFECT_API_URL
                             set / with none set (the local server is found); the first of them
                             also starts the GX validation service beside the server, which imports
                             GX once for the commands after it (expectations/service.py)
  compute floor              read, parse, prepare, write, match and write links of that plan, in one
                             process with every module already imported (the GX validation, well under
                             a second after import, is left out as in the issue's table)

Run from the project root:  python benchmarks/bench_run.py [--repeat N] [--skip-install]
Everything happens in a temporary folder with its own PREFECT_HOME and a free port; the server
the bench starts is stopped at the end. The 11-task plan is synthetic (written below).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
IPPLANS = str(BIN / "ipplans")
PORT_ENV = "IPPLANS_SERVER_PORT"

PLAN_HEADER = """国务院知识产权战略实施工作部际联席会议办公室关于印发《{year}年深入实施国家知识产权战略加快建设知识产权强国推进计划》的通知
国知战联办〔{year}〕9号
{year}年深入实施国家知识产权战略加快建设知识产权强国推进计划
一、完善知识产权制度
（一）健全法律法规
"""
PLAN_TASKS = [
    "推动专利法修改，完善配套法规和规章。（司法部、知识产权局负责）",
    "研究制定地理标志保护的法律制度。（知识产权局、市场监管总局负责）",
    "完善商标审查制度，提高商标审查质量。（知识产权局负责）",
    "加强植物新品种保护制度建设。（农业农村部、林草局按职责分别负责）",
    "二、加强知识产权保护",
    "开展打击侵权假冒专项行动，加大对重点领域的执法力度。（市场监管总局、公安部按职责分别负责）",
    "加强网络版权保护，开展剑网专项行动。（中央宣传部、公安部按职责分别负责）",
    "完善知识产权纠纷多元化解决机制。（司法部、知识产权局按职责分别负责）",
    "加强海关知识产权保护执法。（海关总署负责）",
    "三、促进知识产权运用",
    "推进知识产权运营服务体系建设。（财政部、知识产权局按职责分别负责）",
    "推动高校和科研院所知识产权转化。（教育部、科技部按职责分别负责）",
    "发展知识产权服务业。（知识产权局、商务部按职责分别负责）",
]


def plan_text(year: int) -> str:
    """A new plan of 11 tasks in three sections, as a year the shared plans do not have."""
    lines, number = [PLAN_HEADER.format(year=year)], 0
    for item in PLAN_TASKS:
        if item.startswith(("二、", "三、")):
            lines.append(f"{item}\n（一）重点工作\n")
            continue
        number += 1
        lines.append(f"{number}. {item}\n")
    return "".join(lines)


def timed(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds (the command and its children), exit code and output of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, result.returncode, result.stdout + result.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_checkout(scratch: Path) -> Path:
    """This checkout's files (committed or not, never ignored ones) in scratch/work, shared/ beside it."""
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True,
                           capture_output=True).stdout.decode().split("\0")
    work = scratch / "work"
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, work / name)
    shared = ROOT.parent / "shared"
    if shared.is_dir():
        (scratch / "shared").symlink_to(shared)
    return work


def make_run_fresh(scratch: Path, env: dict[str, str], uv_cache: Path) -> tuple[float, float, int, str]:
    """`make run` in a new copy of the checkout, with its own Prefect home and the given uv cache."""
    work = fresh_checkout(scratch)
    fresh = {**env, "UV_CACHE_DIR": str(uv_cache), "PIP_NO_CACHE_DIR": "1", "PREFECT_HOME": str(scratch / "home")}
    fresh.pop("VIRTUAL_ENV", None)
    try:
        with Milestones(work, int(env[PORT_ENV])) as milestones:
            wall, cpu, code, output = timed(["make", "run"], fresh, work)
        print(f"  {milestones}", file=sys.stderr, flush=True)
        if code == 0 and not ui_answers(output):
            code, output = 1, output + "\nthe printed Prefect UI address did not answer"
        return wall, cpu, code, output
    finally:
        subprocess.run([str(work / ".venv" / "bin" / "ipplans"), "server", "stop"], env=fresh, cwd=work,
                       capture_output=True)


class Milestones:
    """When, from the start of a fresh `make run`, the install was done (the `ipplans` program appeared
    in .venv/bin), the Prefect server process started, and the server first answered healthy:
    where the wall time of the row goes."""

    def __init__(self, work: Path, port: int):
        self.work, self.port, self.seen = work, port, {}
        self._done = threading.Event()

    def __enter__(self):
        self.start = time.perf_counter()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join()

    def _watch(self) -> None:
        checks = {"installed": lambda: (self.work / ".venv" / ".installed").exists(),
                  "server started": self._server_process_runs,
                  "server healthy": lambda: _healthy(self.port)}
        while not self._done.wait(0.25):
            for name, check in checks.items():
                if name not in self.seen and check():
                    self.seen[name] = time.perf_counter() - self.start

    def _server_process_runs(self) -> bool:
        return (self.work.parent / "home" / "ipplans-server.json").exists()

    def __str__(self) -> str:
        return "milestones (s from start): " + ", ".join(f"{name} {at:.1f}" for name, at in self.seen.items())


def _healthy(port: int) -> bool:
    import urllib.request

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"http://127.0.0.1:{port}/api/health", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def ui_answers(output: str) -> bool:
    """The `Prefect UI: <address>` line the run printed names a page that answers with HTML."""
    import re
    import urllib.request

    found = re.search(r"Prefect UI: (http://\S+)", output)
    if not found:
        return False
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    # as a browser asks: the UI's pages are served to requests that accept HTML (others get the API's 404)
    request = urllib.request.Request(found.group(1), headers={"Accept": "text/html"})
    try:
        with opener.open(request, timeout=10) as response:
            return response.status == 200 and b"<html" in response.read(4096).lower()
    except OSError:
        return False


def compute_floor(warehouse: Path, plan: Path) -> float:
    """Seconds of the library calls alone for one new plan, in a process with everything imported."""
    code = f"""
import shutil, time, tempfile
from pathlib import Path
from expectations.gate import check_plan_load
from sources.read import read_source
from sources.registry import load_department_registry
from sources.catalogue import load_catalogue
from transforms.parse import parse_plan
from transforms.matching.matcher import match_plans
from transforms.matching.overrides import parse_overrides
from warehouse.connection import open as open_warehouse
from warehouse.links import read_previous_lineage, read_prior_matching, read_tasks_frame, write_match_result
from warehouse.load import prepare_load, transaction, write_load
registry, catalogue = load_department_registry(), load_catalogue()
db = Path(tempfile.mkdtemp()) / "w.duckdb"
shutil.copy({str(warehouse)!r}, db)
with open_warehouse(db, "write") as con:
    check_plan_load(con, prepare_load(con, parse_plan(read_source(Path({str(plan)!r})), catalogue), registry))  # warm
    start = time.perf_counter()
    with transaction(con):
        write_load(con, prepare_load(con, parse_plan(read_source(Path({str(plan)!r})), catalogue), registry))
    with transaction(con):
        result = match_plans(read_tasks_frame(con, registry), read_previous_lineage(con), parse_overrides(""),
                             prior=read_prior_matching(con))
        write_match_result(con, result)
    print(time.perf_counter() - start)
"""
    env = {**os.environ, "GX_ANALYTICS_ENABLED": "false"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def measure(args, scratch: Path) -> tuple[list[tuple[str, float, float, int]], float]:
    port = free_port()
    base = {key: value for key, value in os.environ.items()
            if key not in ("PREFECT_API_URL", "IPPLANS_TEMPORARY_SERVER")}
    base.update(PREFECT_HOME=str(scratch / "prefect-home"), **{PORT_ENV: str(port)},
                PREFECT_SERVER_ANALYTICS_ENABLED="false", GX_ANALYTICS_ENABLED="false")
    with_api = {**base, "PREFECT_API_URL": f"http://127.0.0.1:{port}/api"}
    rows = []
    if not args.skip_install:
        cache = scratch / "uv-cache"
        rows.append(("make run, fresh machine, cold uv cache", *best([make_run_fresh(scratch / "cold", base, cache)])))
        rows.append(("make run, fresh machine, warm uv cache", *best([make_run_fresh(scratch / "warm", base, cache)])))
    started = subprocess.run([IPPLANS, "server", "start"], env=base, capture_output=True, text=True)
    if started.returncode != 0:
        raise SystemExit(f"ipplans server start failed:\n{started.stdout}{started.stderr}")
    data = scratch / "data"
    db = data / "ipplans.duckdb"
    run = [IPPLANS, "run", "--db", str(db), "--out", str(scratch / "reports")]
    first = timed(run, with_api, ROOT)
    if first[2] != 0:
        raise SystemExit(f"the first run failed:\n{first[3]}")
    rows.append(("run, nothing new, no PREFECT_API_URL", *best([timed(run, base, ROOT) for _ in range(args.repeat)])))
    rows.append(("run, nothing new, running server", *best([timed(run, with_api, ROOT) for _ in range(args.repeat)])))
    for label, env in (("ingest 11-task plan, running server", with_api),
                       ("ingest 11-task plan, no server configured", base)):
        results = []
        for attempt in range(args.repeat):
            copy = scratch / f"{label[-6:]}-{attempt}" / "ipplans.duckdb"
            copy.parent.mkdir(parents=True)
            shutil.copy(db, copy)
            plan = copy.parent / "2019.txt"
            plan.write_text(plan_text(2019), encoding="utf-8")
            results.append(timed([IPPLANS, "ingest", str(plan), "--db", str(copy)], env, ROOT))
        rows.append((label, *best(results)))
    plan = scratch / "floor" / "2019.txt"
    plan.parent.mkdir()
    plan.write_text(plan_text(2019), encoding="utf-8")
    floor = min(compute_floor(db, plan) for _ in range(args.repeat))
    return rows, floor


def best(results: list[tuple[float, float, int, str]]) -> tuple[float, float, int]:
    wall, cpu, code, output = min(results, key=lambda result: result[0])
    if code != 0:
        print(f"exit {code}:\n{output[-3000:]}", file=sys.stderr)
    attempts = ", ".join(f"{result[0]:.2f}" for result in results)
    print(f"  measured: {wall:.2f} s wall, {cpu:.2f} s cpu (every attempt, s wall: {attempts}; "
          f"load {os.getloadavg()[0]:.1f})", file=sys.stderr, flush=True)
    return wall, cpu, max(result[2] for result in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per row; the fastest is shown")
    parser.add_argument("--skip-install", action="store_true", help="leave out the fresh `make run` row")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-run-"))
    env = {**os.environ, "PREFECT_HOME": str(scratch / "prefect-home")}
    try:
        rows, floor = measure(args, scratch)
    finally:
        subprocess.run([IPPLANS, "server", "stop"], env=env, capture_output=True)
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"{'what':<44} {'wall s':>7} {'cpu s':>7} {'× floor':>8}  exit")
    for label, wall, cpu, code in rows:
        print(f"{label:<44} {wall:7.2f} {cpu:7.2f} {wall / floor:8.1f}  {code}")
    print(f"{'compute floor (11 tasks, no Prefect/GX)':<44} {floor:7.2f} {'':>7} {1.0:8.1f}")
    print(f"cpu s: this command and the children it waited for (not the Prefect server, nor the GX service, "
          f"which outlive it); load average at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
