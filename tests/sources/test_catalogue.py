"""The packaged plan catalogue and user overrides."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest

from sources.catalogue import COLUMNS, entry_for_period, load_catalogue
from transforms.models import PlanError

HEADER = ",".join(COLUMNS)


def test_packaged_catalogue_covers_2009_to_2025_once():
    catalogue = load_catalogue()

    years = [year for entry in catalogue for year in range(entry.period_start, entry.period_end + 1)]
    assert years == list(range(2009, 2026))
    assert [entry.period for entry in catalogue][-4:] == ["2021-2022", "2023", "2024", "2025"]
    assert all(entry.title and str(entry.period_start) in entry.title for entry in catalogue
               if entry.period != "2021-2022")


def test_official_urls_are_only_government_pages_with_the_text():
    catalogue = load_catalogue()

    with_url = {entry.period: urlsplit(entry.official_url).hostname for entry in catalogue if entry.official_url}
    assert with_url == {"2020": "www.gov.cn", "2021-2022": "www.cnipa.gov.cn"}


def test_known_facts_of_2020_and_2021_2022():
    catalogue = load_catalogue()

    plan_2020 = entry_for_period(catalogue, 2020, 2020)
    assert (plan_2020.doc_number, plan_2020.issued_on, plan_2020.tasks_stated) == (
        "国知战联办〔2020〕5号", dt.date(2020, 5, 13), 100)
    assert plan_2020.official_url == "http://www.gov.cn/zhengce/zhengceku/2020-05/15/content_5511913.htm"
    plan_2021 = entry_for_period(catalogue, 2021, 2022)
    assert (plan_2021.doc_number, plan_2021.issued_on, plan_2021.tasks_stated) == (
        "国知战联办〔2021〕16号", dt.date(2021, 12, 27), 115)
    assert plan_2021.title == "知识产权强国建设纲要和“十四五”规划实施年度推进计划"


def test_unknown_facts_stay_blank():
    plan_2015 = entry_for_period(load_catalogue(), 2015, 2015)

    assert plan_2015.title == "2015年国家知识产权战略实施推进计划"
    assert (plan_2015.doc_number, plan_2015.issued_on, plan_2015.issuer, plan_2015.official_url,
            plan_2015.tasks_stated) == (None, None, None, None, None)


def test_entry_for_period_needs_the_exact_period():
    catalogue = load_catalogue()

    assert entry_for_period(catalogue, 2021, 2021) is None
    assert entry_for_period(catalogue, 2030, 2030) is None


def test_extra_rows_override_and_extend_by_period(tmp_path):
    extra = tmp_path / "catalogue.csv"
    extra.write_text("\ufeff" + HEADER + "\n"
                     "2015,2015年国家知识产权战略实施推进计划,,2015-04-20,某办公室,https://www.cnipa.gov.cn/art/x.html,80,checked\n"
                     "2026-2027,2026年推进计划,,,,,,\n", encoding="utf-8")

    catalogue = load_catalogue(extra)

    plan_2015 = entry_for_period(catalogue, 2015, 2015)
    assert (plan_2015.issued_on, plan_2015.tasks_stated, plan_2015.notes) == (dt.date(2015, 4, 20), 80, "checked")
    added = catalogue[-1]
    assert (added.period, added.period_start, added.period_end, added.issuer) == ("2026-2027", 2026, 2027, None)
    assert len(catalogue) == len(load_catalogue()) + 1
    assert entry_for_period(catalogue, 2020, 2020) == entry_for_period(load_catalogue(), 2020, 2020)


@pytest.mark.parametrize("body, problem", [
    ("period,title\n2015,x\n", "catalogue columns must be"),
    ("2015年,x,,,,,,\n", "is not YYYY or YYYY-YYYY"),
    ("2022-2021,x,,,,,,\n", "must end in a later year"),
    ("2015,x,,2015年4月,,,,\n", "is not an ISO date"),
    ("2015,x,,,,www.gov.cn/x.htm,,\n", "is not an http(s) URL"),
    ("2015,x,,,,,100余项,\n", "is not a positive whole number"),
    ("2015,x,,,,,\n", "expected 8 cells"),
    ("2015,x,,,,,,\n2015,y,,,,,,\n", "period 2015 appears twice"),
])
def test_bad_extra_rows_name_the_file_and_the_problem(tmp_path, body, problem):
    extra = tmp_path / "mine.csv"
    extra.write_text(body if body.startswith("period") else HEADER + "\n" + body, encoding="utf-8")

    with pytest.raises(PlanError) as raised:
        load_catalogue(extra)

    assert str(extra) in str(raised.value)
    assert problem in str(raised.value)


def test_missing_extra_file_is_a_plan_error(tmp_path):
    with pytest.raises(PlanError, match="cannot read catalogue"):
        load_catalogue(tmp_path / "absent.csv")
