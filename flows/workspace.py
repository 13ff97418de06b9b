"""Where a run's files are: one `Workspace`, derived from `--db` and the environment in one place.

Everything a run reads or writes besides its inputs lives beside the DuckDB file (`data/` by
default), so two warehouses never share a cache, an inbox or curated decisions:

    data/ipplans.duckdb        the warehouse ($IPPLANS_DB, or --db)
    data/inbox/                files waiting to be ingested (processed/, rejected/ inside)
    data/link_overrides.csv    link decisions a person made
    data/http-cache/           official pages fetched before (ETag / Last-Modified)
    data/gx/                   Great Expectations results and Data Docs, when asked for
    reports/                   report files, under the current directory (--out)
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
        """The curated link decisions as text; a missing file means none."""
        return self.overrides.read_text(encoding="utf-8-sig") if self.overrides.is_file() else ""
