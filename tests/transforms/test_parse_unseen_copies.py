"""Copies of the real plans as other sites, offices and converters produce them parse like the original.

Each variant is generated here from a plan in ../shared/plans (or the bundled 2020 plan): text taken
from a PDF (wrapped at the page width, page numbers between lines, characters given as radicals),
Hong Kong script, invisible format characters, other task-number and clause forms. The comparison is
the plan's tasks: keys, text, departments and clause forms, and the metadata read from the notice.
"""

from __future__ import annotations

import re
import unicodedata

import opencc
import pytest

from sources.read import read_bytes, read_source
from sources.registry import load_department_registry
from transforms.clauses import parse_clause
from transforms.normalize import unify_ideograph_forms
from transforms.parse import parse_plan

PLAN_FILES = ("2020.gov.md", "2016.showlaw.txt", "2015.law-bridge.txt", "2021-2022.cnipa.txt",
              "2021-2022.izubei.txt")


def tasks_of(plan) -> list[tuple]:
    return [(t.task_key, t.text, t.departments, t.clause_form) for t in plan.tasks]


def metadata_of(plan) -> tuple:
    meta = plan.metadata
    return meta.title, meta.period_start, meta.doc_number, meta.issued_on, meta.addressees


def parse_variant(text: str, name: str = "copy.txt"):
    return parse_plan(read_bytes(name, "test", text.encode("utf-8")))


@pytest.fixture(scope="module")
def originals(shared_plans):
    return {name: (source := read_source(shared_plans / name), parse_plan(source)) for name in PLAN_FILES}


def wrap_like_a_pdf(text: str, width: int, page_lines: int) -> str:
    """Every line cut at `width` characters wherever that falls (inside words, names, clauses and
    titles), and a page number `— n —` between the lines every `page_lines` lines."""
    out: list[str] = []
    for line in text.split("\n"):
        for chunk in [line[i: i + width] for i in range(0, len(line), width)] or [""]:
            out.append(chunk)
            if len(out) % (page_lines + 1) == page_lines:
                out.append(f"— {len(out) // page_lines} —")
    return "\n".join(out)


@pytest.mark.parametrize("name", PLAN_FILES)
@pytest.mark.parametrize("width", [17, 28, 33])
def test_text_wrapped_at_the_page_width_with_page_numbers(originals, name, width):
    # before: a bracket wrapped onto a line of its own stayed half-width and the clause was lost; the
    # 2020 notice title over three lines gave no year ("cannot tell which year"); a wrapped source URL
    # `…content_551191` / `3.htm)` after task 100 was refused as a duplicate task 3; sentences of a
    # 2015 task after a line ending in 。 became notes; the addressee list broke inside 最高人民法院
    source, original = originals[name]
    copy = parse_variant(wrap_like_a_pdf(source.text, width, page_lines=20), name)
    assert tasks_of(copy) == tasks_of(original)
    assert metadata_of(copy) == metadata_of(original)
    assert copy.complete == original.complete


# What a PDF text layer gives for some characters: the Kangxi radical or the CJK radical supplement
# form of the same shape (extracted from a Chromium print of the 2020 page with Noto Serif CJK).
_AS_RADICALS = str.maketrans("工行高人一立大用民网力革生文广入方见门长龙风", "⼯⾏⾼⼈⼀⽴⼤⽤⺠⽹⼒⾰⽣⽂⼴⼊⽅⻅⻔⻓⻰⻛")


@pytest.mark.parametrize("name", ["2020.gov.md", "2016.showlaw.txt"])
def test_characters_given_as_radicals_read_as_the_characters(originals, name):
    # before: 最⾼⼈⺠法院 and 卫⽣健康委 were unknown departments, the plan title did not read
    source, original = originals[name]
    copy = parse_variant(source.text.translate(_AS_RADICALS), name)
    assert tasks_of(copy) == tasks_of(original)
    assert metadata_of(copy) == metadata_of(original)


def test_radical_forms_unify_in_text_and_in_department_names():
    assert unify_ideograph_forms("最⾼⼈⺠法院、⼯业和信息化部、⻓⻔") == "最高人民法院、工业和信息化部、长门"
    registry = load_department_registry()
    assert registry.resolve("最⾼⼈⺠法院", 2020).department_id == registry.resolve("最高人民法院", 2020).department_id
    assert all(len(unicodedata.normalize("NFKC", ch)) == 1 for ch in "⼯⾏⾼⼈")


@pytest.mark.parametrize("name", ["2020.gov.md", "2016.showlaw.txt", "2021-2022.cnipa.txt"])
def test_hong_kong_script_reads_like_the_simplified_original(originals, name):
    # before: OpenCC s2hk writes 衞生健康委, which t2s leaves alone: an unknown department
    source, original = originals[name]
    copy = parse_variant(opencc.OpenCC("s2hk").convert(source.text), name)
    assert tasks_of(copy) == tasks_of(original)
    registry = load_department_registry()
    year = copy.metadata.period_start
    assert all(registry.resolve(d, year).department_id for task in copy.tasks for d in task.departments)


def test_zero_width_and_other_invisible_characters_are_not_text(originals):
    # before: `1\u200b.` hid every task number (no numbered tasks found) and 负\u200b责 every clause
    source, original = originals["2020.gov.md"]
    text = re.sub(r"(?m)^(\d+)\.", "\\1\u200b.", source.text).replace("负责", "负\u200b责").replace("知识", "知\u00ad识")
    copy = parse_variant(text.replace("部、", "部\ufeff、"), "2020.gov.md")
    assert tasks_of(copy) == tasks_of(original)


@pytest.mark.parametrize("bracket", ["）", ")"])
def test_task_numbers_closed_by_a_half_bracket(originals, bracket):
    # before: `1）` and `1)` were no task markers (no numbered tasks found)
    source, original = originals["2020.gov.md"]
    copy = parse_variant(re.sub(r"(?m)^(#*\s*)(\d+)\.\s*", rf"\1\2{bracket}", source.text), "2020.gov.md")
    assert tasks_of(copy) == tasks_of(original)
    assert [t.printed_no for t in copy.tasks] == [str(n) for n in range(1, 101)]


def test_a_number_run_into_letters_is_not_a_task():
    plan = parse_variant("明确2030年任务。\n一、加强保护\n1.修订专利法。（知识产权局负责）\n"
                         "2.修订商标法。（知识产权局负责）\n来源：http://www.example.gov.cn/content_1\n2.htm\n", "2030.txt")
    assert [t.task_no for t in plan.tasks] == [1, 2]


@pytest.mark.parametrize(("inner", "departments", "form"), [
    ("知识产权局牵头，公安部、海关总署配合", ("知识产权局", "公安部", "海关总署"), "牵头"),
    ("知识产权局牵头负责，公安部参与", ("知识产权局", "公安部"), "牵头"),  # before: '负责' was a department
    ("知识产权局牵头，公安部配合，海关总署参与", ("知识产权局", "公安部", "海关总署"), "牵头"),
    ("由知识产权局负责", ("知识产权局",), "负责"),  # before: '由知识产权局'
    ("知识产权局等部门按职责分工负责", ("知识产权局",), "按职责分别负责"),  # before: '知识产权局等部门'
    ("知识产权局会同商务部负责", ("知识产权局", "商务部"), "负责"),
    ("国家知识产权局（商标局、专利局）负责", ("国家知识产权局（商标局、专利局）",), "负责"),
])
def test_clause_wordings(inner, departments, form):
    assert parse_clause(inner) == (departments, form)
