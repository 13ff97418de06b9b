"""The packaged department registry: loading, caching, and agreement with the shared reference notes."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import opencc
import pytest

from sources.registry import (CHAR_VARIANTS_CSV, DEPARTMENTS_CSV, LINEAGE_CSV, load_department_registry,
                              read_rows)
from transforms.departments import CATEGORIES, normalise_name

REFERENCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference"
# Sub-units the reference lists as rows; the registry folds them into their parent body by year.
SUB_UNITS = {"tmo": {2017: "saic", 2018: "cnipa"}, "defense_ipo": {2015: "gad", 2016: "cmc_edd"}}
# Conventional Japanese renderings that are names of their own, not character variants of a Chinese name.
JAPANESE_RENDERINGS = {"工業情報化部", "文化観光部", "税関総署"}


@pytest.fixture(scope="module")
def registry():
    return load_department_registry()


def reference_rows() -> list[dict]:
    return read_rows(REFERENCE / "departments.csv")


def reference_lineage(row: dict) -> str:
    """The `lineage=<id>` token that opens the reference notes."""
    return row["notes"].split("|", 1)[0].strip().removeprefix("lineage=").split()[0]


def year_of(row: dict) -> int:
    """A year in which the reference body existed under its own name (not the reform year that ended it)."""
    return int(row["valid_to"]) - 1 if row["valid_to"] else 2024


def test_the_registry_is_loaded_once_per_path():
    assert load_department_registry() is load_department_registry(DEPARTMENTS_CSV, LINEAGE_CSV)


def test_other_files_give_their_own_registry(tmp_path):
    departments, lineage = tmp_path / "departments.csv", tmp_path / "department_lineage.csv"
    shutil.copy(LINEAGE_CSV, lineage)
    rows = read_rows(DEPARTMENTS_CSV)
    for row in rows:
        if row["department_id"] == "cnipa":
            row["aliases"] += ";知产总局"
    with departments.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    custom = load_department_registry(departments, lineage)
    assert custom is not load_department_registry()
    assert custom.resolve("知产总局", 2020).department_id == "cnipa"
    assert load_department_registry().resolve("知产总局", 2020).department_id is None


def test_every_department_has_a_known_category_and_readable_years(registry):
    for department in registry.departments():
        assert department.category in CATEGORIES, department.department_id
        if department.valid_from is not None and department.valid_to is not None:
            assert department.valid_from <= department.valid_to, department.department_id


def test_collective_actors_are_the_joint_meeting_and_generic_tokens(registry):
    collective = {d.department_id for d in registry.departments() if d.category == "collective"}
    assert collective == {"jm_office", "jm_members", "generic_unspecified"}


@pytest.mark.parametrize("row", reference_rows(), ids=lambda row: row["canonical_id"])
def test_every_reference_body_is_in_the_registry_with_the_same_line(registry, row):
    if row["canonical_id"] in SUB_UNITS:
        for year, parent in SUB_UNITS[row["canonical_id"]].items():
            assert registry.resolve(row["short_name"], year).department_id == parent
        return
    assert registry.department(row["canonical_id"]).official_name == row["canonical_name"]
    assert registry.lineage_id(row["canonical_id"]) == reference_lineage(row)


@pytest.mark.parametrize("row", [r for r in reference_rows() if r["canonical_id"] not in SUB_UNITS],
                         ids=lambda row: row["canonical_id"])
def test_every_reference_alias_resolves_to_the_body_carrying_it(registry, row):
    # the carrier is the body itself, except for 国家版权局: only a plate of another body since 2001
    year = year_of(row)
    carrier = registry.carrier_in(row["canonical_id"], year)
    resolved = {alias: registry.resolve(alias, year).department_id for alias in row["aliases"].split(";")}
    assert {alias: got for alias, got in resolved.items() if got != carrier} == {}


@pytest.mark.parametrize("name, year, department_id", [
    ("国家环境保护总局", 2007, "sepa"),
    ("信息产业部", 2007, "mii"),
    ("国务院信息化工作办公室", 2007, "scito"),
    ("人事部", 2007, "mop"),
    ("劳动和社会保障部", 2007, "molss"),
    ("国家人口计生委", 2012, "npfpc"),
    ("国家旅游局", 2017, "cnta"),
    ("国家乡村振兴局", 2022, "nrra"),
    ("国家乡村振兴局", 2024, "mara"),
    ("中央外宣办", 2017, "scio"),
    ("国家网信办", 2012, "cac"),
    ("国家数据局", 2024, "nda"),
    ("国家国际发展合作署", 2020, "cidca"),
])
def test_bodies_of_the_reform_notes_are_in_the_registry(registry, name, year, department_id):
    assert registry.resolve(name, year).department_id == department_id


def test_official_and_short_names_are_already_normalised(registry):
    for department in registry.departments():
        for name in (department.official_name, department.short_name):
            assert registry.normalise(name) == name


def test_every_traditional_or_japanese_alias_is_a_spelling_of_a_simplified_one(registry):
    unmatched = []
    for department in registry.departments():
        own_names = {department.official_name, department.short_name}
        simplified = own_names | {name for name in department.aliases if registry.normalise(name) == name}
        unmatched += [name for name in department.aliases
                      if name not in JAPANESE_RENDERINGS and registry.normalise(name) not in simplified]
    assert unmatched == []


def test_the_variant_table_only_holds_what_opencc_misses():
    t2s = opencc.OpenCC("t2s")
    table = read_rows(CHAR_VARIANTS_CSV)
    assert [row["variant"] for row in table if t2s.convert(row["variant"]) == row["simplified"]] == []


def test_opencc_and_the_variant_table_cover_the_reference_character_table(registry):
    with (REFERENCE / "char_variants.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert [row["variant"] for row in rows if registry.normalise(row["variant"]) != row["simplified"]] == []
    assert normalise_name("著作权") == "著作权"  # the table must never turn 著 into 着
