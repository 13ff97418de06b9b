"""The layout corpus: every plan, printed every way mirror sites print it, parses as its original.

The plans are the bundled 2020 plan and every copy in ../shared/plans. Each is rendered through
every transformation of `tests.layout_corpus` alone, through combinations drawn by hypothesis
(derandomised, so CI draws the same ones every run), and through the combinations that once
failed (`FAILED_BEFORE`, kept as explicit cases).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from sources.catalogue import load_catalogue
from sources.read import read_bytes, read_source
from sources.registry import load_department_registry
from tests.layout_corpus import (CUTS, SINGLE_STYLES, Style, expected_layout, layout_differences, layout_of,
                                 render, styles)
from transforms.models import PlanError
from transforms.parse import parse_plan

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "sources" / "samples" / "2020.gov.md"
SHARED_PLANS = sorted(p for p in (ROOT.parent / "shared" / "plans").glob("*")
                      if p.suffix in (".md", ".txt") and p.name != "README.md")
# a shared copy identical to the bundled plan would only repeat its renderings
PLAN_FILES = [BUNDLED, *(p for p in SHARED_PLANS if p.read_bytes() != BUNDLED.read_bytes())]
PLAN_NAMES = [p.name for p in PLAN_FILES]
COMBINATIONS_PER_PLAN = 40
ENLARGED_COMBINATIONS = 6

# Combinations that failed while the corpus was built; each names what broke.
FAILED_BEFORE = {
    # Traditional, one line, headings without 、: "no numbered tasks found" (the copy)
    "traditional one line bare headings": Style(section_mark="", joiner="", script="s2t"),
    # a section numeral run into the plan title on one line: "…推进计划一深化知识产权领域改革（一）…"
    "one line, section mark a space": Style(section_mark=" ", joiner="", task_mark="（{n}）"),
    # a one-line Traditional copy without document number lost its addressee list
    "one line traditional, list first": Style(joiner="", script="s2tw", width="half"),
    # the share-button line run into the addressee list through an HTML table
    "share buttons before the list, table": Style(joiner="", chrome=("share",), html="table"),
    # tables came out of trafilatura as Markdown rows (`| 1.… |`): no numbered tasks
    "html table": Style(html="table"),
    # full-width ＋ stayed full-width in 互联网＋
    "full width": Style(width="full"),
    # numbers from 1000 on were not recognised: "1001." became task 001
    "four-digit task numbers": Style(model=("enlarge",)),
    "four-digit numbers, restarts, one line": Style(joiner="", section_mark="", model=("enlarge", "restart")),
}


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="module")
def layouts(catalogue):
    return {name: layout_of(parse_plan(read_source(path), catalogue)) for name, path in zip(PLAN_NAMES, PLAN_FILES)}


def parse_rendering(layout, style: Style, catalogue):
    text = render(layout, style)
    stem = layout.name.split(".")[0]
    return parse_plan(read_bytes(f"{stem}.{style.file_name}", "layout corpus", text.encode("utf-8")), catalogue)


def assert_parses_as_original(layout, style: Style, catalogue):
    try:
        plan = parse_rendering(layout, style, catalogue)
    except PlanError as error:
        pytest.fail(f"{layout.name} [{style.label()}]: {error}")
    problems = layout_differences(expected_layout(layout, style), plan) + unresolved_names(plan)
    assert not problems, f"{layout.name} [{style.label()}]:\n  " + "\n  ".join(problems)


def unresolved_names(plan) -> list[str]:
    """Every addressee and task department of a rendering resolves as of the plan's year."""
    registry, year = load_department_registry(), plan.metadata.period_start
    names = [*plan.metadata.addressees, *(name for task in plan.tasks for name in task.departments)]
    return [f"{name} does not resolve in {year}" for name in dict.fromkeys(names)
            if registry.resolve(name, year).kind == "unknown"]


def test_the_corpus_covers_every_plan(layouts):
    assert len(PLAN_FILES) >= 2 and PLAN_FILES[0].exists()
    assert all(layout.tasks for layout in layouts.values())


@pytest.mark.parametrize("plan", PLAN_NAMES)
@pytest.mark.parametrize("label", list(SINGLE_STYLES))
def test_each_transformation_alone(layouts, catalogue, plan, label):
    assert_parses_as_original(layouts[plan], SINGLE_STYLES[label], catalogue)


@pytest.mark.parametrize("plan", PLAN_NAMES)
@pytest.mark.parametrize("label", list(FAILED_BEFORE))
def test_combinations_that_once_failed(layouts, catalogue, plan, label):
    assert_parses_as_original(layouts[plan], FAILED_BEFORE[label], catalogue)


@pytest.mark.parametrize("plan", PLAN_NAMES)
def test_combinations(layouts, catalogue, plan):
    @settings(max_examples=COMBINATIONS_PER_PLAN, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(style=styles())
    def check(style):
        assert_parses_as_original(layouts[plan], style, catalogue)

    check()


def test_combinations_of_an_enlarged_plan(layouts, catalogue):
    """Eleven and more sections and task numbers of four digits, printed in any combination."""
    @settings(max_examples=ENLARGED_COMBINATIONS, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(style=styles().map(lambda s: replace(s, model=("enlarge", *s.model))))
    def check(style):
        assert_parses_as_original(layouts[PLAN_NAMES[0]], style, catalogue)

    check()


CUT_STYLES = {"as printed": Style(), "one line": Style(joiner=""), "traditional one line": Style(joiner="", script="s2t"),
              "breaks as spaces": Style(joiner=" "), "html": Style(html="p")}


@pytest.mark.parametrize("plan", PLAN_NAMES)
@pytest.mark.parametrize("cut", list(CUTS))
@pytest.mark.parametrize("label", list(CUT_STYLES))
def test_a_copy_cut_anywhere_is_partial(layouts, catalogue, plan, cut, label):
    style = replace(CUT_STYLES[label], model=(cut,))
    expected = expected_layout(layouts[plan], style)
    parsed = parse_rendering(layouts[plan], style, catalogue)
    assert not parsed.complete, f"{plan} cut {cut} [{label}] reads as complete"
    # on one line a section title runs into its preamble, so only the tasks are compared
    problems = [p for p in layout_differences(expected, parsed) if not p.startswith("sections differ")]
    assert not problems, f"{plan} cut {cut} [{label}]:\n  " + "\n  ".join(problems)


def test_a_rendering_that_changes_the_plan_is_caught(layouts, catalogue):
    """The check itself can fail: a rendering with a task dropped differs from its layout."""
    layout = layouts[PLAN_NAMES[0]]
    dropped = replace(layout, blocks=tuple(b for i, b in enumerate(layout.blocks) if i != 5))
    plan = parse_rendering(dropped, Style(), catalogue)
    assert layout_differences(layout, plan)
