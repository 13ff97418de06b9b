"""Parsing time across the layout corpus, against parsing each plan as printed.

Run from the project root:  python benchmarks/bench_parse_layouts.py [--combinations N]

Every plan (the bundled 2020 plan and each distinct copy in ../shared/plans) is rendered
through every transformation of `tests/layout_corpus.py` alone and through N combinations
drawn with a fixed seed; the script prints, in one run, the mean parse time of a rendering
against the mean parse time of the original text, per plan, and how many renderings parse
differently from the original (0 expected: the test suite checks the same).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, given, settings  # noqa: E402

from sources.catalogue import load_catalogue  # noqa: E402
from sources.read import read_bytes, read_source  # noqa: E402
from tests.layout_corpus import (SINGLE_STYLES, expected_layout, layout_differences, layout_of,  # noqa: E402
                                 render, styles)
from transforms.parse import parse_plan  # noqa: E402


REPEATS = 5  # parses of the original per plan, averaged


def plan_files() -> list[Path]:
    bundled = ROOT / "sources" / "samples" / "2020.gov.md"
    shared = sorted(p for p in (ROOT.parent / "shared" / "plans").glob("*")
                    if p.suffix in (".md", ".txt") and p.name != "README.md")
    return [bundled, *(p for p in shared if p.read_bytes() != bundled.read_bytes())]


def drawn_styles(count: int) -> list:
    """`count` combinations, the same every run (hypothesis, derandomised)."""
    drawn = []

    @settings(max_examples=count, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(styles())
    def collect(style):
        drawn.append(style)

    collect()
    return drawn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--combinations", type=int, default=40)
    args = parser.parse_args()
    catalogue = load_catalogue()
    combinations = drawn_styles(args.combinations)
    print(f"{'plan':<24} {'renderings':>10} {'original ms':>12} {'rendering ms':>13} {'ratio':>6} {'differ':>7}")
    for path in plan_files():
        source = read_source(path)
        layout = layout_of(parse_plan(source, catalogue))  # also warms the converters' dictionaries
        start = time.perf_counter()
        for _ in range(REPEATS):
            parse_plan(source, catalogue)
        original = (time.perf_counter() - start) / REPEATS
        timings, differing = [], 0
        for style in [*SINGLE_STYLES.values(), *combinations]:
            data = render(layout, style).encode("utf-8")
            start = time.perf_counter()
            plan = parse_plan(read_bytes(f"{path.stem}.{style.file_name}", "bench", data), catalogue)
            timings.append(time.perf_counter() - start)
            differing += bool(layout_differences(expected_layout(layout, style), plan))
        mean = sum(timings) / len(timings)
        print(f"{path.name:<24} {len(timings):>10} {original * 1000:>12.1f} {mean * 1000:>13.1f} "
              f"{mean / original:>6.2f} {differing:>7}")


if __name__ == "__main__":
    main()
