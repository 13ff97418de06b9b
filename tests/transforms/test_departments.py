"""Department resolution against the real registry and the real plans in ../shared/plans."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from sources.registry import load_department_registry
from transforms.departments import (DepartmentRegistry, addressed_departments, normalise_name,
                                    resolve_addressees, resolve_task_departments)

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
PLANS = SHARED / "plans"
# The last （…负责） group of a line; Traditional copies print (…負責) and 按職責分別.
CLAUSE = re.compile(r"[（(]([^（）()]+?)(?:按(?:职责|職責)(?:分别|分別|分工)?)?(?:负责|負責)[）)]")


@pytest.fixture(scope="module")
def registry() -> DepartmentRegistry:
    return load_department_registry()


def plan_files() -> list[tuple[str, int]]:
    with (PLANS / "MANIFEST.csv").open(encoding="utf-8") as handle:
        return [(row["file"], int(row["plan_period"][:4])) for row in csv.DictReader(handle)]


def clause_names(text: str) -> list[list[str]]:
    """Department names of every clause, one list per clause. Every line is read, not only numbered
    ones: the 2020 plan breaks task 24 so that its clause stands on a line of its own."""
    clauses = []
    for line in text.splitlines():
        groups = CLAUSE.findall(line)
        if groups:
            clauses.append(groups[-1].split("、"))
    return clauses


def addressee_names(text: str) -> list[str]:
    """The addressee list (主送): the first line listing names with 、 and ending in a colon."""
    line = next(line.strip() for line in text.splitlines() if "、" in line and line.rstrip().endswith(("：", ":")))
    return line.rstrip("：:").split("、")


def read_plan(name: str) -> str:
    return (PLANS / name).read_text(encoding="utf-8")


# --- normalisation ------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, key", [
    ("  知识产权局\u3000", "知识产权局"),
    ("知 识 产 权 局", "知识产权局"),
    ("國(guó)家知識產權局", "国家知识产权局"),
    ("知【zhī】识产权局", "知识产权局"),
    ("中(zhōng)國(guó)科協", "中国科协"),
    ("国家知識産権局", "国家知识产权局"),
    ("中央宣传部（国家版权局）", "中央宣传部(国家版权局)"),
])
def test_normalise_name_gives_one_key_per_spelling(registry, raw, key):
    assert registry.normalise(raw) == key


def test_japanese_forms_need_the_variant_table_beyond_opencc(registry):
    assert normalise_name("国家知識産権局") == "国家知识产権局"  # OpenCC alone leaves 権
    assert registry.normalise("国家知識産権局") == "国家知识产权局"


# --- resolution by name and year ----------------------------------------------------------------

@pytest.mark.parametrize("raw, year, department_id", [
    ("知識產權局", 2021, "cnipa"),
    ("市場監管總局", 2021, "samr"),
    ("銀保監會", 2021, "cbirc"),
    ("中央軍委裝備發展部", 2021, "cmc_edd"),
    ("國資委", 2021, "sasac"),
    ("中醫藥局", 2021, "natcm"),
])
def test_traditional_forms_resolve(registry, raw, year, department_id):
    assert registry.resolve(raw, year).department_id == department_id


@pytest.mark.parametrize("raw, department_id", [
    ("国家知識産権局", "cnipa"),
    ("市場監管総局", "samr"),
    ("発展改革委", "ndrc"),
    ("証監会", "csrc"),
    ("税関総署", "gacc"),
    ("文化観光部", "mct"),
])
def test_japanese_forms_resolve(registry, raw, department_id):
    assert registry.resolve(raw, 2020).department_id == department_id


@pytest.mark.parametrize("raw, department_id", [
    ("国家林草局", "nfgra"),
    ("国家国防科工局", "sastind"),
    ("国家卫生健康委", "nhc"),
    ("国家知识产权局", "cnipa"),
    ("国家发展改革委", "ndrc"),
    ("中国人民银行", "pbc"),
    ("国务院国资委", "sasac"),
    ("中国科学院", "cas"),
    ("中国贸促会", "ccpit"),
    ("中国证监会", "csrc"),
    ("国家中医药局", "natcm"),
    ("国家邮政局", "spb"),
    ("金融监管总局", "nfra"),
])
def test_prefixed_names_of_the_2024_plans_resolve(registry, raw, department_id):
    assert registry.resolve(raw, 2024).department_id == department_id


def test_a_polluted_name_resolves_like_the_clean_one(registry):
    resolution = registry.resolve(" 國(guó)務(wù)院國資委\u3000", 2024)
    assert (resolution.name, resolution.department_id, resolution.kind) == ("国务院国资委", "sasac", "department")


@pytest.mark.parametrize("raw, year, department_id", [
    ("版权局", 2010, "gapp"),
    ("版权局", 2012, "gapp"),
    ("国家版权局", 2013, "sapprft"),
    ("版权局", 2016, "sapprft"),
    ("版權局", 2017, "sapprft"),
    ("国家版权局", 2018, "cpd"),
    ("版权局", 2020, "cpd"),
    ("国家新闻出版署", 2020, "cpd"),
    ("国家电影局", 2020, "cpd"),
    ("国务院新闻办", 2016, "scio"),
    ("国务院新闻办", 2020, "cpd"),
    ("国家认监委", 2016, "cnca"),
    ("国家认监委", 2020, "samr"),
    ("国家反垄断局", 2022, "samr"),
    ("国家外国专家局", 2020, "most"),
    ("国家外国专家局", 2024, "mohrss"),
    ("国家公园管理局", 2020, "nfgra"),
    ("商标局", 2016, "saic"),
    ("商标局", 2020, "cnipa"),
])
def test_plate_and_sub_unit_names_resolve_to_their_carrier_of_the_year(registry, raw, year, department_id):
    assert registry.resolve(raw, year).department_id == department_id


@pytest.mark.parametrize("raw, year, department_id", [
    ("新闻出版广电总局（版权局）", 2016, "sapprft"),
    ("新闻出版广电总局(国家版权局)", 2016, "sapprft"),
    ("中央宣传部（国家版权局）", 2020, "cpd"),
    ("中宣部（版权局）", 2020, "cpd"),
    ("新闻出版总署（版权局）", 2011, "gapp"),
])
def test_a_body_written_with_its_own_plate_is_that_body(registry, raw, year, department_id):
    assert registry.resolve(raw, year).department_id == department_id


def test_a_body_written_with_a_plate_it_did_not_carry_that_year_keeps_it_as_a_note(registry):
    # In 2016 the copyright plate was on 新闻出版广电总局, not on 中央宣传部: the name is 中央宣传部,
    # the parenthesis a note, never a reason to call the name unknown
    resolution = registry.resolve("中央宣传部（国家版权局）", 2016)
    assert (resolution.department_id, resolution.note) == ("cpd", "国家版权局")


@pytest.mark.parametrize("raw, year, department_id, note", [
    ("国家知识产权局（商标局、专利局）", 2024, "cnipa", "商标局、专利局"),
    ("市场监管总局（国家标准委）", 2020, "samr", None),          # a plate of the body: no note
    ("中央宣传部(国家电影局)", 2020, "cpd", None),
    ("國家知識產權局（專利局）", 2024, "cnipa", "专利局"),
    ("财政部（国库司）", 2020, "mof", "国库司"),
])
def test_a_parenthesised_note_after_a_name_resolves_or_stays_a_note(registry, raw, year, department_id, note):
    resolution = registry.resolve(raw, year)
    assert (resolution.department_id, resolution.note) == (department_id, note)


def test_an_unknown_body_with_a_note_stays_unknown(registry):
    assert registry.resolve("火星部（专利局）", 2020).kind == "unknown"


def test_the_conference_members_by_period(registry):
    members = registry.members_of("jm_members", 2024)
    assert len(members) == 29 and {"cnipa", "cpd", "samr"} <= members
    assert not {"coo", "cpl", "cac", "cast", "nfra", "csrc"} & members  # named non-members
    assert registry.members_of("jm_members", 2020) is None  # not given by the reference notes


def test_a_collective_addressee_stands_for_its_members(registry):
    coverage = addressed_departments(["国家知识产权强国建设工作部际联席会议各成员单位", "中央政法委"], registry, 2025)
    assert {"cnipa", "cpl", "jm_members"} <= coverage.department_ids and coverage.unexpanded == ()
    earlier = addressed_departments(["联席会议各成员单位", "中央政法委"], registry, 2021)
    assert earlier.unexpanded == ("联席会议各成员单位",)


def test_a_body_with_its_plate_counts_once_in_a_task(registry):
    rows = resolve_task_departments(
        [{"plan_id": "2016", "task_key": "1.2", "departments": ["新闻出版广电总局（版权局）", "法制办"]}], registry, 2016)
    assert [(r["position"], r["department_id"], r["lineage_id"]) for r in rows] == [(1, "sapprft", "cpd"),
                                                                                    (2, "lao", "moj")]


@pytest.mark.parametrize("year, department_id", [(2010, "sarft"), (2013, "sarft"), (2018, "nrta"), (2020, "nrta")])
def test_guangdian_zongju_means_a_different_body_before_2013_and_from_2018(registry, year, department_id):
    resolution = registry.resolve("广电总局", year)
    assert (resolution.department_id, resolution.lineage_id) == (department_id, "nrta")


def test_guangdian_zongju_between_the_reforms_is_flagged_not_guessed(registry):
    # 2014-2017: neither SARFT nor NRTA existed; plans of those years write 新闻出版广电总局
    assert registry.resolve("广电总局", 2015).department_id is None


@pytest.mark.parametrize("raw, year, department_id", [
    ("保监会", 2016, "circ"),
    ("银保监会", 2020, "cbirc"),
    ("银监会", 2016, "cbrc"),
    ("国防知识产权局", 2020, "cmc_edd"),
    ("国防知识产权局", 2012, "gad"),
    ("新闻出版广电总局", 2016, "sapprft"),
    ("市场监管总局", 2020, "samr"),
    ("金融监管总局", 2024, "nfra"),
    ("中国科学院", 2024, "cas"),
    ("中国工程院", 2024, "cae"),
])
def test_names_containing_other_names_resolve_exactly(registry, raw, year, department_id):
    assert registry.resolve(raw, year).department_id == department_id


@pytest.mark.parametrize("raw", ["监管总局", "北京市知识产权局", "国家知识产权局代章", "科学院", "数据"])
def test_fragments_and_local_bodies_are_not_matched_by_substring(registry, raw):
    assert registry.resolve(raw, 2020).department_id is None


@pytest.mark.parametrize("raw, year, department_id", [
    ("联席会议办公室", 2020, "jm_office"),
    ("联席会议成员单位", 2020, "jm_members"),
    ("联席会议有关成员单位", 2025, "jm_members"),
    ("各成员单位", 2024, "jm_members"),
    ("国家知识产权强国建设工作部际联席会议各成员单位", 2024, "jm_members"),
    ("聯席會議辦公室", 2021, "jm_office"),
])
def test_collective_actors_are_their_own_kind(registry, raw, year, department_id):
    resolution = registry.resolve(raw, year)
    assert (resolution.department_id, resolution.kind) == (department_id, "collective")


def test_an_unknown_name_is_kept_flagged_and_not_guessed(registry):
    rows = resolve_task_departments(
        [{"plan_id": "2020", "task_key": "3.1.40", "departments": ["知识产权局", "火星知识产权局", "商务部"]}],
        registry, 2020)
    assert rows[1] == {"plan_id": "2020", "task_key": "3.1.40", "position": 2, "raw_name": "火星知识产权局",
                       "department_id": None, "lineage_id": None, "role": "co", "kind": "unknown"}
    assert [r["department_id"] for r in rows] == ["cnipa", None, "mofcom"]


def test_the_first_named_department_leads(registry):
    rows = resolve_task_departments(
        [{"plan_id": "2020", "task_key": "1.1.2", "departments": ["最高人民法院", "司法部", "知识产权局"]}],
        registry, 2020)
    assert [(r["position"], r["role"]) for r in rows] == [(1, "lead"), (2, "co"), (3, "co")]


def test_find_takes_an_id_or_any_name(registry):
    assert registry.find("cnipa").short_name == "知识产权局"
    assert registry.find("广电总局").department_id == "nrta"  # without a year: the newest body of that name
    assert registry.find("广电总局", 2010).department_id == "sarft"
    assert registry.find("知識產權局").department_id == "cnipa"
    assert registry.find("火星知识产权局") is None


def test_departments_in_a_year_follow_the_reforms(registry):
    in_2016 = {d.department_id for d in registry.departments_in(2016)}
    in_2020 = {d.department_id for d in registry.departments_in(2020)}
    assert {"saic", "sapprft", "lao", "moa", "cbrc", "circ", "cmc_edd"} <= in_2016
    assert not {"samr", "cbirc", "nrta", "mara"} & in_2016
    assert {"gad", "cmc_edd"} <= in_2016  # reform years list both the old and the new body
    assert {"samr", "cbirc", "nrta", "mara", "cpd"} <= in_2020
    assert not {"saic", "sapprft", "lao", "moa", "nfra"} & in_2020


# --- lineage ------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, department_id, lineage_id", [
    ("法制办", "lao", "moj"),
    ("版权局", "sapprft", "cpd"),
    ("工商总局", "saic", "samr"),
    ("农业部", "moa", "mara"),
    ("林业局", "sfa", "nfgra"),
    ("环境保护部", "mep", "mee"),
    ("质检总局", "aqsiq", "samr"),
    ("中央军委装备发展部", "cmc_edd", "cmc_edd"),
])
def test_names_of_2016_carry_the_lineage_of_today(registry, raw, department_id, lineage_id):
    resolution = registry.resolve(raw, 2016)
    assert (resolution.department_id, resolution.lineage_id) == (department_id, lineage_id)


@pytest.mark.parametrize("department_id, year, carrier", [
    ("saic", 2017, "saic"),
    ("saic", 2020, "samr"),
    ("cbirc", 2022, "cbirc"),
    ("cbirc", 2024, "nfra"),
    ("cbrc", 2016, "cbrc"),
    ("cbrc", 2020, "cbirc"),
    ("cbrc", 2024, "nfra"),
    ("ncac", 2016, "sapprft"),
    ("ncac", 2020, "cpd"),
    ("gapp", 2020, "cpd"),
    ("sarft", 2015, "sapprft"),
    ("sarft", 2020, "nrta"),
    ("aqsiq", 2015, "aqsiq"),  # a partial transfer in 2013 (food safety) does not end the body
    ("safea", 2020, "most"),
    ("safea", 2024, "mohrss"),
    ("cac", 2024, "cac"),
])
def test_carrier_in_a_year(registry, department_id, year, carrier):
    assert registry.carrier_in(department_id, year) == carrier


def test_a_split_records_which_functions_went_where(registry):
    edges = {e.to_id: e for e in registry.successors("saic") if e.year == 2018}
    assert edges["samr"].primary and edges["samr"].kind == "split"
    assert not edges["cnipa"].primary and "trademark registration" in edges["cnipa"].functions
    assert {e.from_id for e in registry.predecessors("nfra")} >= {"cbirc", "pbc", "csrc"}
    assert registry.lineage_id("sapprft") == "cpd"


def test_every_department_lineage_ends_in_a_body_that_exists_today(registry):
    ends = {registry.lineage_id(d.department_id) for d in registry.departments()}
    assert all(registry.department(end).valid_to is None for end in ends)


# --- registry checks ------------------------------------------------------------------------------

def _row(department_id, aliases, valid_from="", valid_to=""):
    return {"department_id": department_id, "official_name": department_id, "short_name": department_id,
            "category": "agency", "valid_from": valid_from, "valid_to": valid_to, "aliases": aliases}


def test_a_name_two_bodies_share_from_the_same_year_is_rejected():
    with pytest.raises(ValueError, match="means both"):
        DepartmentRegistry.from_rows([_row("a", "甲局"), _row("b", "甲局")], [])


def test_a_department_listed_twice_is_rejected():
    with pytest.raises(ValueError, match="listed twice"):
        DepartmentRegistry.from_rows([_row("a", "甲局"), _row("a", "乙局")], [])


def test_a_shared_name_in_different_years_is_accepted_and_resolved_by_year():
    registry = DepartmentRegistry.from_rows([_row("a", "甲局", "", "2012"), _row("b", "甲局", "2018", "")],
                                            [{"from_id": "a", "to_id": "b", "year": "2018", "kind": "rename"}])
    assert [registry.resolve("甲局", y).department_id for y in (2010, 2015, 2020)] == ["a", None, "b"]
    assert registry.lineage_id("a") == "b"


@pytest.mark.parametrize("edge, problem", [
    ({"from_id": "a", "to_id": "zzz", "year": "2018", "kind": "rename"}, "unknown department"),
    ({"from_id": "a", "to_id": "b", "year": "2018", "kind": "renamed"}, "unknown kind"),
])
def test_bad_lineage_edges_are_rejected(edge, problem):
    with pytest.raises(ValueError, match=problem):
        DepartmentRegistry.from_rows([_row("a", "甲局"), _row("b", "乙局")], [edge])


def test_a_lineage_cycle_is_rejected():
    edges = [{"from_id": "a", "to_id": "b", "year": "2018", "kind": "rename"},
             {"from_id": "b", "to_id": "a", "year": "2019", "kind": "rename"}]
    with pytest.raises(ValueError, match="cycle"):
        DepartmentRegistry.from_rows([_row("a", "甲局"), _row("b", "乙局")], edges)


# --- the real plans -------------------------------------------------------------------------------

@pytest.mark.parametrize("file_name, year", plan_files())
def test_every_clause_name_in_the_shared_plans_resolves(registry, file_name, year):
    names = [name for clause in clause_names(read_plan(file_name)) for name in clause]
    assert [name for name in names if registry.resolve(name, year).kind == "unknown"] == []


def test_the_shared_plans_have_clauses_for_2016_2020_and_2021():
    # guards the test above against a regex that silently finds nothing
    assert {year for name, year in plan_files() if clause_names(read_plan(name))} == {2016, 2020, 2021}


def test_the_2016_plan_names_pre_reform_bodies(registry):
    ids = {registry.resolve(name, 2016).department_id
           for clause in clause_names(read_plan("2016.showlaw.txt")) for name in clause}
    assert {"lao", "sapprft", "saic", "moa", "sfa", "mep", "cmc_edd", "sastind"} <= ids


def test_the_2020_addressees_are_the_departments_of_its_tasks(registry):
    text = read_plan("2020.gov.md")
    addressees = resolve_addressees("2020", addressee_names(text), registry, 2020)
    assert len(addressees) == 38
    assert [row["raw_name"] for row in addressees if row["kind"] != "department"] == []
    task_ids = {registry.resolve(name, 2020).department_id for clause in clause_names(text) for name in clause}
    assert task_ids == {row["department_id"] for row in addressees} | {"jm_office", "jm_members"}


def test_the_2020_tasks_lead_and_co_counts_match_the_reference_tally(registry):
    tasks = [{"plan_id": "2020", "task_key": str(i), "departments": clause}
             for i, clause in enumerate(clause_names(read_plan("2020.gov.md")), start=1)]
    rows = resolve_task_departments(tasks, registry, 2020)
    cnipa = [row for row in rows if row["department_id"] == "cnipa"]
    assert len(tasks) == 100
    assert (len(cnipa), sum(row["role"] == "lead" for row in cnipa)) == (57, 35)


@pytest.mark.parametrize("file_name", ["2021-2022.cnipa.txt", "2021-2022.izubei.txt"])
def test_the_2021_addressees_resolve_in_both_scripts_to_the_2020_list(registry, file_name):
    ids_2021 = [row["department_id"]
                for row in resolve_addressees("2021-2022", addressee_names(read_plan(file_name)), registry, 2021)]
    ids_2020 = [row["department_id"]
                for row in resolve_addressees("2020", addressee_names(read_plan("2020.gov.md")), registry, 2020)]
    assert None not in ids_2021
    assert ids_2021 == ids_2020
