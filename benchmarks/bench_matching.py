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

Per synthetic size it also prints where true links are lost, stage by stage (Splink-style
recall by stage): a true link joins a task to the latest earlier appearance of its lineage; the
table gives the share of true links that are candidate pairs (blocking and the observation
window), whose posterior reaches the decision threshold, that the assignment keeps, and whose two
tasks end in one lineage; then the true links the baseline joins and the matcher does not, by the
stage that lost them and the text level of the pair.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
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
from transforms.matching.features import TaskFeatures  # noqa: E402
from transforms.matching.lineage import assign_lineage, is_edge  # noqa: E402
from transforms.matching.matcher import calibrate, link_plans, match_plans  # noqa: E402
from transforms.matching.spec import DEFAULT_SPEC  # noqa: E402

SHARED = ROOT.parent / "shared"
BASELINE_ALL_PAIRS_MAX = 200  # tasks per plan up to which the baseline compares every pair


class _Clock:
    """`with clock(name):` adds the block's wall seconds as `name` and its CPU seconds as `name cpu`."""

    def __init__(self, seconds: dict[str, float]):
        self.seconds = seconds

    @contextmanager
    def __call__(self, name: str):
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        self.seconds[name] = time.perf_counter() - wall
        self.seconds[f"{name} cpu"] = time.process_time() - cpu


@dataclass(frozen=True)
class TimedMatch:
    lineage: pd.DataFrame
    seconds: dict[str, float]  # per stage, and the kernel
    candidates: pd.DataFrame  # every scored candidate pair of every step (left, right rows, levels, scores)
    features: TaskFeatures
    links: pd.DataFrame  # every decided link (link_plans)


def timed_match(tasks: pd.DataFrame, spec=DEFAULT_SPEC) -> TimedMatch:
    """The stages of match_plans (the same functions, in the same order), each timed in wall and
    process CPU seconds (CPU: the steadier measure on a shared machine; it counts every thread)."""
    seconds: dict[str, float] = {}
    clock = _Clock(seconds)
    with clock("features"):
        features = prepare_features(tasks, spec)
    with clock("calibration"):
        model = calibrate(features, spec)
    steps: list[pd.DataFrame] = []
    with clock("steps"):
        links = link_plans(features, model, spec, scored_steps=steps)
    with clock("lineage+kinds"):
        lineage = assign_lineage(features, links)
        describe_links(features, links), plan_changes(features, links)
    candidates = pd.concat(steps, ignore_index=True) if steps else pd.DataFrame({"left": [], "right": []}, dtype=np.int64)
    with clock("kernel"):
        process.cpdist(features.text[candidates["left"].to_numpy()], features.text[candidates["right"].to_numpy()],
                       scorer=fuzz.ratio, workers=spec["runtime"]["workers"])
    return TimedMatch(lineage, seconds, candidates, features, links)


def synthetic_row(size: int, years: int, seed: int) -> tuple[dict, str]:
    """The scores and times of one synthetic size, and its stage-recall report."""
    series = generate_series(size, years, seed=seed)
    timed = timed_match(series.tasks)
    seconds = timed.seconds
    ours = pairwise_lineage_scores(timed.lineage, series.truth)
    among = None if size <= BASELINE_ALL_PAIRS_MAX else timed.candidates[["left", "right"]]
    baseline = baseline_lineage(series.tasks, candidates=among)
    base = pairwise_lineage_scores(baseline, series.truth)
    stages = [k for k in seconds if not k.endswith(" cpu") and k != "kernel"]
    total = sum(seconds[k] for k in stages)
    total_cpu = sum(seconds[f"{k} cpu"] for k in stages)
    row = {"setting": f"synthetic {size}/plan", "matcher P": ours.precision, "matcher R": ours.recall,
           "matcher F1": ours.f1, "baseline P": base.precision, "baseline R": base.recall, "baseline F1": base.f1,
           "tasks": len(series.tasks), "pairs": len(timed.candidates), "match s": total, "kernel s": seconds["kernel"],
           "ratio": total / seconds["kernel"] if seconds["kernel"] else np.nan, "match cpu s": total_cpu,
           "kernel cpu s": seconds["kernel cpu"],
           "cpu ratio": total_cpu / seconds["kernel cpu"] if seconds["kernel cpu"] else np.nan,
           **{f"{k} s": seconds[k] for k in stages}}
    return row, stage_recall_report(f"synthetic {size}/plan", timed, series.truth, baseline)


