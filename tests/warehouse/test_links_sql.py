"""The link tables and views (warehouse/sql/06_raw_links.sql, 34_core_links.sql) and warehouse/links.py,
on a warehouse holding the real plans of ../shared/plans."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sources.catalogue import load_catalogue
from sources.read import read_source
from sources.registry import load_department_registry
from transforms.matching.comparisons import SIGNAL_COLUMNS
from transforms.matching.matcher import MatchResult, match_plans
from transforms.parse import parse_plan
from warehouse.connection import connect
from warehouse.link_state import link_fingerprint, record_linked
from warehouse.links import (
    LINK_TABLE_COLUMNS,
    read_lineage_by_source,
    read_previous_lineage,
    read_prior_matching,
    read_tasks_frame,
    write_match_result,
)
from warehouse.load import load_plan, transaction


@pytest.fixture(scope="module")
def db(tmp_path_factory, shared_plans):
    path = tmp_path_factory.mktemp("links") / "w.duckdb"
    con = connect(path)
    catalogue, registry = load_catalogue(), load_department_registry()
    for file in sorted(p for p in shared_plans.iterdir() if p.suffix in (".md", ".txt") and p.name != "README.md"):
        load_plan(con, parse_plan(read_source(file), catalogue), registry)
    con.close()
    return path


def rows(con, sql, params=()):
    return con.execute(sql, list(params)).fetchall()


def hand_made_result(con) -> MatchResult:
    """Each task its own lineage, except 2016:2 → 2020:23 → 2021-2022:2 (L-copyright) and a gap link
    2015:7 → 2020:41 (L-piracy, absent from 2016); plus one pair waiting for review."""
    lineage = con.execute("select 'L-' || plan_id || '-' || task_key as lineage_id, plan_id, task_key, task_no "
                          "from raw_tasks order by plan_id, position").df()
    chains = {("2016", 2): "L-copyright", ("2020", 23): "L-copyright", ("2021-2022", 2): "L-copyright",
              ("2015", 7): "L-piracy", ("2020", 41): "L-piracy"}
    for (plan, no), line in chains.items():
        lineage.loc[(lineage["plan_id"] == plan) & (lineage["task_no"] == no), "lineage_id"] = line
    key = dict(zip(zip(lineage["plan_id"], lineage["task_no"]), lineage["task_key"]))
    links = pd.DataFrame([
        ("2016", 2, "2020", 23, 0.83, "department_changed", "auto", False),
        ("2020", 23, "2021-2022", 2, 0.97, "reworded", "confirmed", False),
        ("2015", 7, "2020", 41, 0.92, "reworded", "auto", True),
        ("2016", 1, "2020", 22, 0.45, "department_changed", "review", False),
    ], columns=["from_plan", "from_task_no", "to_plan", "to_task_no", "score", "kind", "status", "is_gap"])
    links["from_task_key"] = [key[(p, n)] for p, n in zip(links["from_plan"], links["from_task_no"])]
    links["to_task_key"] = [key[(p, n)] for p, n in zip(links["to_plan"], links["to_task_no"])]
    for column in SIGNAL_COLUMNS:
        links[column] = np.nan
    links = links.assign(changes=links["kind"], role="primary", shared_titles="", shared_departments="",
                         match_weight=0.0, rule="all")
    changes = pd.DataFrame([("2016", "2020", "2020", key[("2020", 1)], "new")],
                           columns=["from_plan", "to_plan", "plan_id", "task_key", "change"])
    plans = pd.DataFrame({"plan_id": ["2015", "2016", "2020", "2021-2022"], "position": range(4),
                          "fingerprint": ["f2015", "f2016", "f2020", "f2021"]})
    return MatchResult(links, lineage, changes, plans)


@pytest.fixture
def con(db):
    con = connect(db)
    with transaction(con):
        write_match_result(con, hand_made_result(con))
    yield con
    con.close()


def test_writing_twice_replaces_instead_of_appending(con):
    before = rows(con, "select count(*) from raw_task_links")[0][0]
    with transaction(con):
        write_match_result(con, hand_made_result(con))
    assert rows(con, "select count(*) from raw_task_links")[0][0] == before == 4
    assert rows(con, "select count(*) from raw_task_lineage")[0][0] == rows(con, "select count(*) from raw_tasks")[0][0]


def test_task_links_holds_only_lineage_edges(con):
    found = rows(con, "select from_plan, from_task_no, to_plan, to_task_no, status from task_links")
    assert found == [("2015", 7, "2020", 41, "auto"), ("2016", 2, "2020", 23, "auto"),
                     ("2020", 23, "2021-2022", 2, "confirmed")]


def test_link_review_lists_doubtful_pairs_with_their_texts(con):
    found = rows(con, "select from_plan, from_task_no, to_plan, to_task_no, from_text, to_text from link_review")
    assert len(found) == 1 and found[0][:4] == ("2016", 1, "2020", 22)
    assert found[0][4].startswith("积极推进专利法第四次修订") and found[0][5].startswith("配合做好《专利法》修改")


def test_lineage_continuity_reports_span_gaps_and_department_lines(con):
    copyright_line = rows(con, "select first_plan, last_plan, plans_present, gaps, department_history "
                               "from lineage_continuity where lineage_id = 'L-copyright'")[0]
    assert copyright_line[:4] == ("2016", "2021-2022", 3, 0)
    assert copyright_line[4].startswith("2016: cpd,moj → 2020: cpd,nrta")
    piracy = rows(con, "select plans_present, gaps, missing_plans from lineage_continuity "
                       "where lineage_id = 'L-piracy'")[0]
    assert piracy == (2, 1, ["2016"])
    singles = rows(con, "select count(*) from lineage_continuity where plans_present = 1 and gaps = 0")[0][0]
    assert singles == rows(con, "select count(distinct lineage_id) from task_lineage")[0][0] - 2


def test_which_2016_tasks_still_appear_in_2020_and_under_which_departments(con):
    found = rows(con, "select from_task_no, to_task_no, from_departments, to_departments, to_lines, kind "
                      "from tasks_carried_over('2016', '2020')")
    assert found == [(2, 23, ["版权局", "法制办"], ["中央宣传部", "广电总局"], ["cpd", "nrta"], "department_changed")]


def test_carried_over_follows_the_lineage_across_plans_in_between(con):
    found = rows(con, "select from_task_no, to_task_no, kind from tasks_carried_over('2016', '2021-2022')")
    assert found == [(2, 2, None)]  # no direct link: reached through 2020


def test_plan_changes_view_adds_task_numbers(con):
    assert rows(con, "select from_plan, to_plan, task_no, change from plan_changes") == [("2016", "2020", 1, "new")]


def test_read_tasks_frame_takes_department_lines_from_the_warehouse(con):
    frame = read_tasks_frame(con, load_department_registry())
    assert sorted(frame["plan_id"].unique()) == ["2015", "2016", "2020", "2021-2022"]
    copyright_2016 = frame[(frame["plan_id"] == "2016") & (frame["task_no"] == 2)].iloc[0]
    assert copyright_2016["lineage_ids"] == ["cpd", "moj"] and copyright_2016["section_title"] == "严格保护知识产权"
    assert len(frame[frame["plan_id"] == "2021-2022"]) == 2  # the two copies were merged at load


def test_previous_lineage_round_trips(con):
    previous = read_previous_lineage(con)
    assert list(previous.columns) == ["lineage_id", "plan_id", "task_key", "task_no"]
    assert previous.set_index(["plan_id", "task_no"]).at[("2020", 41), "lineage_id"] == "L-piracy"


def test_link_rows_keep_signals_as_json(con):
    columns = [row[0] for row in rows(con, "select column_name from information_schema.columns "
                                           "where table_name = 'raw_task_links' order by ordinal_position")]
    assert tuple(columns) == LINK_TABLE_COLUMNS
    assert rows(con, "select signals::json->>'text_ratio' from raw_task_links limit 1") == [(None,)]


def test_rematching_through_the_warehouse_keeps_lineage_ids(db):
    con = connect(db)
    try:
        registry = load_department_registry()
        with transaction(con):
            write_match_result(con, match_plans(read_tasks_frame(con, registry)))
        first = read_previous_lineage(con)
        with transaction(con):
            write_match_result(con, match_plans(read_tasks_frame(con, registry), read_previous_lineage(con)))
        assert read_previous_lineage(con).equals(first)
        by_source = read_lineage_by_source(con)
    finally:
        con.close()
    copies = by_source[by_source["source"].str.startswith("2021-2022")]
    assert copies.groupby("number")["lineage"].nunique().eq(1).all()


def test_cli_lineage_csv_has_one_row_per_task_of_every_file(db):
    from flows.cli import app
    from flows.commands import register_all

    register_all(app)
    con = connect(db)
    try:  # the lineage the tests above wrote counts as linked: else the command would link the plans first
        record_linked(con, link_fingerprint(con, ""))
    finally:
        con.close()
    result = CliRunner().invoke(app, ["lineage", "--csv", "--db", str(db)])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0] == "source,number,lineage"
    con = connect(db, read_only=True)
    try:
        assert len(lines) - 1 == rows(con, "select count(*) from raw_source_tasks")[0][0]
    finally:
        con.close()
    assert any(line.startswith("2021-2022.izubei.txt,2,") for line in lines)


SAMPLE_2020 = Path(__file__).resolve().parents[2] / "sources" / "samples" / "2020.gov.md"


def test_a_first_run_with_a_single_plan_gives_one_lineage_per_task_and_no_links(tmp_path):
    """Regression: with only the 2020 plan ingested, matching raised `cannot reshape array of
    size 0 into shape (0,newaxis)` (no pair to compare, an empty department selection)."""
    con = connect(tmp_path / "one.duckdb")
    try:
        registry = load_department_registry()
        load_plan(con, parse_plan(read_source(SAMPLE_2020), load_catalogue()), registry)
        result = match_plans(read_tasks_frame(con, registry))
        with transaction(con):
            write_match_result(con, result)
        stored = rows(con, "select count(*), count(distinct lineage_id) from raw_task_lineage")[0]
        links = rows(con, "select count(*) from raw_task_links")[0][0]
    finally:
        con.close()
    assert len(result.lineage) == 100 and result.lineage["lineage_id"].is_unique
    assert result.links.empty and result.plan_changes.empty
    assert stored == (100, 100) and links == 0


def test_prior_matching_reads_back_what_was_written(con):
    written = hand_made_result(con)
    prior = read_prior_matching(con)
    assert prior.plans.values.tolist() == written.plans.values.tolist()
    assert set(written.links.columns) <= set(prior.links.columns)
    key = ["from_plan", "from_task_key", "to_plan", "to_task_key"]
    back = prior.links.set_index(key).sort_index()
    expected = written.links.set_index(key).sort_index()
    assert back["status"].tolist() == expected["status"].tolist()
    assert back["score"].tolist() == expected["score"].tolist()
    assert back["is_gap"].tolist() == expected["is_gap"].tolist()
    assert back[list(SIGNAL_COLUMNS)].isna().all().all()  # written as JSON nulls, read back as NaN


def test_a_real_matching_round_trips_through_the_warehouse(con, db):
    """What the next incremental matching reads is what this one wrote, column for column."""
    result = match_plans(read_tasks_frame(con, load_department_registry()))
    with transaction(con):
        write_match_result(con, result)
    prior = read_prior_matching(con)
    columns = list(result.links.columns)
    pd.testing.assert_frame_equal(prior.links[columns], result.links[columns], check_dtype=False, atol=1e-4)
    assert prior.plans["plan_id"].tolist() == ["2015", "2016", "2020", "2021-2022"]
