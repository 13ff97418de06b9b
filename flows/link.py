"""Flow `link`: match the tasks of every plan into lineages across years.

Reads the warehouse's tasks (with resolved departments), the lineage ids already given,
and the curated overrides (`workspace.overrides`; a missing file means none). Writes the
links, lineage and plan changes, then checks them with the link suite
(`expectations.gate.check_link_load`), all in one transaction: when a blocking check fails,
nothing of the new matching is kept. Each task is one library call.

The run is incremental: the plans that did not change since the last matching keep
their links, and only the plans from the first new or changed one on are matched, so a
new year is linked against the lineages already there (transforms/matching/incremental.py).
`rebuild=True` matches every plan again. Existing lineage ids are passed back to the
matcher either way, so ids stay stable. Matching is one task for all plans (vectorised
inside), never one task per plan.

Run it: `ipplans link`, or `link(Workspace.at("data/ipplans.duckdb"))`; `ipplans run` and
`ipplans ingest` run it when the tasks or the overrides changed since the last matching.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from prefect import task
from prefect.cache_policies import NO_CACHE

from expectations.gate import check_link_load
from flows.parameters import flow
from flows.progress import SILENT, Progress
from flows.workspace import Workspace
from sources.registry import load_department_registry
from transforms.matching.overrides import parse_overrides
from warehouse.connection import open as open_warehouse
from warehouse.link_state import link_fingerprint, record_linked
from warehouse.links import read_previous_lineage, read_prior_matching, read_tasks_frame, write_match_result
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
    prefect_ui: str | None = None  # where the flow runs are seen (set by flows.runtime)


read_overrides_task = task(Workspace.read_overrides, name="read-overrides", cache_policy=NO_CACHE)
read_tasks_task = task(read_tasks_frame, name="read-tasks", cache_policy=NO_CACHE)
read_lineage_task = task(read_previous_lineage, name="read-lineage", cache_policy=NO_CACHE)
read_prior_task = task(read_prior_matching, name="read-prior-matching", cache_policy=NO_CACHE)
write_task = task(write_match_result, name="write-links", cache_policy=NO_CACHE)
validate_task = task(check_link_load, name="validate-links", cache_policy=NO_CACHE)



@task(name="match", cache_policy=NO_CACHE)
def match_task(tasks, previous_lineage, overrides, prior=None):
    """`transforms.matching.matcher.match_plans`, imported here: the matcher costs a second to import,
    which `flows/runtime.py` spends in a background thread while Prefect starts."""
    from transforms.matching.matcher import match_plans

    return match_plans(tasks, previous_lineage, overrides, prior=prior)


@flow(name="link")
def link(workspace: Workspace | None = None, rebuild: bool = False, progress: Progress | None = None) -> LinkSummary:
    """Match the plans that are new or changed (all of them with `rebuild`) against the
    lineages already there; write and check in one transaction."""
    workspace, progress = workspace or Workspace.at(), progress or SILENT
    progress.start(LINK, 1)
    overrides_text = read_overrides_task(workspace)  # every decision names a known plan, else PlanError
    decisions = parse_overrides(overrides_text)
    with open_warehouse(workspace.db, "write") as con:
        fingerprint = link_fingerprint(con, overrides_text)
        tasks = read_tasks_task(con, load_department_registry())
        lineage = read_lineage_task(con)
        prior = None if rebuild else read_prior_task(con)
        result = match_task(tasks, lineage, decisions, prior=prior)
        with transaction(con):
            write_task(con, result)
            warnings = validate_task(con)
            record_linked(con, fingerprint)
    progress.advance(LINK)
    return LinkSummary(links=len(result.links), lineages=_distinct(result.lineage, "lineage_id"),
                       plan_changes=len(result.plan_changes), overrides=len(decisions), warnings=warnings,
                       matched_plans=result.matched_plans, kept_plans=result.kept_plans)


def _distinct(frame, column: str) -> int:
    return int(frame[column].nunique()) if column in frame else 0
