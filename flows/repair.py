"""Finish what a stopped run left half-done, before any command reads the warehouse.

A run killed between loading a plan and linking it leaves the plan loaded but not linked
(`plans.linked = false`). `ipplans plans` shows that state and `ipplans validate` fails on it;
every other command that opens the warehouse links those plans first (the link flow, as
`ipplans link` runs it), so nothing it prints or writes rests on a half-done run.
`run`, `ingest`, `link` and `remove` do the same inside their own flows.
"""

from __future__ import annotations

from pathlib import Path

# Commands that show the half-done state rather than repair it, those that repair it in their own
# flows, and those that never open the warehouse.
SHOW_STATE = frozenset({"plans", "validate"})
REPAIR_IN_FLOW = frozenset({"run", "ingest", "link", "remove"})
NO_WAREHOUSE = frozenset({"server", "serve"})


def needs_repair_check(command: str) -> bool:
    return command not in SHOW_STATE | REPAIR_IN_FLOW | NO_WAREHOUSE


def half_done_plans(db: Path) -> list[str]:
    """Plans loaded but not linked in the warehouse at `db` (none when there is no warehouse yet)."""
    from warehouse.connection import open as open_warehouse
    from warehouse.link_state import unlinked_plans

    if not db.is_file():
        return []
    with open_warehouse(db, "read") as con:
        return unlinked_plans(con)


def link_half_done(db: Path, *, temporary_server: bool = False, announce=print) -> bool:
    """Link the plans a stopped run left unlinked; False when that link failed (it says why)."""
    plans = half_done_plans(db)
    if not plans:
        return True
    from flows import api

    announce(f"plans {', '.join(plans)} were loaded but not linked (a run stopped before its link step): "
             "linking them first")
    try:
        links = api.link(db=db, temporary_server=temporary_server)
    except Exception as exc:  # noqa: BLE001 — said, and the command stops (flows/cli.py)
        announce(f"FAILED   link: {exc}")
        return False
    announce(f"links: {links.links}, lineages: {links.lineages}, plan changes: {links.plan_changes}")
    return True
