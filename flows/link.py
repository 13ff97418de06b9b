"""Flow `link-plans`: match the tasks of every plan into lineages across years.

Reads the warehouse's tasks (with resolved departments), the lineage ids already given,
and the curated overrides CSV (`link_overrides.csv` beside the DuckDB file unless
`overrides` names another file; a missing file means no overrides). Writes the links,
lineage and plan changes, then checks them with the link suites, all in one
transaction: when a blocking check fails, nothing of the new matching is kept.

The run is incremental: the plans that did not change since the last matching keep
their links, and only the plans from the first new or changed one on are matched, so a
new year is linked against the lineages already there (transforms/matching/incremental.py).
`rebuild=True` matches every plan again. Existing lineage ids are passed back to the
matcher either way, so ids stay stable. Matching is one task for all plans (vectorised
inside), never one task per plan item.

Run it: `from flows.link import link_plans; link_plans(db="data/ipplans.duckdb")`;
`ipplans run` calls it when the tasks or the overrides changed since the last matching.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.steps import (check_links, check_run_files, load_registry_and_catalogue, match, open_warehouse, overrides_file,
                         progress_advance, progress_start, read_link_inputs, read_overrides_text, write_links)
from transforms.matching.overrides import parse_overrides
from warehouse.link_state import link_fingerprint, record_linked
from warehouse.load import transaction

LINK = "link"


@dataclass
class LinkSummary:
    """How many links, lineages and plan changes the matching wrote, and which plans it matched."""

    links: int = 0
    lineages: int = 0
    plan_changes: int = 0
    overrides: int = 0
    warnings: list[str] = field(default_factory=list)
    matched_plans: list[str] = field(default_factory=list)  # later plans of the steps matched
    kept_plans: int = 0  # leading plans whose links were kept as they were


read_inputs_task = task(read_link_inputs, name="read-tasks", cache_policy=NO_CACHE)
read_overrides_task = task(read_overrides_text, name="read-overrides", cache_policy=NO_CACHE)
match_task = task(match, name="match", cache_policy=NO_CACHE)
write_task = task(write_links, name="write-links", cache_policy=NO_CACHE)
validate_task = task(check_links, name="validate-links", cache_policy=NO_CACHE)


@flow(name="link-plans")
def link_plans(db: str | None = None, overrides: str | None = None, rebuild: bool = False) -> LinkSummary:
    """Match the plans that are new or changed (all of them with `rebuild`) against the
    lineages already there; write and check in one transaction."""
    progress_start(LINK, 1)
    check_run_files(db, None, overrides)  # every decision names a known plan; PlanError names file and line
    registry, _ = load_registry_and_catalogue()
    overrides_text = read_overrides_task(overrides or overrides_file(db))
    decisions = parse_overrides(overrides_text)
    with open_warehouse(db) as con:
        fingerprint = link_fingerprint(con, overrides_text)
        tasks, previous_lineage, prior = read_inputs_task(con, registry, rebuild)
        result = match_task(tasks, previous_lineage, decisions, prior)
        with transaction(con):
            write_task(con, result)
            warnings = validate_task(con)
            record_linked(con, fingerprint)
    progress_advance(LINK)
    return LinkSummary(links=len(result.links), lineages=_distinct(result.lineage, "lineage_id"),
                       plan_changes=len(result.plan_changes), overrides=len(decisions), warnings=warnings,
                       matched_plans=result.matched_plans, kept_plans=result.kept_plans)


def _distinct(frame, column: str) -> int:
    return int(frame[column].nunique()) if column in frame else 0
