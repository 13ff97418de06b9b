"""Benchmark the task matcher against the reference baseline, on real and synthetic plans.

    python benchmarks/bench_matching.py [--sizes 100,1000,10000] [--years N] [--seed S] [--no-real]

Prints, in one run, the matcher and the reference baseline (transforms/matching/baseline.py)
side by side on:
  - the labelled dev pairs (../shared/eval/gold_dev.csv) with every real plan of ../shared/plans
    loaded, and leave-one-plan-out (each plan left out in turn, the pairs whose plans remain);
  - synthetic series (benchmarks/synthetic.py) at each size: pairwise precision/recall/F1
    against the known lineages. Up to 200 tasks a plan the baseline compares all pairs; beyond,
    the matcher's candidate pairs (all pairs do not fit in memory).
and the matcher's wall time (features, calibration, blocking, comparisons, scores, assignment,
lineages and kinds: all of `match_plans`) as a ratio to the raw rapidfuzz kernel (fuzz.ratio
with cpdist over the same candidate pairs, same workers). Timing lives here only.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic import generate_series  # noqa: E402
from transforms.matching.baseline import baseline_lineage  # noqa: E402
from transforms.matching.evaluation import pairwise_lineage_scores  # noqa: E402
from transforms.matching.features import prepare_features  # noqa: E402
from transforms.matching.kinds import describe_links, plan_changes  # noqa: E402
from transforms.matching.lineage import assign_lineage  # noqa: E402
from transforms.matching.matcher import calibrate, link_plans, match_plans  # noqa: E402
from transforms.matching.spec import DEFAULT_SPEC  # noqa: E402

SHARED = ROOT.parent / "shared"
BASELINE_ALL_PAIRS_MAX = 200  # tasks per plan up to which the baseline compares every pair


def timed_match(tasks: pd.DataFrame, spec=DEFAULT_SPEC) -> tuple[pd.DataFrame, dict, pd.DataFrame]:
    """The stages of match_plans (the same functions, in the same order), each timed; returns the
    lineage, the seconds per stage and every candidate pair (left, right rows)."""
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    features = prepare_features(tasks, spec)
    seconds["features"] = time.perf_counter() - started
    started = time.perf_counter()
    model = calibrate(features, spec)
    seconds["calibration"] = time.perf_counter() - started
    started = time.perf_counter()
    steps: list[pd.DataFrame] = []
    links = link_plans(features, model, spec, scored_steps=steps)
    seconds["steps"] = time.perf_counter() - started
    started = time.perf_counter()
    lineage = assign_lineage(features, links)
    describe_links(features, links), plan_changes(features, links)
    seconds["lineage+kinds"] = time.perf_counter() - started
    candidates = pd.concat([s[["left", "right"]] for s in steps], ignore_index=True) if steps else pd.DataFrame(
        {"left": [], "right": []}, dtype=np.int64)
    started = time.perf_counter()
    process.cpdist(features.text[candidates["left"].to_numpy()], features.text[candidates["right"].to_numpy()],
                   scorer=fuzz.ratio, workers=spec["runtime"]["workers"])
    seconds["kernel"] = time.perf_counter() - started
    return lineage, seconds, candidates


def synthetic_row(size: int, years: int, seed: int) -> dict:
    series = generate_series(size, years, seed=seed)
    lineage, seconds, candidates = timed_match(series.tasks)
    ours = pairwise_lineage_scores(lineage, series.truth)
    among = None if size <= BASELINE_ALL_PAIRS_MAX else candidates
    base = pairwise_lineage_scores(baseline_lineage(series.tasks, candidates=among), series.truth)
    total = sum(v for k, v in seconds.items() if k != "kernel")
    return {"setting": f"synthetic {size}/plan", "matcher P": ours.precision, "matcher R": ours.recall,
            "matcher F1": ours.f1, "baseline P": base.precision, "baseline R": base.recall, "baseline F1": base.f1,
            "tasks": len(series.tasks), "pairs": len(candidates), "match s": total, "kernel s": seconds["kernel"],
            "ratio": total / seconds["kernel"] if seconds["kernel"] else np.nan,
            **{f"{k} s": v for k, v in seconds.items() if k != "kernel"}}


def real_rows() -> list[dict]:
    """Dev pairs and leave-one-plan-out on ../shared/plans, matcher vs baseline."""
    from sources.read import read_source
    from sources.registry import load_department_registry
    from transforms.matching.evaluation import gold_comparison, read_gold
    from transforms.matching.frames import tasks_frame
    from transforms.parse import parse_plan

    files = sorted(p for p in (SHARED / "plans").iterdir() if p.suffix in (".md", ".txt") and p.name != "README.md")
    parsed = {path.name: parse_plan(read_source(path)) for path in files}
    tasks = tasks_frame(list(parsed.values()), load_department_registry())
    sources = pd.DataFrame([(n, t.task_no, p.plan_id, t.task_key) for n, p in parsed.items() for t in p.tasks],
                           columns=["source", "number", "plan_id", "task_key"])
    gold = read_gold((SHARED / "eval" / "gold_dev.csv").read_text(encoding="utf-8"))
    table = gold_comparison(gold, sources, tasks, {"matcher": lambda t: match_plans(t).lineage,
                                                   "baseline": baseline_lineage})
    rows = []
    for setting, group in table.groupby("setting", sort=False):
        by = group.set_index("matcher")
        rows.append({"setting": setting, **{f"{m} {c}": by.at[m, c] for m in ("matcher", "baseline")
                                            for c in ("P", "R", "F1")}})
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000", help="tasks per plan, comma-separated (e.g. 100,1000,10000)")
    parser.add_argument("--years", type=int, default=20, help="plans per series (default 20)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-real", action="store_true", help="skip the real plans (when ../shared is absent)")
    args = parser.parse_args(argv)
    rows = [] if args.no_real else real_rows()
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        rows.append(synthetic_row(size, args.years, args.seed))
        print(f"... {size} tasks/plan done in {rows[-1]['match s']:.1f} s", file=sys.stderr, flush=True)
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 250, "display.max_columns", 40, "display.float_format", "{:.3f}".format):
        print(f"\nMatcher vs reference baseline ({args.years} synthetic plans per series, seed {args.seed})")
        print(table.to_string(index=False))
        print("\nratio = match s / kernel s; match s = all of match_plans (features, calibration, blocking, "
              "comparisons, scores, assignment, lineages, kinds); kernel = rapidfuzz cpdist(fuzz.ratio) over the "
              "same candidate pairs, same workers.")


if __name__ == "__main__":
    main()
