"""`ipplans export`: the real plans (what `make run` loads) as an xlsx workbook and CSV files, opened again.

The workbook is read back with openpyxl (rich text included) and the CSV files with the csv module,
as a spreadsheet program would see them.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.utils import get_column_letter
from typer.testing import CliRunner

from flows.cli import app
from flows.commands import register_all
from flows.export_files import export, write_csv, write_xlsx
from tests.conftest import ROOT
from tests.transforms.reports.real_warehouse import build_real_warehouse
from transforms.export import LINE_HEIGHT, MAX_COLUMN_WIDTH, MIN_COLUMN_WIDTH, WIDTH_PADDING, DiffText, Sheet, display_width
from transforms.reports.textdiff import Piece

register_all(app)
SHEETS = ["plans", "tasks", "lineages", "2015_2016", "2016_2020", "2020_2021-2022"]


@pytest.fixture(scope="module")
def real_db(tmp_path_factory, shared_plans) -> Path:
    return build_real_warehouse(tmp_path_factory.mktemp("export") / "w.duckdb", shared_plans)


@pytest.fixture(scope="module")
def exported(real_db, tmp_path_factory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("exported")
    export(real_db, xlsx=out / "ipplans.xlsx", csv_dir=out / "csv")
    return out / "ipplans.xlsx", out / "csv"


@pytest.fixture(scope="module")
def workbook(exported):
    return load_workbook(exported[0], rich_text=True)


def rows_of(worksheet) -> list[dict]:
    header = [cell.value for cell in worksheet[1]]
    return [dict(zip(header, row)) for row in worksheet.iter_rows(min_row=2, values_only=True)]


def test_sheets_have_frozen_headers_filters_and_fitted_columns(workbook):
    assert workbook.sheetnames == SHEETS
    for worksheet in workbook:
        assert worksheet.freeze_panes == "A2", worksheet.title
        assert worksheet.auto_filter.ref == worksheet.dimensions, worksheet.title
        assert all(cell.font.bold for cell in worksheet[1])
    tasks = workbook["tasks"]
    header = [cell.value for cell in tasks[1]]
    assert header[:3] == ["plan_id", "task_key", "task_no"] and "lineage_id" in header
    width = {name: tasks.column_dimensions[chr(ord("A") + i)].width for i, name in enumerate(header)}
    assert width["text"] == MAX_COLUMN_WIDTH and tasks["G2"].alignment.wrap_text  # long task texts wrap
    assert width["plan_id"] == len("2021-2022") + 2  # the widest value, wider than the header
    for worksheet in workbook:  # every column fits its widest text, counting a Chinese character as two
        for index, column in enumerate(worksheet.iter_cols(values_only=True), start=1):
            widest = max(display_width(str(value)) for value in column if value is not None)
            fitted = worksheet.column_dimensions[get_column_letter(index)].width
            assert fitted == min(max(widest + WIDTH_PADDING, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH), column[0]

def test_a_known_task_with_its_departments_and_lineage(workbook):
    tasks = {(row["plan_id"], row["task_no"]): row for row in rows_of(workbook["tasks"])}
    assert len(tasks) == 121
    old, new = tasks[("2016", 2)], tasks[("2020", 23)]
    assert old["text"] == "积极推动著作权法第三次修订。"
    assert old["departments"] == "版权局、法制办"
    assert old["department_lines"] == "中央宣传部、司法部"  # 版权局's line is carried by 中央宣传部 since 2018
    assert new["departments"] == "中央宣传部、广电总局" and new["lead_department"] == "中央宣传部"
    assert old["lineage_id"] == new["lineage_id"] is not None
    lineages = {row["lineage_id"]: row for row in rows_of(workbook["lineages"])}
    line = lineages[old["lineage_id"]]
    assert (line["2015"], line["2016"], line["2020"], line["2021-2022"]) == (None, 2, 23, 2)
    assert line["plans_present"] == 3 and line["first_plan"] == "2016"


def test_pair_sheet_shows_differences_as_rich_text(workbook):
    rows = rows_of(workbook["2016_2020"])
    [row] = [row for row in rows if row["from_task_no"] == 2]
    assert row["change"] == "continued" and row["to_task_no"] == 23
    old, new = row["from_text"], row["to_text"]
    assert isinstance(old, CellRichText) and isinstance(new, CellRichText)
    assert str(old) == "积极推动著作权法第三次修订。" and str(new) == "配合做好《著作权法》修订工作。"
    struck = [block.text for block in old if isinstance(block, TextBlock) and block.font.strike]
    marked = [block for block in new if isinstance(block, TextBlock)]
    assert struck == ["积极推动", "第三次"]
    assert [block.text for block in marked] == ["配合做好《", "》", "工作"]
    assert all(block.font.b and block.font.u == "single" for block in marked)
    assert {block.font.color.rgb for block in marked} == {"0014532D"}  # the report's inserted colour
    assert {"continued", "new", "dropped"} <= {row["change"] for row in rows}
    # 2016 task 1 and its 2020 continuation are longer than a line: the row is as tall as its wrapped text
    worksheet = workbook["2016_2020"]
    [number] = [cell.row for cell in worksheet["D"] if cell.value == 1]
    assert worksheet.row_dimensions[number].height >= 3 * LINE_HEIGHT
    assert worksheet.cell(number, 5).alignment.wrap_text


def test_csv_files_hold_the_same_tables_with_a_bom(exported, workbook):
    _, folder = exported
    assert sorted(path.stem for path in folder.glob("*.csv")) == sorted(SHEETS)
    for name in SHEETS:
        raw = (folder / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), name
        with (folder / f"{name}.csv").open(encoding="utf-8-sig", newline="") as handle:
            table = list(csv.reader(handle))
        worksheet = workbook[name]
        assert table[0] == [cell.value for cell in worksheet[1]]
        assert len(table) == worksheet.max_row
    with (folder / "2016_2020.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    [row] = [row for row in rows if row["from_task_no"] == "2"]
    assert row["to_task_no"] == "23" and row["to_text"] == "配合做好《著作权法》修订工作。"


def test_hostile_text_stays_text(tmp_path):
    huge = DiffText((Piece("改" * 40_000, "del"),))
    sheet = Sheet("t", ("text",), [("=HYPERLINK(\"http://127.0.0.1:9\")",), ("控制\x07字符",), ("-1",), (huge,)])
    write_xlsx([sheet], tmp_path / "t.xlsx")
    worksheet = load_workbook(tmp_path / "t.xlsx")["t"]
    assert worksheet["A2"].data_type == "s" and worksheet["A2"].value.startswith("=HYPERLINK")
    assert worksheet["A3"].value == "控制字符"
    assert len(worksheet["A5"].value) == 32_767 and worksheet["A5"].value.endswith("改…")  # Excel's cell limit
    [path] = write_csv([sheet], tmp_path)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[1].startswith("\"'=HYPERLINK") and lines[3] == "'-1" and len(lines[4]) == 40_000


def test_cli_writes_both_and_refuses_nothing_to_do(real_db, tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["export", "--db", str(real_db), "--xlsx", str(tmp_path / "a.xlsx"),
                                 "--csv", str(tmp_path / "csv")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "a.xlsx" in result.output and (tmp_path / "csv" / "lineages.csv").exists()
    result = runner.invoke(app, ["export", "--db", str(real_db)])
    assert result.exit_code == 1 and "--xlsx" in result.output
    (tmp_path / "a file").write_text("not a folder", encoding="utf-8")
    result = runner.invoke(app, ["export", "--db", str(real_db), "--xlsx", str(tmp_path / "a file" / "b.xlsx")])
    assert result.exit_code == 1 and "a file" in result.output and result.exception.__class__ is SystemExit


def test_export_of_a_missing_warehouse_fails_cleanly_without_prefect(tmp_path):
    script = ("import sys; from flows.cli import main; sys.argv = ['ipplans', 'export', '--db', sys.argv[1], "
              "'--xlsx', sys.argv[2]]\ntry:\n    main()\nexcept SystemExit as exit:\n"
              "    assert not {'prefect', 'great_expectations'} & set(sys.modules), 'imported Prefect or GX'\n"
              "    raise")
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path / "none.duckdb"), str(tmp_path / "a.xlsx")],
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 1, result.stderr
    assert "none.duckdb" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "a.xlsx").exists()
