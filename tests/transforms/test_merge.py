"""Copies of one plan: which sources are copies (positive evidence only), how their tasks align,
and which copy's reading each merged task takes."""

from __future__ import annotations

import datetime as dt
import dataclasses

from sources.catalogue import load_catalogue
from transforms.frames import copy_frames
from transforms.merge import align_tasks, copy_evidence, identity_conflict, merge_copies
from transforms.models import SourceText
from transforms.parse import parse_plan
from tests import plan_copies
from tests.expectations.helpers import plan_text

OFFICIAL_URL = "http://www.gov.cn/zhengce/zhengceku/2020-05/15/content_5511913.htm"


def copy(name: str, text: str, location: str | None = None, loaded_at: dt.datetime | None = None):
    source = SourceText(name, location or f"/inbox/{name}", "md", text, f"sha-{name}-{hash(text)}")
    return dataclasses.replace(copy_frames(parse_plan(source, load_catalogue())), loaded_at=loaded_at)


EARLIER = dt.datetime(2026, 1, 1)
OFFICIAL = copy("2020.gov.md", plan_text(), loaded_at=EARLIER)


def test_a_copy_without_one_heading_aligns_task_by_task():
    other = copy("2020.copy.md", plan_copies.without_heading())
    assert other.tasks.loc[other.tasks["task_no"] == 13, "task_key"].item() == "1.1.13"  # the trap
    pairs = align_tasks(other.tasks, OFFICIAL.tasks)
    assert len(pairs) == 100 and all(same for _, _, same in pairs)
    assert all(other.tasks.at[a, "task_no"] == OFFICIAL.tasks.at[b, "task_no"] for a, b, _ in pairs)
    merged = merge_copies([other, OFFICIAL])
    assert len(merged.tasks) == 100 and merged.tasks["task_no"].is_unique
    assert merged.tasks.loc[merged.tasks["task_no"] == 13, "task_key"].item() == "1.2.13"
    assert set(merged.tasks["from_source"]) == {"2020.gov.md"} and merged.differences.empty
    assert list(merged.sections["section_path"]) == list(OFFICIAL.sections["section_path"])


def test_copies_of_the_same_plan_are_recognised_from_what_they_say():
    mirror = copy("2020.big5.txt", plan_copies.traditional_mirror())
    cut = copy("2020.excerpt.txt", plan_copies.excerpt())
    assert mirror.source["script"] == "traditional" and len(cut.tasks) < 15
    # neither prints the document number (the parser filled it in from the catalogue): title and tasks decide
    assert copy_evidence(mirror, OFFICIAL).verdict == "same"
    evidence = copy_evidence(cut, OFFICIAL)
    assert evidence.verdict == "same" and f"{len(cut.tasks)} of {len(cut.tasks)} tasks match" in evidence.reason
    assert identity_conflict(cut, [OFFICIAL, mirror]) is None


def test_a_file_that_only_claims_the_year_is_another_plan():
    anonymous = copy("2020.x.txt", plan_copies.unrelated_tasks())
    assert anonymous.source["doc_number"] == "国知战联办〔2020〕5号"  # filled in from the catalogue, not printed
    assert copy_evidence(anonymous, OFFICIAL).verdict == "unproven"
    assert identity_conflict(anonymous, [OFFICIAL]) == (
        "2020.gov.md holds another plan for 2020 (this file states neither the same document number nor the "
        "same title); refused as another plan claiming 2020")


def test_the_same_title_over_other_tasks_is_another_plan():
    other = copy("2020.other.md", plan_copies.same_title_other_tasks())
    evidence = copy_evidence(other, OFFICIAL)
    assert evidence.verdict == "unproven" and "only 0 of its 100 tasks match" in evidence.reason


def test_another_document_number_is_another_plan():
    other = copy("2020.other.md", plan_text().replace("〔2020〕5号", "〔2020〕9号"))
    assert copy_evidence(other, OFFICIAL).verdict == "different"
    assert "document number 国知战联办〔2020〕5号, this file has 国知战联办〔2020〕9号" in identity_conflict(other, [OFFICIAL])


