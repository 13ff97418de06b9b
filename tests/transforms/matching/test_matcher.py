"""The facade: output contracts, explain_link, and the shape of the package."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.transforms.matching.helpers import COPYRIGHT, EDUCATION, FINANCE, PATENT, SEEDS, frame, task
from transforms.matching.comparisons import SIGNAL_COLUMNS
from transforms.matching.explain import explain_link
from transforms.matching.matcher import LinkOverride, MatchResult, match_plans

PACKAGE = Path(__file__).resolve().parents[3] / "transforms" / "matching"
TASKS = frame(
    *[task("2019", i + 1, t, ["知识产权局"]) for i, t in enumerate([PATENT, COPYRIGHT, SEEDS, EDUCATION])],
    *[task("2020", i + 1, t, ["市场监管总局", "知识产权局"] if i == 0 else ["知识产权局"])
      for i, t in enumerate([PATENT, FINANCE, SEEDS])],
)


@pytest.fixture(scope="module")
def result() -> MatchResult:
    return match_plans(TASKS)


def test_links_have_the_documented_columns(result):
    required = ["from_plan", "from_task_key", "from_task_no", "to_plan", "to_task_key", "to_task_no", "score",
                "kind", *SIGNAL_COLUMNS, "shared_titles", "shared_departments", "status"]
    assert all(column in result.links.columns for column in required)
    assert set(result.links["status"]) <= {"auto", "confirmed", "review"}
    assert result.links["score"].between(0, 1).all()


def test_lineage_and_plan_changes_have_the_documented_columns(result):
    assert list(result.lineage.columns) == ["lineage_id", "plan_id", "task_key", "task_no"]
    assert list(result.plan_changes.columns) == ["from_plan", "to_plan", "plan_id", "task_key", "change"]


def test_explain_link_gives_every_component_and_the_decision():
    found = explain_link(TASKS, "2019", 1, "2020", "1.1")
    assert set(found["comparisons"]) == {"text", "documents", "departments"}
    assert set(found["signals"]) == set(SIGNAL_COLUMNS)
    assert found["shared_titles"] == "专利法、专利法实施细则" and found["shared_departments"] == "知识产权局"
    assert found["decision"] == {"status": "auto", "role": "primary", "linked": True}
    assert found["changes"][0] == "department_changed"


def test_explain_link_says_why_a_pair_is_not_linked():
    found = explain_link(TASKS, "2019", 2, "2020", 2)  # 著作权法 revision → a new financing task
    assert not found["decision"]["linked"] and found["decision"]["reason"]


def test_explain_link_refuses_unknown_tasks_and_backward_pairs():
    with pytest.raises(KeyError):
        explain_link(TASKS, "2019", 9, "2020", 1)
    with pytest.raises(ValueError):
        explain_link(TASKS, "2020", 1, "2019", 1)


def test_the_facade_only_wires_stages():
    source = (PACKAGE / "matcher.py").read_text(encoding="utf-8")
    imported = {node.module for node in ast.walk(ast.parse(source)) if isinstance(node, ast.ImportFrom)}
    assert len(source.splitlines()) < 200
    assert not any(m and (m.startswith("rapidfuzz") or m.startswith("scipy") or m == "duckdb") for m in imported)


def test_transforms_do_no_io():
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
        modules = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        assert "open" not in calls and "duckdb" not in modules, path.name


EDGE_INPUTS = {
    "no plan at all": (frame(), ()),
    "one plan": (frame(task("2020", 1, PATENT, ["知识产权局"]), task("2020", 2, COPYRIGHT)), ()),
    "every task truncated": (frame(task("2019", 1, PATENT, truncated=True), task("2020", 1, SEEDS, truncated=True)), ()),
    "no department anywhere": (frame(task("2015", 1, PATENT), task("2016", 1, COPYRIGHT)), ()),
    "no candidate pair left": (frame(task("2019", 1, PATENT), task("2020", 1, PATENT)),
                               (LinkOverride("2019", "1", "2020", "1", "reject"),)),
}


@pytest.mark.parametrize("name", EDGE_INPUTS)
def test_empty_and_degenerate_inputs_give_one_lineage_per_unlinked_task(name):
    tasks, overrides = EDGE_INPUTS[name]
    result = match_plans(tasks, overrides=overrides)
    assert len(result.lineage) == len(tasks) and result.lineage["lineage_id"].notna().all()
    linked = set(result.links.loc[result.links["status"].isin(["auto", "confirmed"]), "to_task_key"])
    assert result.lineage["lineage_id"].nunique() == len(tasks) - len(linked)
    assert list(result.plan_changes.columns) == ["from_plan", "to_plan", "plan_id", "task_key", "change"]


def test_the_2015_excerpt_alone_and_with_2016_matches_without_department_clauses(parsed_plans, registry):
    from transforms.matching.frames import tasks_frame

    alone = match_plans(tasks_frame([parsed_plans["2015.law-bridge.txt"]], registry))
    assert alone.links.empty and alone.lineage["lineage_id"].is_unique
    both = match_plans(tasks_frame([parsed_plans["2015.law-bridge.txt"], parsed_plans["2016.showlaw.txt"]], registry))
    linked = both.links[both.links["status"] == "auto"]
    assert linked[["from_task_no", "to_task_no"]].values.tolist() == [[9, 7]]  # gold: 2015:9 → 2016:7


def test_the_package_has_no_import_cycle():
    """Module-level and function-level imports between the package's modules form no cycle."""
    graph = {}
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[path.stem] = {node.module.rsplit(".", 1)[-1] for node in ast.walk(tree)
                            if isinstance(node, ast.ImportFrom) and node.module
                            and node.module.startswith("transforms.matching.")}
        graph[path.stem] |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                             and node.module == "transforms.matching" for alias in node.names}
    state: dict[str, str] = {}

    def visit(module: str, trail: tuple) -> None:
        assert state.get(module) != "open", " → ".join((*trail, module))
        if state.get(module) == "done":
            return
        state[module] = "open"
        for imported in graph.get(module, ()):
            visit(imported, (*trail, module))
        state[module] = "done"

    for module in graph:
        visit(module, ())


def test_every_comparison_of_the_spec_has_its_function_and_priors():
    from transforms.matching.comparisons import COMPARISON_FUNCTIONS
    from transforms.matching.spec import DEFAULT_SPEC

    for entry in DEFAULT_SPEC["comparison"]:
        assert entry["name"] in COMPARISON_FUNCTIONS
        assert len(entry["levels"]) == len(entry["m_prior"]) == len(entry["u_prior"])
        assert abs(sum(entry["m_prior"]) - 1) < 1e-9 and abs(sum(entry["u_prior"]) - 1) < 1e-9
