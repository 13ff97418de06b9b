"""What changed along a link, and which tasks are new or dropped per plan pair."""

from __future__ import annotations

import pytest

from tests.transforms.matching.helpers import COPYRIGHT, EDUCATION, FINANCE, GEO, PATENT, SEEDS, frame, task
from transforms.matching.matcher import match_plans
from transforms.matching.text import stage_of

BASE = [COPYRIGHT, EDUCATION, FINANCE, GEO, SEEDS]


@pytest.mark.parametrize(("text", "stage"), [
    ("研究制定《专利代理条例》。", 2),
    ("推动修订《植物新品种保护条例》。", 3),
    ("制定出台《关于强化知识产权保护的意见》。", 4),
    ("出台《推进中央企业知识产权工作高质量发展的指导意见》。", 4),
    ("贯彻落实《关于强化知识产权保护的意见》。", 5),
    ("开展知识产权宣传周活动。", None),
], ids=["起草: 研究制定", "推进: 推动修订", "出台: 制定出台", "出台: 出台", "实施: 贯彻落实", "no stage word"])
def test_stage_of_uses_the_stage_vocabulary(text, stage):
    assert stage_of(text) == stage


def kind_of(earlier: dict, later: dict, extra_later: list[dict] = ()) -> str:
    """Kind of the link from the first 2019 task to the first 2020 task, among unrelated fillers."""
    fillers = lambda plan, start: [task(plan, start + i, t, ["教育部"]) for i, t in enumerate(BASE)]  # noqa: E731
    tasks = frame(earlier, *fillers("2019", 2), later, *extra_later, *fillers("2020", 2 + len(extra_later)))
    links = match_plans(tasks).links
    found = links[(links["from_task_no"] == 1) & (links["to_task_no"] == 1) & (links["to_plan"] == "2020")]
    assert len(found) == 1, links
    return found["kind"].iloc[0]


LONG = "加快推进知识产权保护中心建设布局，完善快速审查、快速确权、快速维权一站式服务，建立健全知识产权纠纷多元化解决机制。"
CASES = [
    ("identical", task("2019", 1, PATENT, ["知识产权局"]), task("2020", 1, PATENT, ["知识产权局"])),
    ("reworded", task("2019", 1, LONG, ["知识产权局"]),
     task("2020", 1, LONG.replace("加快推进", "持续推进").replace("建立健全", "完善"), ["知识产权局"])),
    ("narrowed", task("2019", 1, LONG, ["知识产权局"]),
     task("2020", 1, "加快推进知识产权保护中心建设布局，完善快速审查、快速确权、快速维权一站式服务。", ["知识产权局"])),
    ("widened", task("2019", 1, "加快推进知识产权保护中心建设布局，完善快速审查、快速确权、快速维权一站式服务。",
                     ["知识产权局"]), task("2020", 1, LONG, ["知识产权局"])),
    ("department_changed", task("2019", 1, PATENT, ["知识产权局"]), task("2020", 1, PATENT, ["市场监管总局", "知识产权局"])),
    ("stage_advanced", task("2019", 1, "研究制定《专利代理管理办法》，加强专利代理行业监管。", ["知识产权局"]),
     task("2020", 1, "出台《专利代理管理办法》，加强专利代理行业监管。", ["知识产权局"])),
]


@pytest.mark.parametrize(("kind", "earlier", "later"), CASES, ids=[case[0] for case in CASES])
def test_kind_of_a_link(kind, earlier, later):
    assert kind_of(earlier, later) == kind


def test_a_task_split_in_two_gives_two_split_links():
    earlier = task("2019", 1, "完善知识产权保护中心布局，建设一批快速维权中心。推动地理标志专用标志使用核准改革，扩大使用主体范围。",
                   ["知识产权局"])
    parts = [task("2020", 1, "完善知识产权保护中心布局，建设一批快速维权中心。", ["知识产权局"]),
             task("2020", 2, "推动地理标志专用标志使用核准改革，扩大使用主体范围。", ["知识产权局"])]
    tasks = frame(earlier, *[task("2019", 2 + i, t) for i, t in enumerate(BASE)], *parts,
                  *[task("2020", 3 + i, t) for i, t in enumerate(BASE)])
    links = match_plans(tasks).links
    from_first = links[(links["from_plan"] == "2019") & (links["from_task_no"] == 1)]
    assert sorted(from_first["to_task_no"]) == [1, 2] and set(from_first["kind"]) == {"split"}


def test_plan_changes_list_new_and_dropped_tasks():
    tasks = frame(*[task("2019", i + 1, t) for i, t in enumerate([PATENT, *BASE])],
                  *[task("2020", i + 1, t) for i, t in enumerate([*BASE, "开展知识产权强国建设试点示范工作，培育一批示范城市。"])])
    changes = match_plans(tasks).plan_changes
    assert changes[changes["change"] == "dropped"][["plan_id", "task_key"]].values.tolist() == [["2019", "1.1"]]
    assert changes[changes["change"] == "new"][["plan_id", "task_key"]].values.tolist() == [["2020", "1.6"]]
