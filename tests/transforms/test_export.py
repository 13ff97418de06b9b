"""Shaping the warehouse's tables into sheets: lineage pivot, pair rows with differences, widths."""

from __future__ import annotations

import pandas as pd

from tests.transforms.reports.tables import task_rows
from transforms.export import (MAX_COLUMN_WIDTH, MIN_COLUMN_WIDTH, WIDTH_PADDING, DiffText, PairRows, Sheet,
                               cell_text, column_widths, display_width, lineage_sheet, pair_sheet, row_lines)
from transforms.reports.textdiff import Piece


def test_display_width_counts_wide_characters_twice():
    assert display_width("abc") == 3
    assert display_width("著作权法") == 8
    assert display_width("《专利法》，2020") == 16  # full-width brackets and comma are wide, digits are not
    assert display_width("“剑网”") == 8  # Chinese quotation marks (ambiguous width) are drawn wide
    assert display_width("ｱ") == 1  # half-width katakana is narrow


def test_columns_fit_chinese_text_up_to_a_limit():
    sheet = Sheet("t", ("id", "text"), [(1, "著作权法"), (22, "积" * 200)])
    assert column_widths(sheet) == (MIN_COLUMN_WIDTH, MAX_COLUMN_WIDTH)
    sheet = Sheet("t", ("department_clause",), [("知识产权局负责",)])
    assert column_widths(sheet) == (len("department_clause") + WIDTH_PADDING,)
    sheet = Sheet("t", ("d",), [("知识产权局、中央宣传部负责",)])
    assert column_widths(sheet) == (13 * 2 + WIDTH_PADDING,)


def test_rows_are_as_tall_as_their_wrapped_text():
    sheet = Sheet("t", ("id", "text"), [(1, "短"), (2, "积" * 29), (3, "积" * 30), (4, DiffText((Piece("改" * 100, "ins"),)))])
    assert row_lines(sheet, column_widths(sheet)) == [1, 1, 2, 4]  # 58 columns: 29 Chinese characters a line
    assert row_lines(Sheet("t", ("id",), [("积" * 100,)]), (40,)) == [1]  # a column that does not wrap


def test_pair_sheet_marks_differences_of_continued_tasks_only():
    rows = task_rows().assign(score=[0.83, 0.9, None, None, None, None])
    sheet = pair_sheet(PairRows("2016", "2020", rows))
    assert sheet.name == "2016_2020"
    by_change = {}
    for row in sheet.rows:
        by_change.setdefault(row[0], []).append(dict(zip(sheet.columns, row)))
    first = by_change["continued"][0]
    assert first["from_task_no"] == 2 and first["to_task_no"] == 23 and first["score"] == 0.83
    assert isinstance(first["from_text"], DiffText)
    deleted = [p.text for p in first["from_text"].pieces if p.op == "del"]
    inserted = [p.text for p in first["to_text"].pieces if p.op == "ins"]
    assert deleted == ["积极推动", "第三次"] and inserted == ["配合做好《", "》", "工作"]
    assert str(first["to_text"]) == "配合做好《示例法》修订工作。"
    assert by_change["continued"][2]["kind"] == "via_lineage"  # aligned by lineage only, as the report says
    dropped, = by_change["dropped"]
    assert dropped["from_text"] == "修订示例规定。" and dropped["to_task_no"] is None
    assert [row["returns_from"] for row in by_change["new"]] == ["2015", None]


def test_lineage_sheet_has_a_column_per_plan():
    tasks = pd.DataFrame({"lineage_id": ["L1", "L1", "L1", "L2", None], "plan_id": ["2016", "2020", "2020", "2020", "2020"],
                          "task_no": pd.array([2, 24, 23, 30, 31], dtype="Int64")})
    lineages = pd.DataFrame({"lineage_id": ["L1", "L2"], "plans_present": [2, 1], "first_plan": ["2016", "2020"],
                             "last_plan": ["2020", "2020"], "gap_plans": [["2018"], []],
                             "last_text": ["修订示例法。", "新任务。"]})
    sheet = lineage_sheet(lineages, tasks, ["2016", "2018", "2020"])
    assert sheet.columns == ("lineage_id", "plans_present", "first_plan", "last_plan", "gap_plans",
                             "2016", "2018", "2020", "last_text")
    assert sheet.rows == [("L1", 2, "2016", "2020", "2018", 2, None, "23、24", "修订示例法。"),
                          ("L2", 1, "2020", "2020", None, None, None, 30, "新任务。")]
    assert all(type(value) in (str, int, type(None)) for row in sheet.rows for value in row)


def test_cells_as_csv_text():
    assert [cell_text(value) for value in (None, True, 3, 0.5, "文本")] == ["", "true", "3", "0.5", "文本"]