def _edited(name: str, **kwargs):
    return copy(name, plan_text().replace("全面改革创新试验", "全面创新改革试验"), **kwargs)


def test_which_copy_wins_does_not_depend_on_file_names():
    for name in ("2020.copy.md", "2020.zcopy.md", "0.md"):
        merged = merge_copies([_edited(name), OFFICIAL])
        assert set(merged.tasks["from_source"]) == {"2020.gov.md"}, name  # loaded first
        assert len(merged.differences) == 1


def test_an_official_address_beats_an_earlier_load_and_completeness_beats_both():
    official_later = _edited("content_5511913.htm", location=OFFICIAL_URL)
    merged = merge_copies([OFFICIAL, official_later], frozenset({OFFICIAL_URL}))
    assert set(merged.tasks["from_source"]) == {"content_5511913.htm"}
    cut = copy("2020.excerpt.txt", plan_copies.excerpt(), location=OFFICIAL_URL, loaded_at=EARLIER)
    merged = merge_copies([cut, _edited("2020.mirror.md")], frozenset({OFFICIAL_URL}))
    assert set(merged.tasks["from_source"]) == {"2020.mirror.md"} and len(merged.tasks) == 100


def test_a_copy_cut_inside_its_last_task_still_beats_one_that_lost_tasks():
    text = plan_text()
    cut = copy("2020.cut.md", text[:text.index("在各类知识竞赛", text.index("\n100. "))])
    lost = copy("2020.lost.md", text[:text.index("\n91. ")], loaded_at=EARLIER)  # ends whole after task 90
    assert len(cut.tasks) == 100 and cut.tasks.iloc[-1]["truncated"] and len(lost.tasks) == 90
    merged = merge_copies([lost, cut])
    assert len(merged.tasks) == 100 and set(merged.tasks["from_source"]) == {"2020.cut.md"}
    assert not merged.plan["complete"]


def test_a_copy_that_lost_a_task_and_renumbered_aligns_by_text_and_records_the_missing_task():
    mirror = copy("2020.mirror.md", plan_copies.without_task(40))
    assert len(mirror.tasks) == 99 and mirror.tasks["task_no"].max() == 99
    pairs = align_tasks(mirror.tasks, OFFICIAL.tasks)
    assert len(pairs) == 99 and all(same for _, _, same in pairs)  # 40-99 pair with 41-100 by their texts
    merged = merge_copies([mirror, OFFICIAL])
    assert len(merged.tasks) == 100 and set(merged.tasks["from_source"]) == {"2020.gov.md"}
    missing = merged.differences
    assert list(missing["diff"]) == ["only in 2020.gov.md: task 40"]
    assert missing["text_a"].item().startswith("推进地理标志专用标志换标工作") and missing["text_b"].item() == ""


def test_a_task_only_a_secondary_copy_reads_is_recorded_not_dropped():
    # the mirror lost task 40 but has one task more at the end: as many tasks as the official copy,
    # which wins as the earlier load, so the mirror's last task is in no merged row
    extra = "100. 做好新增任务的统筹。（知识产权局负责）\n"
    text = plan_copies.without_task(40)
    last = text.index("\n", text.index("99. ")) + 1
    mirror = copy("2020.mirror.md", text[:last] + extra + text[last:], loaded_at=EARLIER + dt.timedelta(days=1))
    assert len(mirror.tasks) == 100
    merged = merge_copies([mirror, OFFICIAL])
    assert merged.tasks["from_source"].eq("2020.gov.md").all()
    assert sorted(merged.differences["diff"]) == ["only in 2020.gov.md: task 40", "only in 2020.mirror.md: task 100"]


def test_an_excerpt_differs_in_nothing_it_does_not_reach():
    merged = merge_copies([copy("2020.excerpt.txt", plan_copies.excerpt(4096)), OFFICIAL])
    assert merged.differences.empty
