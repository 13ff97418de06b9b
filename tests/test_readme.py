"""The README's promises, checked: its SQL runs on a real warehouse, and every command is documented."""

from __future__ import annotations

import ast
import re

import duckdb
import pytest

from flows.cli import app
from flows.commands import register_all
from tests.conftest import ROOT
from tests.transforms.reports.real_warehouse import build_real_warehouse

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_is_in_the_readme():
    register_all(app)
    names = {command.name or command.callback.__name__ for command in app.registered_commands}
    missing = sorted(name for name in names if f"ipplans {name}" not in README)
    assert not missing, f"commands not shown in README.md: {missing}"


def test_every_command_has_help_with_an_example():
    register_all(app)
    for command in app.registered_commands:
        doc = command.callback.__doc__ or ""
        assert "Example:" in doc, f"`ipplans {command.name or command.callback.__name__}` help has no example"


@pytest.fixture(scope="module")
def real_warehouse(tmp_path_factory, shared_plans):
    return build_real_warehouse(tmp_path_factory.mktemp("readme") / "w.duckdb", shared_plans, decisions=[])


def test_readme_sql_answers_which_2016_tasks_appear_in_2020(real_warehouse):
    [query] = [block for block in re.findall(r"```sql\n(.*?)```", README, re.S) if "'2016'" in block]
    con = duckdb.connect(str(real_warehouse), read_only=True)
    try:
        rows = con.execute(query).fetchall()
    finally:
        con.close()
    by_old = {row[0]: row for row in rows}
    # gold_dev.csv: 2016 task 2 continues as 2020 task 23, moved from 版权局 to 中央宣传部 by the 2018 reform
    assert by_old[2][1] == 23
    assert by_old[2][2] == ["版权局", "法制办"] and by_old[2][3] == ["中央宣传部", "广电总局"]
    assert by_old[4][1] == 26 and 3 not in by_old  # 2016 task 3 has no continuation in 2020 (a hard negative)


# ---- the Python API beside the commands ---------------------------------------------------------

PYTHON_BLOCKS = re.findall(r"```python\n(.*?)```", README, re.S)
# What runs on a loaded warehouse without Prefect or a network (the others are run by the command tests)
READ_ONLY = {"plans", "tasks", "sources", "sql", "search", "history", "departments", "department", "report",
             "export", "lineage", "review", "explain", "evaluate"}


def command_names() -> list[str]:
    """Every command as a Python name: `ipplans server start` → server_start."""
    register_all(app)
    names = [command.name or command.callback.__name__ for command in app.registered_commands]
    for group in app.registered_groups:
        names += [f"{group.name}_{command.name or command.callback.__name__}"
                  for command in group.typer_instance.registered_commands]
    return names


def ipplans_calls(tree: ast.AST) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "api"]


def test_every_command_is_a_function_of_the_same_name_shown_in_the_readme():
    from flows import api

    names = command_names()
    assert not [name for name in names if not callable(getattr(api, name, None))]
    shown = {call.func.attr for block in PYTHON_BLOCKS for call in ipplans_calls(ast.parse(block))}
    assert not sorted(set(names) - shown), "commands without a Python call in README.md"


def test_every_python_call_in_the_readme_fits_its_function():
    """Each `api.name(...)` names an exported function and its arguments bind to its signature;
    each `from module import name` imports."""
    import importlib
    import inspect

    from flows import api

    for block in PYTHON_BLOCKS:
        tree = ast.parse(block)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                module = importlib.import_module(node.module)
                assert all(hasattr(module, alias.name) for alias in node.names), ast.unparse(node)
        for call in ipplans_calls(tree):
            assert call.func.attr in api.__all__, ast.unparse(call)
            signature = inspect.signature(getattr(api, call.func.attr))
            signature.bind(*(None for _ in call.args), **{keyword.arg: None for keyword in call.keywords})


def test_the_readme_python_examples_answer_on_a_real_warehouse(real_warehouse, tmp_path, monkeypatch):
    """Every README statement calling a read-only function, run as written on the real plans' warehouse."""
    from flows import api

    monkeypatch.setenv("IPPLANS_DB", str(real_warehouse))
    (tmp_path / "shared").symlink_to(ROOT.parent / "shared")  # the examples read ../shared/eval/…
    work = tmp_path / "checkout"  # reports, exports: written here
    work.mkdir()
    monkeypatch.chdir(work)
    names: dict = {"api": api}
    ran = set()
    for block in PYTHON_BLOCKS:
        for statement in ast.parse(block).body:
            called = {call.func.attr for call in ipplans_calls(statement)}
            if called and called <= READ_ONLY and "all_pairs" not in ast.unparse(statement):
                exec(compile(ast.Module([statement], []), "README.md", "exec"), names)
                ran |= called
    assert {"plans", "tasks", "sources", "sql", "search", "history", "departments", "department", "lineage",
            "review", "explain", "evaluate"} <= ran
    assert [row[0] for row in names["rows"]] == ["2015", "2016", "2020", "2021-2022"]  # the last `sql` example
    assert names["line"].lineage_id and names["body"].short_name and names["copies"].columns[0] == "source_name"
    assert names["scores"].stored.f1 > 0 and len(names["lineages"]) and names["pending"] is not None
    assert (work / "reports" / "2016_2020.html").is_file() and (work / "ipplans.xlsx").is_file()


@pytest.mark.prefect
@pytest.mark.gx
def test_the_readme_python_example_of_the_commands_that_run_flows(prefect_server, shared_plans, tmp_path,
                                                                   monkeypatch):
    """The "Using it" block as written: ingest a plan (ingest and link flows), read it back, remove it."""
    monkeypatch.setenv("IPPLANS_DB", str(tmp_path / "data" / "ipplans.duckdb"))
    monkeypatch.chdir(ROOT)  # the example's paths are relative to the checkout, as in the README
    [block] = [block for block in PYTHON_BLOCKS if "api.remove(" in block]
    names: dict = {}
    exec(compile(block, "README.md", "exec"), names)
    assert [row[0] for row in names["rows"]] == ["2016"] and names["columns"][0] == "plan_id"
    from flows import api

    assert api.plans().rows == []  # removed again: its last copy
