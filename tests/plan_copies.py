"""Other copies of the bundled 2020 plan, made in the test that uses them: what a mirror site, a
converter or an anonymous uploader could do to the same text (or instead of it)."""

from __future__ import annotations

import random
import re

import opencc

from tests.expectations.helpers import plan_text, replace

SUB_SECTION_1_2 = "## （二）深化知识产权领域“放管服”改革\n"
DOC_NUMBER_LINE = "国知战联办〔2020〕5号\n"
PLAN_HEADING = "## 2020年深入实施国家知识产权战略加快建设知识产权强国推进计划"


def without_heading() -> str:
    """The plan with one sub-section title missing: tasks 13-21 run on in sub-section 1.1."""
    return replace(plan_text(), SUB_SECTION_1_2, "")


def without_task(number: int) -> str:
    """The plan as a mirror that lost task `number` and numbered the rest on from it."""
    kept = []
    for line in plan_text().splitlines(keepends=True):
        found = re.match(r"(\d+)\. ", line)
        if found and int(found[1]) == number:
            continue
        if found and int(found[1]) > number:
            line = f"{int(found[1]) - 1}. " + line[found.end():]
        kept.append(line)
    return "".join(kept)


def traditional_mirror() -> str:
    """The plan in Traditional script on a mirror page: its own chrome, no document number printed."""
    text = opencc.OpenCC("s2t").convert(replace(plan_text(), DOC_NUMBER_LINE, ""))
    return "首頁 > 政策 > 正文\n字號：大 中 小\n\n" + text + "\n打印本頁 關閉窗口\n"


def excerpt(size: int = 2048) -> str:
    """The first `size` bytes of the plan from its title on: no notice, so no document number."""
    text = plan_text()
    return text[text.index(PLAN_HEADING):].encode("utf-8")[:size].decode("utf-8", errors="ignore")


def unrelated_tasks(count: int = 120, seed: int = 14) -> str:
    """An anonymous list of tasks that are in no plan: no title, no document number."""
    rng = random.Random(seed)
    words = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"
    lines = [f"{n}. 推进{''.join(rng.choice(words) for _ in range(16))}工作，完善相关机制。（知识产权局负责）\n"
             for n in range(1, count + 1)]
    return "\n".join(lines)


def same_title_other_tasks(count: int = 100) -> str:
    """A plan printing the 2020 title (no document number) over tasks of its own."""
    return f"{PLAN_HEADING}\n\n### 一、其他工作\n\n" + unrelated_tasks(count)
