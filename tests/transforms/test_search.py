"""Search over task texts, on the real plans of ../shared/plans (parsed, not loaded)."""

from __future__ import annotations

import pytest

from sources.read import read_source
from transforms.parse import parse_plan
from transforms.search import (SearchError, TaskText, highlight, match_task, parse_query, search_tasks,
                               shared_runs)

PLAN_FILES = ("2015.law-bridge.txt", "2016.showlaw.txt", "2020.gov.md", "2021-2022.izubei.txt")  # izubei: the longer copy


@pytest.fixture(scope="module")
def real_tasks(shared_plans) -> list[TaskText]:
    tasks = []
    for name in PLAN_FILES:
        plan = parse_plan(read_source(shared_plans / name))
        year = int(plan.plan_id[:4])
        tasks += [TaskText(plan.plan_id, year, t.task_key, t.task_no, t.text, None, tuple(t.cited_titles),
                           tuple(t.departments)) for t in plan.tasks]
    return tasks


def found(groups) -> list[tuple[str, int, str]]:
    return [(hit.task.plan_id, hit.task.task_no, hit.match) for group in groups for hit in group.hits]


def test_query_is_normalised_as_documents_are():
    query = parse_query(" 《中華人民共和國 專利法》 ")
    assert query.phrase == "中华人民共和国专利法"
    assert query.document == "专利法"
    with pytest.raises(SearchError):
        parse_query(" 《》 ")


def test_traditional_query_finds_the_patent_law_named_first(real_tasks):
    result = search_tasks(parse_query("專利法"), real_tasks)
    # 2020 task 22 cites 《专利法》: a named-document hit, ranked before the tasks that mention the phrase
    assert found(result) == [("2020", 22, "document"), ("2016", 1, "phrase"), ("2021-2022", 1, "phrase")]
    hit = result[0].hits[0]
    assert [hit.task.text[s:e] for s, e in hit.spans] == ["《专利法》"]


def test_with_and_without_brackets_the_same_hits(real_tasks):
    assert found(search_tasks(parse_query("《专利法》"), real_tasks)) == \
        found(search_tasks(parse_query("专利法"), real_tasks))


def test_trade_secrets_every_mention_highlighted(real_tasks):
    result = search_tasks(parse_query("商业秘密"), real_tasks)
    assert sorted(found(result)) == [("2020", 24, "phrase"), ("2020", 44, "phrase"), ("2021-2022", 1, "phrase")]
    task_44 = next(hit for group in result for hit in group.hits if hit.task.task_no == 44)
    assert highlight(task_44.task.text, task_44.spans).count("【商业秘密】") == 2


def test_law_cited_with_the_country_prefix_is_a_named_document(real_tasks):
    # 2021-2022 task 1 cites 《中华人民共和国商标法》
    assert ("2021-2022", 1, "document") in found(search_tasks(parse_query("商标法"), real_tasks))


def test_partial_hits_come_after_the_phrase(real_tasks):
    result = search_tasks(parse_query("反不正当竞争法"), real_tasks)
    # 2016 task 3 names the law; 2020 task 24 names the field 反不正当竞争 (6 of its 7 characters)
    assert found(result) == [("2016", 3, "phrase"), ("2020", 24, "partial")]
    assert result[1].share == pytest.approx(6 / 7, abs=1e-4)


def test_common_words_scattered_through_a_task_are_no_match(real_tasks):
    # 2021-2022 task 1 holds 知识产权 … 保护 … 办法 in different places: 8 of 10 characters, no real mention
    tasks = [t for t in real_tasks if (t.plan_id, t.task_no) == ("2021-2022", 1)]
    assert match_task(parse_query("展会知识产权保护办法"), tasks[0]) is None
    assert found(search_tasks(parse_query("展会知识产权保护办法"), real_tasks)) == [
        ("2015", 9, "document"), ("2016", 7, "document")]


def test_shared_runs_count_characters_in_runs_of_two():
    assert shared_runs("商业秘密", "保守国家秘密") == (0.5, ((4, 6),))
    assert shared_runs("专利法修订", "专利法第四次修订") == (1.0, ((0, 3), (6, 8)))
    assert shared_runs("专利法", "利用法律") == (0.0, ())


def test_hits_group_by_lineage_in_plan_order():
    def task(plan, year, no, text, lineage):
        return TaskText(plan, year, f"1.{no}", no, text, lineage)

    tasks = [task("2020", 2020, 5, "推进商业秘密保护", "L1"), task("2016", 2016, 2, "研究商业秘密立法", "L1"),
             task("2020", 2020, 9, "商业和秘密", "L2")]
    [group] = search_tasks(parse_query("商业秘密"), tasks)
    assert group.lineage_id == "L1" and group.plans == ["2016", "2020"]
