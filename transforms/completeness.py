"""Whether a parsed copy holds the whole plan: complete only on positive evidence.

Mirror copies are often the opening part of a document, cut anywhere: inside a task,
after a task inside the next heading or its preamble, inside the closing. A copy is
complete only when

* nothing is cut: the last task is whole, no heading follows it, and a closing that
  has begun is finished; and
* the end is shown: the text closes with the plan's closing (the lead-department
  rule, 列第一位的部门为牵头部门), or its last section is the last one the catalogue
  states for that plan; and
* the task count agrees with the count the catalogue states ("100余项" means more
  than 100), where it states one.

Pure functions; the catalogue entry is passed in.
"""

from __future__ import annotations

import re

from transforms.models import Completeness, Section, Task

# The sentence with which the plans close their task list.
_CLOSING = re.compile(r"列(?:在)?第一位的(?:部门|单位)?为牵头(?:部门|单位)[^。]*。")
_CLOSING_START = re.compile(r"^上述")


def assess(tasks: tuple[Task, ...], sections: tuple[Section, ...], trailer: str, last_is_task: bool,
           entry=None) -> Completeness:
    """`trailer` is the text after the last task's clause; `entry` the plan's catalogue entry, if any."""
    last = tasks[-1]
    trailer = trailer.replace("\n", "")  # a wrapped copy breaks the closing sentence anywhere
    cut = _cut(last, sections, trailer, last_is_task)
    if cut:
        return Completeness(False, cut)
    count_problem = _count_problem(len(tasks), entry)
    if count_problem:
        return Completeness(False, count_problem)
    if _CLOSING.search(trailer):
        return Completeness(True, "ends with the plan's closing")
    stated = getattr(entry, "sections_stated", None)
    level1 = [s for s in sections if s.level == 1]
    if stated and level1 and len(level1) == stated:
        return Completeness(True, f"its last section is number {stated}, the last the catalogue states")
    return Completeness(False, f"ends after task {last.task_key} with no closing, and its last section is not "
                               "known to be the plan's last")


def _cut(last: Task, sections: tuple[Section, ...], trailer: str, last_is_task: bool) -> str | None:
    if last.truncated:
        return f"ends inside task {last.task_key}"
    if not last_is_task:
        heading = sections[-1]
        return (f"ends after task {last.task_key}, inside the heading or preamble of "
                f"{heading.number} {heading.title}".rstrip())
    if _CLOSING_START.match(trailer) and not _CLOSING.search(trailer):
        return f"ends inside the closing after task {last.task_key}"
    return None


def _count_problem(count: int, entry) -> str | None:
    stated = getattr(entry, "tasks_stated", None)
    if not stated:
        return None
    if getattr(entry, "tasks_stated_more_than", False):
        return None if count > stated else f"{count} tasks where the catalogue states more than {stated}"
    return None if count == stated else f"{count} tasks where the catalogue states {stated}"
