"""Curated link decisions: parsing the CSV, and confirm/reject applied on every run."""

from __future__ import annotations

import pytest

from tests.transforms.matching.helpers import COPYRIGHT, EDUCATION, FINANCE, GEO, PATENT, SEEDS, frame, task
from transforms.matching.matcher import LinkOverride, match_plans, parse_overrides

CSV = """from_plan,from_task,to_plan,to_task,decision,note
# a curator's file
2016,1,2020,22,confirm,patent-law line
2016,1.3,2020,2.1.24,Reject,  law revision vs judicial interpretation
"""


def test_parse_overrides_reads_numbers_keys_and_notes():
    assert parse_overrides(CSV) == [
        LinkOverride("2016", "1", "2020", "22", "confirm", "patent-law line"),
        LinkOverride("2016", "1.3", "2020", "2.1.24", "reject", "law revision vs judicial interpretation"),
    ]


@pytest.mark.parametrize(("text", "message"), [
    ("from_plan,from_task,to_plan,to_task,decision\n2016,1,2020,22,maybe\n", "line 2"),
    ("from_plan,to_plan,decision\n2016,2020,confirm\n", "lacks columns"),
], ids=["unknown decision", "missing columns"])
def test_parse_overrides_rejects_bad_files(text, message):
    with pytest.raises(ValueError, match=message):
        parse_overrides(text)


def test_an_empty_file_means_no_overrides():
    assert parse_overrides("") == [] and parse_overrides("from_plan,from_task,to_plan,to_task,decision,note\n") == []


TASKS = frame(*[task("2019", i + 1, t) for i, t in enumerate([PATENT, COPYRIGHT, SEEDS, EDUCATION])],
              *[task("2020", i + 1, t) for i, t in enumerate([PATENT, FINANCE, SEEDS, GEO])])


def linked(result, from_no: int, to_no: int) -> str | None:
    links = result.links
    found = links[(links["from_task_no"] == from_no) & (links["to_task_no"] == to_no)]
    return None if found.empty else found["status"].iloc[0]


def test_confirm_links_a_pair_the_matcher_would_not():
    plain = match_plans(TASKS)
    confirmed = match_plans(TASKS, overrides=[LinkOverride("2019", "2", "2020", "2", "confirm")])
    assert linked(plain, 2, 2) in (None, "review") and linked(confirmed, 2, 2) == "confirmed"


def test_reject_keeps_a_pair_from_linking():
    rejected = match_plans(TASKS, overrides=[LinkOverride("2019", "1.1", "2020", "1.1", "reject")])
    assert linked(match_plans(TASKS), 1, 1) == "auto" and linked(rejected, 1, 1) is None


def test_overrides_naming_absent_tasks_are_ignored():
    result = match_plans(TASKS, overrides=[LinkOverride("2019", "99", "2020", "1", "confirm")])
    assert linked(result, 1, 1) == "auto"
