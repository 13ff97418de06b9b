"""task_stages and lineage_progress on a real warehouse of the shared plans (real loads, real matcher)."""

from __future__ import annotations

import pytest

from sources.stages import load_stage_vocabulary
from tests.transforms.reports.real_warehouse import build_real_warehouse
from transforms.stages import StageVocabulary, StageWord
from warehouse.connection import connect
from warehouse.stages import write_stage_words


@pytest.fixture(scope="module")
def db(tmp_path_factory, shared_plans):
    return build_real_warehouse(tmp_path_factory.mktemp("progress") / "w.duckdb", shared_plans)


@pytest.fixture
def con(db):
    connection = connect(db, read_only=True)
    yield connection
    connection.close()


def progress_of(con, plan_id: str, task_no: int) -> dict:
    cursor = con.execute("""select p.* from lineage_progress as p join task_lineage as l using (lineage_id)
                            where l.plan_id = ? and l.task_no = ?""", [plan_id, task_no])
    columns = [c[0] for c in cursor.description]
    return dict(zip(columns, cursor.fetchone()))


def test_the_view_reads_every_real_task_as_the_python_rule_does(con):
    vocabulary = load_stage_vocabulary()
    rows = con.execute("select t.text, s.stage, s.stage_order, s.stage_word, s.reads_finished, s.stage_words "
                       "from task_stages as s join tasks as t using (plan_id, task_key)").fetchall()
    assert len(rows) == con.execute("select count(*) from tasks").fetchone()[0] > 100
    for text, stage, order, word, finished, words in rows:
        reading = vocabulary.read(text)
        assert (stage, order, word, finished, tuple(words)) == \
            (reading.stage, reading.order, reading.word, reading.finished, reading.words), text


def test_the_patent_law_line_recurs_without_advancing(con):
    # 2016:1 积极推进专利法第四次修订 → 2020:22 推进《专利法实施细则》修订 → 2021-2022:1 推进修订…
    line = progress_of(con, "2016", 1)
    assert (line["first_plan"], line["last_plan"], line["appearances"]) == ("2016", "2021-2022", 3)
    assert line["stages"] == ["推进", "推进", "推进"]
    assert line["stage_advanced"] is False and line["plans_since_advance"] == 2
    assert line["reads_finished"] is False


def test_the_plant_variety_line_advanced_in_2020(con):
    # 2016:4 研究修订《植物新品种保护条例》 → 2020:26 推动修订《植物新品种保护条例》…
    line = progress_of(con, "2016", 4)
    assert line["stages"] == ["起草", "推进"]
    assert line["stage_advanced"] is True and line["last_advance_plan"] == "2020"
    assert line["plans_since_advance"] == 0 and line["last_stage"] == "推进"


def test_a_single_plan_line_reads_as_finished(con):
    # 2016:8 制定出台《关于滥用知识产权的反垄断指南》
    line = progress_of(con, "2016", 8)
    assert line["appearances"] == 1 and line["reads_finished"] is True and line["stage_advanced"] is False


def test_the_vocabulary_follows_the_reviewed_file(db):
    con = connect(db)
    try:
        before = con.execute("select count(*) from raw_stage_words").fetchone()[0]
        assert before == len(load_stage_vocabulary().words)
        write_stage_words(con, StageVocabulary([StageWord("研究", "研究", 1, False, "test")]))
        assert con.execute("select stage from task_stages where plan_id = '2016' and task_no = 8").fetchone() == (None,)
    finally:
        con.close()
    con = connect(db)  # opening for writing again restores the packaged vocabulary
    try:
        assert con.execute("select count(*) from raw_stage_words").fetchone()[0] == before
    finally:
        con.close()
