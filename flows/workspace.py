"""Where a run's files are: one `Workspace`, derived from `--db` and the environment in one place.

Everything a run reads or writes besides its inputs lives beside the DuckDB file (`data/` by
default), so two warehouses never share a cache, an inbox or curated decisions:

    data/ipplans.duckdb        the warehouse ($IPPLANS_DB, or --db)
    data/inbox/                files waiting to be ingested (processed/, rejected/ inside)
    data/link_overrides.csv    link decisions a person made (--overrides)
    data/http-cache/           official pages fetched before (ETag / Last-Modified)
    data/gx/                   Great Expectations results and Data Docs, when asked for
    reports/                   report files, under the current directory (--out)

Every command and flow takes its paths from a Workspace (`Workspace.at(db, ...)`); no other
module joins a folder name to the warehouse's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from warehouse.connection import default_db_path

DEFAULT_REPORTS = Path("reports")


@dataclass(frozen=True)
class Workspace:
    db: Path
    inbox: Path
    reports: Path
    overrides: Path
    http_cache: Path
    gx_results: Path

    @classmethod
    def at(cls, db: str | Path | None = None, *, inbox: str | Path | None = None,
           reports: str | Path | None = None, overrides: str | Path | None = None) -> Workspace:
        """The workspace of the warehouse `db` (default: $IPPLANS_DB or data/ipplans.duckdb);
        the keyword arguments replace one folder or file each (the CLI's --inbox, --out, --overrides)."""
        db = Path(db) if db is not None else default_db_path()
        beside = db.parent
        return cls(db=db,
                   inbox=Path(inbox) if inbox is not None else beside / "inbox",
                   reports=Path(reports) if reports is not None else DEFAULT_REPORTS,
                   overrides=Path(overrides) if overrides is not None else beside / "link_overrides.csv",
                   http_cache=beside / "http-cache",
                   gx_results=beside / "gx")

    def overrides_text(self) -> str:
        """The curated link decisions as text, unchecked (for fingerprints); a missing file means none."""
        return self.overrides.read_text(encoding="utf-8-sig") if self.overrides.is_file() else ""

    def read_overrides(self, catalogue_file: str | Path | None = None) -> str:
        """The curated link decisions, every row checked: each must name a plan of the catalogue (with
        `catalogue_file`'s rows) or of the warehouse. A bad catalogue or overrides file raises PlanError
        naming the file and line, so a run calls this before it reads or loads any source."""
        from sources.catalogue import load_catalogue
        from sources.overrides import read_overrides_file

        catalogue = load_catalogue(Path(catalogue_file) if catalogue_file else None)
        return read_overrides_file(self.overrides, {entry.period for entry in catalogue} | self._loaded_plans())

    def _loaded_plans(self) -> set[str]:
        if not self.db.exists():
            return set()
        from warehouse.connection import open as open_warehouse
        from warehouse.freshness import loaded_plans

        with open_warehouse(self.db, "read") as con:
            return loaded_plans(con)
