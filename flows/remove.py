"""Flow `remove`: take one source out of the warehouse, then link again what it touched.

The source's rows go in one transaction; its plan is merged again from the copies left, or removed
with its last copy (warehouse.load.remove_source). The link flow then matches every plan again
(`rebuild`): links kept from an incremental history still carry the removed copy's influence (the
matcher's statistics are over all tasks), a rebuild leaves none. Curated overrides
(`link_overrides.csv`) are kept as they are. The removal is recorded in the run history like any run (`command = 'remove'`).
Afterwards the warehouse holds what it would hold had the file never been loaded, lineage ids aside
(ids already given stay stable).

Run it: `ipplans remove 2016.showlaw.txt`, or `remove("2016.showlaw.txt", Workspace.at("data/ipplans.duckdb"))`.
"""

from __future__ import annotations

from dataclasses import dataclass

from prefect import task
from prefect.cache_policies import NO_CACHE

from flows.link import LinkSummary, link
from flows.parameters import flow
from flows.workspace import Workspace
from sources.inputs import COMMAND_LINE
from sources.registry import load_department_registry
from warehouse.connection import open as open_warehouse
from warehouse.load import RemovedSource, remove_source, transaction
from warehouse.runs import recorded_run

remove_task = task(remove_source, name="remove-source", cache_policy=NO_CACHE)


@dataclass
class RemoveSummary:
    removed: RemovedSource
    links: LinkSummary
    ok: bool = True
    prefect_ui: str | None = None  # where the flow runs are seen (set by flows.runtime)


@flow(name="remove")
def remove(source: str, workspace: Workspace | None = None) -> RemoveSummary:
    """Remove `source` (its name as `ipplans sources` lists it) in one transaction, then re-link."""
    workspace = workspace or Workspace.at()
    with recorded_run(workspace.db, "remove", [{"source": source, "origin": COMMAND_LINE, "sha256": None}]) as run:
        with open_warehouse(workspace.db, "write") as con, transaction(con):
            removed = remove_task(con, source, load_department_registry())
        links = link(workspace, rebuild=True)
        what = "and its plan" if removed.plan_removed else f"({removed.copies_left} copies of its plan left)"
        run.finish("ok", f"removed {source} {what}")
    return RemoveSummary(removed, links)
