"""Benchmark the task matcher on synthetic plan series with known lineages.

    python benchmarks/bench_matching.py [--sizes 100,1000,10000] [--years N] [--seed S] [--calibrate]

For each size it prints, in one table: precision/recall/F1 of the matcher and of the
naive baseline (plain fuzz.ratio ≥ threshold between consecutive plans + transitive
closure; the best of three thresholds is shown, to be fair to it) on the same series;
and the wall time of the matching stage (comparisons, scoring, assignment, order
evidence, lineage and kinds) against the raw rapidfuzz kernel (fuzz.ratio on the same
candidate pairs, same workers), as a ratio. The kernel runs on each step's candidates
right after the step's own blocking, so both see the same machine state. Blocking and
feature preparation are timed separately; `total` is everything `match_plans` does.
Timing lives here only, never in the tests.
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
from transforms.matching.blocking import step_candidates  # noqa: E402
from transforms.matching.comparisons import compare  # noqa: E402
from transforms.matching.config import MatchConfig  # noqa: E402
from transforms.matching.evaluation import pairwise_lineage_scores  # noqa: E402
from transforms.matching.features import TaskFeatures, prepare_features  # noqa: E402
from transforms.matching.incremental import plan_fingerprints  # noqa: E402
from transforms.matching.kinds import describe_links, plan_changes  # noqa: E402
from transforms.matching.lineage import assign_lineage, chain_steps, is_edge  # noqa: E402
from transforms.matching.matcher import MatchResult, fit_model  # noqa: E402
from transforms.matching.pairs import concat, to_frame  # noqa: E402
from transforms.matching.step import decide_step  # noqa: E402

BASELINE_THRESHOLDS = (60, 70, 80)


@dataclass
class Timings:
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, started: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - started


def timed_match(tasks: pd.DataFrame, config: MatchConfig) -> tuple[MatchResult, Timings, pd.DataFrame]:
    """`match_plans` with a stopwatch on every stage (the same stage calls, in the same order,
    as matcher.score_all_steps without overrides), and the raw kernel on each step's candidate
    pairs ("kernel"); also returns every candidate pair (left, right rows)."""
    clock = Timings()
    started = time.perf_counter()
    features = prepare_features(tasks)
    clock.add("features", started)
    started = time.perf_counter()
    model = fit_model(features, config)
    clock.add("u estimation", started)
    decided, candidates, no_overrides = [], [], pd.DataFrame({"left": [], "right": []}, dtype=np.int64)

    def continued_so_far() -> np.ndarray:
        return np.concatenate([links["left"][is_edge(links)] for links in decided] or [np.zeros(0, np.int64)])

    for step in chain_steps(features, config.gap_window_years, continued_so_far):
        started = time.perf_counter()
        pairs = step_candidates(features, step.direct_rows, step.gap_rows, step.later_rows, config)
        clock.add("blocking", started)
        kernel(features, pairs, config.workers, clock)
        candidates.append(np.stack([pairs["left"], pairs["right"]], axis=1))
        started = time.perf_counter()
        signals = compare(features, pairs, config.workers)
        clock.add("comparisons", started)
        started = time.perf_counter()
        decided.append(decide_step(features, signals, model, config, no_overrides)[1])
        clock.add("scoring+assignment", started)
    started = time.perf_counter()
    links = to_frame(concat(decided)) if decided else pd.DataFrame({"left": [], "right": [], "status": []})
    result = MatchResult(describe_links(features, links), assign_lineage(features, links),
                         plan_changes(features, links), plan_fingerprints(features, (), config))
    clock.add("lineage+kinds", started)
    pairs = np.concatenate(candidates or [np.zeros((0, 2), np.int64)])
    return result, clock, pd.DataFrame({"left": pairs[:, 0], "right": pairs[:, 1]})


def kernel(features: TaskFeatures, pairs, workers: int, clock: Timings) -> None:
    """The raw rapidfuzz kernel on the same candidate pairs: fuzz.ratio, one score per pair."""
    started = time.perf_counter()
    process.cpdist(features.text[pairs["left"]], features.text[pairs["right"]], scorer=fuzz.ratio, workers=workers)
    clock.add("kernel", started)


def naive_baseline(tasks: pd.DataFrame, threshold: float, candidates: pd.DataFrame | None = None) -> pd.DataFrame:
    """Plain fuzz.ratio ≥ threshold between consecutive plans, then transitive closure.
    Compares all pairs of consecutive plans, or only `candidates` (row pairs) when given."""
    features = prepare_features(tasks)
    if candidates is None:
        pairs = [(features.rows_of_plan(k - 1), features.rows_of_plan(k)) for k in range(1, len(features.plans))]
        left = np.concatenate([np.tile(a, len(b)) for a, b in pairs] or [np.zeros(0, np.int64)])
        right = np.concatenate([np.repeat(b, len(a)) for a, b in pairs] or [np.zeros(0, np.int64)])
    else:
        left, right = candidates["left"].to_numpy(), candidates["right"].to_numpy()
        consecutive = features.plan_index[right] - features.plan_index[left] == 1
        left, right = left[consecutive], right[consecutive]
    score = process.cpdist(features.text[left], features.text[right], scorer=fuzz.ratio, workers=-1)
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


def run_size(size: int, years: int, seed: int, config: MatchConfig, baseline: bool = True) -> dict:
    started = time.perf_counter()
    series = generate_series(size, years, seed=seed)
    generation = time.perf_counter() - started
    result, clock, candidates = timed_match(series.tasks, config)
    ours = pairwise_lineage_scores(result.lineage, series.truth)
    s = clock.seconds
    matching = s["comparisons"] + s["scoring+assignment"] + s["lineage+kinds"]
    row = {
        "tasks/plan": size, "plans": years, "tasks": len(series.tasks), "pairs": len(candidates),
        "P": ours.precision, "R": ours.recall, "F1": ours.f1,
        "kernel s": s["kernel"], "matching s": matching, "ratio": matching / s["kernel"] if s["kernel"] else np.nan,
        "blocking s": s["blocking"], "features s": s["features"] + s["u estimation"],
        "total s": sum(v for k, v in s.items() if k != "kernel"), "generate s": generation,
    }
    if baseline:
        # All consecutive pairs up to 200 tasks a plan; beyond, the matcher's candidates (all pairs do not fit).
        among = None if size <= 200 else candidates
        scores = {t: pairwise_lineage_scores(naive_baseline(series.tasks, t, among), series.truth)
                  for t in BASELINE_THRESHOLDS}
        best = max(scores, key=lambda t: scores[t].f1)
        row.update({"base P": scores[best].precision, "base R": scores[best].recall, "base F1": scores[best].f1,
                    "base thr": best})
    return row


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000", help="tasks per plan, comma-separated (e.g. 100,1000,10000)")
    parser.add_argument("--years", type=int, default=20, help="plans per series (default 20)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-baseline", action="store_true", help="skip the naive baseline (faster)")
    parser.add_argument("--calibrate", action="store_true", help="also print measured vs declared m values")
    args = parser.parse_args(argv)
    config = MatchConfig()
    rows = []
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        rows.append(run_size(size, args.years, args.seed, config, baseline=not args.no_baseline))
        print(f"... {size} tasks/plan done in {rows[-1]['total s']:.1f} s", file=sys.stderr, flush=True)
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 250, "display.max_columns", 40, "display.float_format", "{:.3f}".format):
        print(f"\nTask matching on synthetic series ({args.years} plans, seed {args.seed}); "
              f"baseline: fuzz.ratio ≥ thr + transitive closure (best of {BASELINE_THRESHOLDS})")
        print(table.to_string(index=False))
        print("\nratio = matching s / kernel s, where kernel = rapidfuzz cpdist(fuzz.ratio) over the same candidate "
              "pairs, same workers; target ≤ 3. total s = features + u estimation + blocking + matching.")
        if args.calibrate:
            from benchmarks.calibration import calibration

            print("\n" + calibration().to_string(index=False))


if __name__ == "__main__":
    main()
