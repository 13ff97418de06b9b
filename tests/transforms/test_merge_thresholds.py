"""The two numbers that decide whether sources are copies of one plan (transforms/merge.py), measured
on real text: what they separate must lie well on either side of them.

- SAME_TASK_SIMILARITY (90): the same task in two real copies of one plan (a Traditional mirror, a
  Simplified original, the bundled plan converted the ways mirrors convert it) reads ≥ 95; two distinct
  tasks of one real plan never reach it, so one-to-one alignment cannot pair them.
- COPY_TASK_SHARE (0.8): real copies of one plan match on every task they hold; two real plans of
  different years (which share recurring tasks, and from 2021 on a title) match on far fewer.

Measured when written: converted mirrors read 100 after normalisation, the real 2021-2022 copies match on
every shared task, the closest two distinct tasks of the 2020 plan read 51, and plans of different years
match on 0 of the 9 tasks the shorter holds. These are the real files we have; later years may repeat more
tasks word for word, which the halved share below leaves room for.
"""

from __future__ import annotations

import itertools

import opencc
import pytest
from rapidfuzz.fuzz import ratio

from sources.read import read_source
from transforms.frames import copy_frames
from transforms.merge import COPY_TASK_SHARE, SAME_TASK_SIMILARITY, align_tasks
from transforms.models import SourceText
from transforms.normalize import compact
from transforms.parse import parse_plan
from tests.expectations.helpers import plan_text

COPY_MARGIN = 95.0  # what conversion slips leave of the same task (see the module docstring)


def tasks_of(path):
    return copy_frames(parse_plan(read_source(path))).tasks


def converted(text: str, config: str):
    source = SourceText(f"2020.{config}.md", f"/mirror/2020.{config}.md", "md",
                        opencc.OpenCC(config).convert(text), f"sha-{config}")
    return copy_frames(parse_plan(source)).tasks


def _aligned_similarities(a, b) -> list[float]:
    texts_a, texts_b = [compact(t) for t in a["text"]], [compact(t) for t in b["text"]]
    return [ratio(texts_a[i], texts_b[j]) for i, j, _ in align_tasks(a, b)]


@pytest.mark.parametrize("config", ["s2t", "s2tw", "s2hk"])
def test_the_same_task_in_a_converted_mirror_reads_well_above_the_threshold(config):
    original = copy_frames(parse_plan(SourceText("2020.gov.md", "/2020.gov.md", "md", plan_text(), "sha"))).tasks
    similarities = _aligned_similarities(converted(plan_text(), config), original)
    assert len(similarities) == len(original) and min(similarities) >= COPY_MARGIN > SAME_TASK_SIMILARITY


def test_real_copies_of_one_plan_match_on_every_task_they_both_hold(shared_plans):
    simplified, traditional = tasks_of(shared_plans / "2021-2022.cnipa.txt"), tasks_of(shared_plans / "2021-2022.izubei.txt")
    pairs = align_tasks(traditional, simplified, same_only=True)
    assert len(pairs) == min(len(simplified), len(traditional))  # 100 %, against the 80 % asked


def test_distinct_tasks_of_a_real_plan_stay_below_the_threshold(shared_plans):
    texts = [compact(text) for text in tasks_of(shared_plans / "2020.gov.md")["text"]]
    closest = max(ratio(a, b) for a, b in itertools.combinations(texts, 2))
    assert closest < SAME_TASK_SIMILARITY - 10  # measured: the closest two distinct tasks of 2020


@pytest.mark.parametrize("earlier, later", [("2016.showlaw.txt", "2020.gov.md"),
                                            ("2015.law-bridge.txt", "2016.showlaw.txt"),
                                            ("2020.gov.md", "2021-2022.cnipa.txt")])
def test_plans_of_different_years_share_far_fewer_tasks_than_copies(shared_plans, earlier, later):
    a, b = tasks_of(shared_plans / earlier), tasks_of(shared_plans / later)
    shared = {j for _, j, _ in align_tasks(a, b, same_only=True)}
    assert len(shared) / min(len(a), len(b)) < COPY_TASK_SHARE / 2
