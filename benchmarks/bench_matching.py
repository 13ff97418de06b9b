"""Benchmark the task matcher on synthetic plan series with known lineages.

    python benchmarks/bench_matching.py [--sizes 100,1000,10000] [--years N] [--seed S] [--calibrate]

For each size it prints, in one table: precision/recall/F1 of the matcher and of the
naive baseline (plain fuzz.ratio ≥ threshold between consecutive plans + transitive
closure; the best of three thresholds is shown, to be fair to it) on the same series;
and the wall time of the matching stage (comparisons, scoring, assignment, lineage and
kinds) against the raw rapidfuzz kernel (fuzz.ratio on the same candidate pairs), as a
ratio. Blocking and feature preparation are timed separately; `total` is everything
`match_plans` does. Timing lives here only, never in the tests.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.synthetic import generate_series  # noqa: E402
from transforms.matching.assignment import decide_links  # noqa: E402
from transforms.matching.blocking import step_candidates  # noqa: E402
from transforms.matching.comparisons import compare  # noqa: E402
from transforms.matching.config import MatchConfig  # noqa: E402
from transforms.matching.evaluation import pairwise_lineage_scores  # noqa: E402
from transforms.matching.features import TaskFeatures, normalize_text, prepare_features  # noqa: E402
from transforms.matching.kinds import describe_links, plan_changes  # noqa: E402
from transforms.matching.lineage import assign_lineage, chain_steps  # noqa: E402
from transforms.matching.matcher import MatchResult, fit_model  # noqa: E402
from transforms.matching.scoring import score_pairs  # noqa: E402

BASELINE_THRESHOLDS = (60, 70, 80)


@dataclass
class Timings:
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, started: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - started


def timed_match(tasks: pd.DataFrame, config: MatchConfig) -> tuple[MatchResult, Timings, pd.DataFrame]:
    """`match_plans` with a stopwatch on every stage (the same stage calls, in the same order);
    also returns every candidate pair, for the kernel timing."""
    clock = Timings()
    started = time.perf_counter()
    features = prepare_features(tasks)
    clock.add("features", started)
    started = time.perf_counter()
    model = fit_model(features, config)
    clock.add("u estimation", started)
    decided, candidates = [], []
    links_so_far = lambda: pd.concat(decided, ignore_index=True) if decided else pd.DataFrame(  # noqa: E731
        {"left": [], "right": [], "status": []})
    for step in chain_steps(features, config.gap_window_years, links_so_far):
        started = time.perf_counter()
        pairs = step_candidates(features, step.direct_rows, step.gap_rows, step.later_rows, config)
        clock.add("blocking", started)
        candidates.append(pairs[["left", "right"]])
        started = time.perf_counter()
        signals = compare(features, pairs, config.workers)
        clock.add("comparisons", started)
        started = time.perf_counter()
        scored = score_pairs(signals, features, model, config)
        clock.add("scoring", started)
        started = time.perf_counter()
        decided.append(decide_links(scored, pd.DataFrame({"left": [], "right": []}, dtype=np.int64), config))
        clock.add("assignment", started)
    started = time.perf_counter()
    links = links_so_far()
    result = MatchResult(describe_links(features, links), assign_lineage(features, links), plan_changes(features, links))
    clock.add("lineage+kinds", started)
    return result, clock, pd.concat(candidates, ignore_index=True)


def kernel_seconds(features: TaskFeatures, candidates: pd.DataFrame, workers: int) -> float:
    """The raw rapidfuzz kernel on the same candidate pairs: fuzz.ratio, one score per pair."""
    started = time.perf_counter()
    left = features.text[candidates["left"].to_numpy()]
    right = features.text[candidates["right"].to_numpy()]
    process.cpdist(left, right, scorer=fuzz.ratio, workers=workers)
    return time.perf_counter() - started


def naive_baseline(tasks: pd.DataFrame, threshold: float, candidates: pd.DataFrame | None = None) -> pd.DataFrame:
    """Plain fuzz.ratio ≥ threshold between consecutive plans, then transitive closure.
    Compares all pairs of consecutive plans, or only `candidates` (row pairs) when given."""
    features = prepare_features(tasks)
    texts = np.array([normalize_text(t) for t in features.tasks["text"]] + [None], dtype=object)[:-1]
    if candidates is None:
        pairs = [(np.flatnonzero(features.plan_index == k - 1), np.flatnonzero(features.plan_index == k))
                 for k in range(1, len(features.plans))]
        left = np.concatenate([np.tile(a, len(b)) for a, b in pairs] or [np.array([], np.int64)])
        right = np.concatenate([np.repeat(b, len(a)) for a, b in pairs] or [np.array([], np.int64)])
    else:
        consecutive = features.plan_index[candidates["right"]] - features.plan_index[candidates["left"]] == 1
        left, right = candidates["left"].to_numpy()[consecutive], candidates["right"].to_numpy()[consecutive]
    score = process.cpdist(texts[left], texts[right], scorer=fuzz.ratio, workers=-1)
    keep = score >= threshold
    return _closure(features, left[keep], right[keep])


def _closure(features: TaskFeatures, left: np.ndarray, right: np.ndarray) -> pd.DataFrame:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    size = features.size
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(size, size))
    _, component = connected_components(graph, directed=False)
    return pd.DataFrame({"plan_id": features.tasks["plan_id"], "task_key": features.tasks["task_key"],
                         "lineage_id": component.astype(str)})


def run_size(size: int, years: int, seed: int, config: MatchConfig) -> dict:
    started = time.perf_counter()
    series = generate_series(size, years, seed=seed)
    generation = time.perf_counter() - started
    result, clock, candidates = timed_match(series.tasks, config)
    features = prepare_features(series.tasks)
    kernel = kernel_seconds(features, candidates, config.workers)
    ours = pairwise_lineage_scores(result.lineage, series.truth)
    baselines = {t: pairwise_lineage_scores(naive_baseline(series.tasks, t, None if size <= 200 else candidates),
                                            series.truth) for t in BASELINE_THRESHOLDS}
    best_threshold = max(baselines, key=lambda t: baselines[t].f1)
    s = clock.seconds
    matching = s["comparisons"] + s["scoring"] + s["assignment"] + s["lineage+kinds"]
    return {
        "tasks/plan": size, "plans": years, "tasks": len(series.tasks), "pairs": len(candidates),
        "P": ours.precision, "R": ours.recall, "F1": ours.f1,
        "base P": baselines[best_threshold].precision, "base R": baselines[best_threshold].recall,
        "base F1": baselines[best_threshold].f1, "base thr": best_threshold,
        "kernel s": kernel, "matching s": matching, "ratio": matching / kernel if kernel else float("nan"),
        "blocking s": s["blocking"], "features s": s["features"] + s["u estimation"], "total s": sum(s.values()),
        "generate s": generation,
    }


def calibration(seeds: int = 5, plans: int = 8) -> pd.DataFrame:
    """m measured on the synthetic series (P(level | true continuation), consecutive plans) next
    to the m declared in comparisons.py; see the note there on shrinking towards uniform."""
    from transforms.matching.blocking import all_pairs
    from transforms.matching.comparisons import COMPARISONS, comparison_levels
    from transforms.matching.scoring import estimate_m

    measured = []
    for seed in range(seeds):
        series = generate_series(100, plans, seed=seed)
        features = prepare_features(series.tasks)
        truth = features.tasks.merge(series.truth, on=["plan_id", "task_key"], how="left")["true_lineage"].to_numpy()
        pairs = pd.concat([all_pairs(np.flatnonzero(features.plan_index == k - 1),
                                     np.flatnonzero(features.plan_index == k)) for k in range(1, len(features.plans))])
        levels = comparison_levels(compare(features, pairs.assign(is_gap=False)))
        measured.append(estimate_m(levels, truth[pairs["left"]] == truth[pairs["right"]]))
    rows = []
    for comparison in COMPARISONS:
        shares = np.nanmean([m[comparison.name] for m in measured], axis=0)
        for level, share in zip(comparison.levels, shares):
            if not level.is_null:
                rows.append({"comparison": comparison.name, "level": level.label, "measured m": round(share, 3),
                             "declared m": level.m})
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000", help="tasks per plan, comma-separated (e.g. 100,1000,10000)")
    parser.add_argument("--years", type=int, default=20, help="plans per series (default 20)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--calibrate", action="store_true", help="also print measured vs declared m values")
    args = parser.parse_args(argv)
    config = MatchConfig()
    rows = []
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        rows.append(run_size(size, args.years, args.seed, config))
        print(f"... {size} tasks/plan done in {rows[-1]['total s']:.1f} s", file=sys.stderr, flush=True)
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 250, "display.max_columns", 40, "display.float_format", "{:.3f}".format):
        print(f"\nTask matching on synthetic series ({args.years} plans, seed {args.seed}); "
              f"baseline: fuzz.ratio ≥ thr + transitive closure (best of {BASELINE_THRESHOLDS})")
        print(table.to_string(index=False))
        print("\nratio = matching s / kernel s, where kernel = rapidfuzz cpdist(fuzz.ratio) over the same candidate "
              "pairs; target ≤ 3. total s = features + u estimation + blocking + matching.")
        if args.calibrate:
            print("\n" + calibration().to_string(index=False))


if __name__ == "__main__":
    main()
