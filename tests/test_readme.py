"""The README's promises, checked: its SQL runs on a real warehouse, and every command is documented."""

from __future__ import annotations

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
