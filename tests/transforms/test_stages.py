"""The stage rule on real tasks of ../shared/plans, and the vocabulary's own checks."""

from __future__ import annotations

import pytest

from sources.read import read_source
from sources.stages import load_stage_vocabulary
from transforms.parse import parse_plan
from transforms.stages import StageVocabulary, StageWord, VocabularyError, advances


@pytest.fixture(scope="module")
def vocabulary() -> StageVocabulary:
    return load_stage_vocabulary()


@pytest.fixture(scope="module")
def task_text(shared_plans):
    texts = {}
    for name in ("2016.showlaw.txt", "2020.gov.md"):
        plan = parse_plan(read_source(shared_plans / name))
        texts.update({(plan.plan_id, task.task_no): task.text for task in plan.tasks})
    return lambda plan, no: texts[(plan, no)]


def test_stages_come_in_the_reviewed_order(vocabulary):
    assert vocabulary.stages() == [("研究", 1), ("起草", 2), ("推进", 3), ("出台", 4), ("实施", 5), ("完成", 6)]


@pytest.mark.parametrize("plan, no, stage, word, finished", [
    ("2016", 8, "出台", "出台", True),     # 制定出台《关于滥用知识产权的反垄断指南》: 出台 beats 制定
    ("2016", 4, "起草", "修订", False),    # 研究修订《植物新品种保护条例》: 修订 beats 研究
    ("2020", 26, "推进", "推动", False),   # 推动修订《…》《植物新品种保护条例实施细则》: 实施 inside a title is no stage
    ("2020", 28, "实施", "实施", False),   # 制定实施2020—2021年贯彻落实《…》推进计划: the most advanced stage
    ("2020", 3, "出台", "出台", True),
    ("2020", 2, None, None, False),        # 复制推广…: no stage word
])
def test_real_tasks_keep_their_most_advanced_stage(vocabulary, task_text, plan, no, stage, word, finished):
    reading = vocabulary.read(task_text(plan, no))
    assert (reading.stage, reading.word, reading.finished) == (stage, word, finished)


def test_a_name_holding_a_stage_word_hides_it(vocabulary):
    # 实施方案 is a document to be drafted, not implementation; 推进计划 is the plan's own name
    assert vocabulary.read("制定知识产权强国建设实施方案").stage == "起草"
    assert vocabulary.read("贯彻落实推进计划").words == ("贯彻", "落实")
    assert vocabulary.read("修订《专利法实施细则》").words == ("修订",)


def test_advancing_means_beyond_every_earlier_stage():
    assert advances([2, 3, 3]) == [False, True, False]
    assert advances([4, 1, 4]) == [False, False, False]  # 出台 → 研究 → 出台 has not moved on
    assert advances([None, 2, None, 5]) == [False, False, False, True]  # no stage yet: nothing to advance from


@pytest.mark.parametrize("words, message", [
    ([StageWord("研究", "研究", 1, False, "r"), StageWord("研究", "研究", 1, False, "r")], "listed twice"),
    ([StageWord("研究", "研究", 1, False, "r"), StageWord("论证", "研究", 2, False, "r")], "two orders"),
    ([StageWord("实施方案", None, 3, False, "r")], "or neither"),
    ([StageWord("a|b", "研究", 1, False, "r")], "only Chinese"),
    ([StageWord("研究", "研究", 1, False, "")], "no reason"),
])
def test_an_inconsistent_vocabulary_is_refused(words, message):
    with pytest.raises(VocabularyError, match=message):
        StageVocabulary(words)


def test_the_signature_changes_with_the_vocabulary(vocabulary):
    changed = StageVocabulary([*vocabulary.words, StageWord("验收", "完成", 6, True, "acceptance")])
    assert changed.signature != vocabulary.signature
    assert StageVocabulary(reversed(vocabulary.words)).signature == vocabulary.signature