def true_links(features: TaskFeatures, truth: pd.DataFrame) -> pd.DataFrame:
    """(left, right) rows of every true link: each task and the task(s) of its lineage in the latest
    earlier plan that has the lineage (two after a split, either part of a merge its lineage kept)."""
    lineage = features.tasks[["plan_id", "task_key"]].merge(truth, on=["plan_id", "task_key"], how="left")
    frame = pd.DataFrame({"row": np.arange(features.size), "plan": features.plan_index,
                          "lineage": lineage["true_lineage"].to_numpy()})
    plans = frame[["lineage", "plan"]].drop_duplicates().sort_values(["lineage", "plan"])
    plans["previous"] = plans.groupby("lineage")["plan"].shift()
    later = frame.merge(plans.dropna(), on=["lineage", "plan"])
    earlier = frame.rename(columns={"row": "left", "plan": "previous"})
    pairs = later.rename(columns={"row": "right"}).merge(earlier, on=["lineage", "previous"])
    return pairs[["left", "right"]].astype(np.int64).reset_index(drop=True)


def stage_recall_report(setting: str, timed: TimedMatch, truth: pd.DataFrame, baseline: pd.DataFrame,
                        spec=DEFAULT_SPEC) -> str:
    """Recall of the true links stage by stage, and the true links only the baseline joins."""
    truth_links = true_links(timed.features, truth)
    scored = truth_links.merge(timed.candidates, on=["left", "right"], how="left", indicator=True)
    scored = scored.drop_duplicates(["left", "right"], keep="last")  # a tail is a candidate once per step
    edges = timed.links[is_edge(timed.links)][["left", "right"]].assign(kept=True)
    scored = scored.merge(edges.drop_duplicates(), on=["left", "right"], how="left")
    lineage_of = timed.lineage["lineage_id"].to_numpy()
    keys = timed.features.tasks[["plan_id", "task_key"]]
    base_of = keys.merge(baseline, on=["plan_id", "task_key"], how="left")["lineage_id"].to_numpy()
    left, right = scored["left"].to_numpy(), scored["right"].to_numpy()
    stages = {"candidate pair": (scored["_merge"] == "both").to_numpy(),
              "posterior >= threshold": (scored["score"] >= spec["decision"]["threshold"]).to_numpy(),
              "linked by the assignment": scored["kept"].eq(True).to_numpy(),
              "one lineage": lineage_of[left] == lineage_of[right]}
    base_joined = base_of[left] == base_of[right]
    lines = [f"\nWhere true links are lost ({setting}: {len(scored)} true links)"]
    lines += [f"  {name:<26} {mask.mean():.3f}" for name, mask in stages.items()]
    lines.append(f"  {'baseline: one lineage':<26} {base_joined.mean():.3f}")
    lines.append("  (posterior: the step's one-to-one posterior; grouping split or merge parts can lift a pair "
                 "past the threshold in the assignment)")
    lost = base_joined & ~stages["one lineage"]
    stage_lost = np.select([~stages["candidate pair"], ~stages["posterior >= threshold"],
                            ~stages["linked by the assignment"]], ["not a candidate", "posterior below threshold",
                                                                   "not linked"], "linked, lineage differs")
    levels = next(e["levels"] for e in spec["comparison"] if e["name"] == "text")
    text_level = [levels[int(g)] if g == g else "-" for g in scored["gamma_text"].to_numpy()]
    counts = Counter(zip(stage_lost[lost].tolist(), np.asarray(text_level, dtype=object)[lost].tolist()))
    lines.append(f"  true links the baseline joins and the matcher does not: {int(lost.sum())}")
    lines += [f"    {n:>6}  {stage}; text level {level}" for (stage, level), n in counts.most_common(8)]
    return "\n".join(lines)


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
    rows, reports = [] if args.no_real else real_rows(), []
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        row, report = synthetic_row(size, args.years, args.seed)
        rows.append(row), reports.append(report)
        print(f"... {size} tasks/plan done in {rows[-1]['match s']:.1f} s", file=sys.stderr, flush=True)
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 250, "display.max_columns", 40, "display.float_format", "{:.3f}".format):
        print(f"\nMatcher vs reference baseline ({args.years} synthetic plans per series, seed {args.seed})")
        print(table.to_string(index=False))
        print("\nratio = match s / kernel s; match s = all of match_plans (features, calibration, blocking, "
              "comparisons, scores, assignment, lineages, kinds); kernel = rapidfuzz cpdist(fuzz.ratio) over the "
              "same candidate pairs, same workers. cpu ratio: the same in process CPU seconds (steadier on a "
              "shared machine).")
    print("\n".join(reports))


if __name__ == "__main__":
    main()
