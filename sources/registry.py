"""Reads the reviewed department registry (`sources/reference/*.csv`) into a `DepartmentRegistry`.

The CSV files are data that a reviewer edits, not code:

* `departments.csv`: one row per body (or collective actor) with its years, category and aliases;
  an alias written `NAME[YYYY-YYYY]` holds only for those years (plate names such as 版权局).
* `department_lineage.csv`: renames, merges, splits, absorptions and plates, one edge per row.
* `conference_members.csv`: the member units a collective actor (联席会议各成员单位) stands for, by
  years, where the reference notes give them; years without rows mean "not known".
* `char_variants.csv`: Japanese character forms that OpenCC does not convert (権 → 权), used only
  for department names.

Registries are cached per file path, so every caller in a process shares one.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

from transforms.departments import DepartmentRegistry

REFERENCE_DIR = Path(__file__).parent / "reference"
DEPARTMENTS_CSV = REFERENCE_DIR / "departments.csv"
LINEAGE_CSV = REFERENCE_DIR / "department_lineage.csv"
CHAR_VARIANTS_CSV = REFERENCE_DIR / "char_variants.csv"
MEMBERS_CSV = REFERENCE_DIR / "conference_members.csv"


def load_department_registry(departments_csv: Path | None = None,
                             lineage_csv: Path | None = None) -> DepartmentRegistry:
    """The registry from the packaged CSVs, or from the files given."""
    departments_csv = Path(departments_csv or DEPARTMENTS_CSV).resolve()
    lineage_csv = Path(lineage_csv or LINEAGE_CSV).resolve()
    return _load(departments_csv, lineage_csv)


@functools.cache
def _load(departments_csv: Path, lineage_csv: Path) -> DepartmentRegistry:
    return DepartmentRegistry.from_rows(read_rows(departments_csv), read_rows(lineage_csv),
                                        char_variants=read_rows(CHAR_VARIANTS_CSV),
                                        memberships=read_rows(MEMBERS_CSV))


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
