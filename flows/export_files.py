"""Spreadsheet files of the warehouse: read the export views, shape the sheets, write xlsx and CSV.

`ipplans export` calls `export`; no Prefect or Great Expectations is involved. The xlsx file
(openpyxl) has one worksheet per `transforms.export.Sheet`, with the header row frozen, filters on,
columns as wide as their Chinese text (wide characters count two) and, in the pair sheets, the
differences between two wordings as rich text: deleted characters struck through in red, inserted
ones bold and underlined in green, the colours of the HTML report. The CSV files hold the same
tables as plain text, UTF-8 with a byte-order mark so that Excel and WPS read them as UTF-8.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from flows.workspace import Workspace
from transforms.export import (LINE_HEIGHT, MAX_COLUMN_WIDTH, Cell, DiffText, Sheet, cell_text, export_sheets,
                               row_lines)
from warehouse.connection import open as open_warehouse
from warehouse.export import read_export_tables

# The report's colours (transforms/reports/templates/report.css: del, ins)
DELETED_FONT = InlineFont(strike=True, color="9B1C1C")
INSERTED_FONT = InlineFont(b=True, u="single", color="14532D")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EEEEE8")
# A text cell starting with one of these is read as a formula by spreadsheet programs
FORMULA_STARTS = ("=", "+", "-", "@")
# Excel refuses a file with a longer cell (it "repairs" it); a longer text is cut there, marked with …
EXCEL_CELL_CHARACTERS = 32_767


def export(db: str | Path | None = None, *, xlsx: str | Path | None = None,
           csv_dir: str | Path | None = None) -> list[Path]:
    """Write the warehouse's tables as an xlsx workbook and/or a folder of CSV files; returns the paths."""
    if xlsx is None and csv_dir is None:
        raise ValueError("give an xlsx file, a CSV folder, or both")
    with open_warehouse(Workspace.at(db).db, "read") as con:
        sheets = export_sheets(read_export_tables(con))
    paths = [write_xlsx(sheets, Path(xlsx))] if xlsx is not None else []
    if csv_dir is not None:
        paths += write_csv(sheets, Path(csv_dir))
    return paths


def write_xlsx(sheets: list[Sheet], path: Path) -> Path:
    """One worksheet per sheet; written to a temporary file first, so a failure leaves no half a file."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        _fill_worksheet(workbook.create_sheet(sheet.name), sheet)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        workbook.save(temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def write_csv(sheets: list[Sheet], folder: Path) -> list[Path]:
    """`<folder>/<sheet name>.csv` per sheet: UTF-8 with a BOM, Excel's CSV dialect."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for sheet in sheets:
        path = folder / f"{sheet.name}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(sheet.columns)
            writer.writerows([_csv_text(value) for value in row] for row in sheet.rows)
        paths.append(path)
    return paths


def _fill_worksheet(worksheet, sheet: Sheet) -> None:
    worksheet.append(sheet.columns)
    for cell in worksheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for row in sheet.rows:
        worksheet.append([_xlsx_value(value) for value in row])
    wrapped = Alignment(wrap_text=True, vertical="top")
    widths = sheet.widths
    for index, width in enumerate(widths, start=1):
        letter = get_column_letter(index)
        worksheet.column_dimensions[letter].width = width
        if width >= MAX_COLUMN_WIDTH:  # long text wraps within the column
            for (cell,) in worksheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.alignment = wrapped
    for row_number, lines in enumerate(row_lines(sheet, widths), start=2):
        if lines > 1:
            worksheet.row_dimensions[row_number].height = lines * LINE_HEIGHT
    _keep_text_as_text(worksheet)
    worksheet.freeze_panes = "A2"
    worksheet.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{len(sheet.rows) + 1}"


def _xlsx_value(value: Cell):
    if isinstance(value, DiffText):
        if all(piece.op == "same" for piece in value.pieces) or len(str(value)) > EXCEL_CELL_CHARACTERS:
            return _clean(str(value))
        fonts = {"del": DELETED_FONT, "ins": INSERTED_FONT}
        return CellRichText([_clean(piece.text) if piece.op == "same" else
                             TextBlock(fonts[piece.op], _clean(piece.text)) for piece in value.pieces])
    return _clean(value) if isinstance(value, str) else value


def _keep_text_as_text(worksheet) -> None:
    # openpyxl stores a string starting with "=" as a formula; plan text is never one
    for row in worksheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"


def _clean(text: str) -> str:
    """Text an xlsx cell can hold: no control characters (openpyxl refuses them), at most Excel's length."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text if len(text) <= EXCEL_CELL_CHARACTERS else text[:EXCEL_CELL_CHARACTERS - 1] + "…"


def _csv_text(value: Cell) -> str:
    text = cell_text(value)
    # a leading apostrophe keeps Excel and WPS from running hostile text as a formula
    return f"'{text}" if isinstance(value, (str, DiffText)) and text.startswith(FORMULA_STARTS) else text
