"""The stage vocabulary in the warehouse: `raw_stage_words` (sql/09_raw_stages.sql), a copy of the reviewed
`sources/reference/stages.csv` that the `task_stages` view reads.

The vocabulary changes with the code, like the view definitions, so it is refreshed with them each time
the warehouse is opened for writing; the caller owns the transaction.
"""

from __future__ import annotations

import duckdb

from transforms.stages import StageVocabulary


def write_stage_words(con: duckdb.DuckDBPyConnection, vocabulary: StageVocabulary | None = None) -> None:
    """Make raw_stage_words hold `vocabulary` (default: the packaged one); unchanged rows are not rewritten."""
    if vocabulary is None:
        from sources.stages import load_stage_vocabulary

        vocabulary = load_stage_vocabulary()
    rows = sorted((w.word, w.stage, w.order, w.finished, w.reason) for w in vocabulary.words)
    stored = con.execute("select word, stage, stage_order, finished, reason from raw_stage_words "
                         "order by word").fetchall()
    if stored == rows:
        return
    con.execute("delete from raw_stage_words")
    con.executemany("insert into raw_stage_words values (?, ?, ?, ?, ?)", rows)
