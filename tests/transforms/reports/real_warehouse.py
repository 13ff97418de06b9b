"""A warehouse holding the real plans of ../shared/plans, loaded and linked by the real pipeline pieces.

Used by the report tests outside this folder (views, flow, CLI, browser). Links come from the real
matcher; the gold pairs the tests look at (from ../shared/eval/gold_dev.csv) are confirmed as a
curator would confirm them, so the report tests check the reports and not the matcher's recall.
"""

from __future__ import annotations

from pathlib import Path

from sources.catalogue import load_catalogue
from sources.read import read_source
from sources.registry import load_department_registry
from transforms.matching.matcher import LinkOverride, match_plans
from transforms.parse import parse_plan
from warehouse.connection import connect
from warehouse.load import load_plan, transaction

# (from_plan, from_task, to_plan, to_task): task numbers as printed
GOLD_LINKS = (("2016", "1", "2020", "22"), ("2016", "2", "2020", "23"), ("2016", "4", "2020", "26"),
              ("2020", "22", "2021-2022", "1"))


def plan_files(plans_dir: Path) -> list[Path]:
    return sorted(p for p in plans_dir.iterdir() if p.suffix in (".md", ".txt") and p.name != "README.md")


def build_real_warehouse(db_path: Path, plans_dir: Path, decisions: list[LinkOverride] | None = None) -> Path:
    """Load every plan file, then link all plans; `decisions` default to confirming GOLD_LINKS."""
    catalogue, registry = load_catalogue(), load_department_registry()
    if decisions is None:
        decisions = [LinkOverride(*link, decision="confirm", note="gold_dev.csv") for link in GOLD_LINKS]
    con = connect(db_path)
    try:
        for path in plan_files(plans_dir):
            load_plan(con, parse_plan(read_source(path), catalogue), registry)
        link(con, registry, decisions)
    finally:
        con.close()
    return db_path


def link(con, registry, decisions: list[LinkOverride]) -> None:
    from warehouse.link_state import link_fingerprint, record_linked
    from warehouse.links import read_tasks_frame, write_match_result

    result = match_plans(read_tasks_frame(con, registry), None, decisions)
    with transaction(con):
        write_match_result(con, result)
        record_linked(con, link_fingerprint(con, ""))  # linked as a run leaves it: commands do not link again
