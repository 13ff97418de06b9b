"""Work only when there is work: before any flow starts, compare the inputs with the warehouse.

An input is new when the warehouse holds no source of its name with its bytes' sha256 (a file
waiting in the inbox always is: it has to be moved to processed/ or rejected/): files are hashed here; an official page is asked for with its cached validators
(ETag / Last-Modified, `data/http-cache/`), which costs one small request when it has not
changed. Links are current when the fingerprint of the tasks and the overrides matches the last
matching's; reports are current when `overview.html` is newer than the last load or matching.

When nothing is new and links and reports are current, `ipplans run` says so and exits 0
without importing Prefect, Great Expectations or the matcher. That no-op is still recorded in
the run history (`runs`, outcome ok, "nothing new …") so a scheduled check leaves a trace; it
is not a Prefect flow run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from flows.workspace import Workspace
from sources.inputs import INBOX, Input, file_sha256, is_url

OVERVIEW = "overview.html"


@dataclass
class Freshness:
    """What the quick check found; `up_to_date` means there is nothing for a flow to do."""

    digests: dict[str, str | None] = field(default_factory=dict)  # location -> sha256 (None: unknown)
    new: list[Input] = field(default_factory=list)
    links_current: bool = False
    reports_current: bool = True  # always, for commands that write no reports

    @property
    def up_to_date(self) -> bool:
        return not self.new and self.links_current and self.reports_current


def check_freshness(workspace: Workspace, inputs: list[Input], *, reports: bool, fetch_policy=None) -> Freshness:
    """Compare each input's content hash, the links and (with `reports`) the report files with the warehouse."""
    found = Freshness()
    if not workspace.db.exists():
        found.new = list(inputs)
        return found
    from warehouse.connection import open as open_warehouse
    from warehouse.freshness import last_change, loaded_sources
    from warehouse.link_state import links_current

    with open_warehouse(workspace.db, "read") as con:
        loaded = loaded_sources(con)
        for item in inputs:
            name, sha256 = _digest(item, workspace, fetch_policy)
            found.digests[item.location] = sha256
            # a file waiting in the inbox is work even when its content is loaded: it must be filed away
            if sha256 is None or loaded.get(name) != sha256 or item.origin == INBOX:
                found.new.append(item)
        found.links_current = links_current(con, workspace.overrides_text())
        if reports:
            found.reports_current = reports_current(workspace.reports, last_change(con))
    return found


def reports_current(folder: Path, changed_at: dt.datetime | None) -> bool:
    """The overview exists and was written after the last load or matching."""
    overview = Path(folder) / OVERVIEW
    if not overview.is_file():
        return False
    if changed_at is None:
        return True
    written = dt.datetime.fromtimestamp(overview.stat().st_mtime, dt.timezone.utc).replace(tzinfo=None)
    return written >= changed_at


def _digest(item: Input, workspace: Workspace, fetch_policy) -> tuple[str | None, str | None]:
    """(source name, sha256) of what the input holds now; (None, None) when that takes a flow to find out."""
    if not is_url(item.location):
        return Path(item.location).name, file_sha256(item.location)
    from sources.fetch import FetchPolicy, fetch_url, source_name

    try:
        result = fetch_url(item.location, workspace.http_cache, fetch_policy or FetchPolicy())
    except Exception:  # noqa: BLE001 — any trouble is the flow's to report, with the source's name
        return None, None
    return source_name(result.final_url), result.sha256
