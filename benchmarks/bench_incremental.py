"""Benchmark incremental linking: a new year matched against kept lineages vs a full rebuild.

    python benchmarks/bench_incremental.py [--sizes 100,1000,10000] [--years N] [--seed S]

For each size, a synthetic series of N plans (benchmarks/synthetic.py) is matched without its
last plan; then the last plan arrives and is matched two ways, on the same machine in one run:
  - full:        `match_plans` on all N plans from scratch (the old way of every link run);
  - incremental: `match_plans` with the prior matching, so only the last step is matched.
It prints both wall times, their ratio, and the accuracy of each against the known lineages
(how much a kept history costs in accuracy, if anything). Timing lives here only.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.synthetic import generate_series  # noqa: E402
from transforms.matching.evaluation import pairwise_lineage_scores  # noqa: E402
from transforms.matching.incremental import PriorMatching  # noqa: E402
from transforms.matching.matcher import match_plans  # noqa: E402


def run_size(size: int, years: int, seed: int) -> dict:
    series = generate_series(size, years, seed=seed)
    last_plan = series.tasks["plan_id"].iloc[-1]
    earlier = series.tasks[series.tasks["plan_id"] != last_plan].reset_index(drop=True)
    before = match_plans(earlier)
    prior = PriorMatching(links=before.links, plans=before.plans)

    started = time.perf_counter()
    full = match_plans(series.tasks, before.lineage)
    full_seconds = time.perf_counter() - started
    started = time.perf_counter()
    incremental = match_plans(series.tasks, before.lineage, prior=prior)
    incremental_seconds = time.perf_counter() - started

    assert incremental.matched_plans == [last_plan], incremental.matched_plans
    full_scores = pairwise_lineage_scores(full.lineage, series.truth)
    incremental_scores = pairwise_lineage_scores(incremental.lineage, series.truth)
    return {
        "tasks/plan": size, "plans": years, "tasks": len(series.tasks),
        "full s": full_seconds, "incremental s": incremental_seconds,
        "speed-up": full_seconds / incremental_seconds,
        "full F1": full_scores.f1, "incremental F1": incremental_scores.f1,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000", help="tasks per plan, comma-separated (e.g. 100,1000,10000)")
    parser.add_argument("--years", type=int, default=20, help="plans per series (default 20)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rows = []
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        rows.append(run_size(size, args.years, args.seed))
        print(f"... {size} tasks/plan done", file=sys.stderr, flush=True)
    with pd.option_context("display.width", 200, "display.float_format", "{:.3f}".format):
        print(f"\nA new plan linked to a series of {args.years - 1} (synthetic, seed {args.seed}): "
              "full rebuild vs incremental")
        print(pd.DataFrame(rows).to_string(index=False))
        print("\nspeed-up = full s / incremental s; F1 of pairwise lineage co-membership against the known lineages.")


if __name__ == "__main__":
    main()
