"""The warehouse as tables for spreadsheets: `ExportTables` in, `Sheet`s out (no I/O).

`ipplans export` writes one sheet (or CSV file) per table: plans; tasks with their departments
and lineage; lineages, one row per line of work with one column per plan; and one per pair of
neighbouring plans, every row of the pair's comparison (`rpt_pair_tasks`): continued tasks side by
side with their character-level differences (the 任务对照 table of the HTML report), then new and
dropped tasks. Differences are kept as diff pieces (`DiffText`); a writer shows them as rich text
(xlsx) or as the plain text (CSV).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from transforms.reports.model import pair_stem
from transforms.reports.textdiff import Piece, char_diff

# Column width in Excel's units (the width of one Latin digit); a CJK character takes two.
MAX_COLUMN_WIDTH = 60   # wider text wraps: a task text is one paragraph, up to a few hundred characters
MIN_COLUMN_WIDTH = 6    # room for the filter button beside a short header
WIDTH_PADDING = 2       # the filter button and a little air
WIDE_CLASSES = "WFA"     # unicodedata.east_asian_width classes drawn two columns wide (see display_width)
LINE_HEIGHT = 15.0       # points per line of wrapped text: Excel's default row height for 11-point text
WIDTH_SAMPLE_ROWS = 500  # rows read to size a column; a longer sheet's widths come from its first rows

PLAN_COLUMNS = ("plan_id", "period_start", "period_end", "title", "doc_number", "issued_on", "issuer",
                "task_count", "complete", "source_count")
TASK_COLUMNS = ("plan_id", "task_key", "task_no", "printed_no", "section_path", "section_title", "text",
                "department_clause", "departments", "lead_department", "department_lines", "clause_form",
                "key_task", "truncated", "lineage_id")
LINEAGE_COLUMNS = ("lineage_id", "plans_present", "first_plan", "last_plan", "gap_plans")
LINEAGE_TEXT_COLUMN = "last_text"  # after the plan columns: the line's latest wording
PAIR_COLUMNS = ("change", "kind", "lineage_id", "from_task_no", "from_text", "from_department_clause",
                "to_task_no", "to_text", "to_department_clause", "score", "returns_from")
LIST_SEPARATOR = "、"  # joins task numbers and plan ids inside one cell, as the plans list items


@dataclass(frozen=True)
class PairRows:
    from_plan: str
    to_plan: str
    rows: pd.DataFrame  # rpt_pair_tasks rows of this pair, in the view's order


@dataclass(frozen=True)
class ExportTables:
    """What `warehouse.export.read_export_tables` reads; column names are the views'."""

    plans: pd.DataFrame          # plans, in order of first year
    tasks: pd.DataFrame          # rpt_export_tasks
    lineages: pd.DataFrame       # rpt_lineage_spans
    pairs: list[PairRows]        # neighbouring plans, earliest first


@dataclass(frozen=True)
class DiffText:
    """A task text with the pieces that differ from its counterpart marked (see textdiff.char_diff)."""

    pieces: tuple[Piece, ...]

    def __str__(self) -> str:
        return "".join(piece.text for piece in self.pieces)


Cell = str | int | float | bool | DiffText | None


@dataclass(frozen=True)
class Sheet:
    """One table: a worksheet of the xlsx file, or one CSV file. `name` is both."""

    name: str
    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]]

    @property
    def widths(self) -> tuple[int, ...]:
        return column_widths(self)


def export_sheets(tables: ExportTables) -> list[Sheet]:
    """The sheets in the order they are written: plans, tasks, lineages, then one per pair."""
    plan_ids = tables.plans["plan_id"].tolist()
    return [
        _frame_sheet("plans", tables.plans, PLAN_COLUMNS),
        _frame_sheet("tasks", tables.tasks, TASK_COLUMNS),
        lineage_sheet(tables.lineages, tables.tasks, plan_ids),
        *(pair_sheet(pair) for pair in tables.pairs),
    ]


def lineage_sheet(lineages: pd.DataFrame, tasks: pd.DataFrame, plan_ids: list[str]) -> Sheet:
    """One row per lineage; under each plan, the numbers of the line's tasks in it (several after a split)."""
    numbers = (tasks.dropna(subset=["lineage_id"]).sort_values(["plan_id", "task_no"])
               .groupby(["lineage_id", "plan_id"])["task_no"]
               .agg(_task_numbers))
    rows = []
    for line in lineages.itertuples(index=False):
        fixed = [_cell(getattr(line, column)) for column in LINEAGE_COLUMNS]
        by_plan = [_cell(numbers.get((line.lineage_id, plan_id))) for plan_id in plan_ids]
        rows.append((*fixed, *by_plan, _cell(getattr(line, LINEAGE_TEXT_COLUMN))))
    return Sheet("lineages", (*LINEAGE_COLUMNS, *plan_ids, LINEAGE_TEXT_COLUMN), rows)


def _task_numbers(numbers: pd.Series) -> int | str:
    """One task's number as a number (spreadsheets sort and filter it); several as a list."""
    values = [int(no) for no in numbers]
    return values[0] if len(values) == 1 else LIST_SEPARATOR.join(map(str, values))


def pair_sheet(pair: PairRows) -> Sheet:
    """Every row of one pair's comparison; continued tasks carry their differences as `DiffText`."""
    rows = []
    for row in pair.rows.itertuples(index=False):
        values = {column: _cell(getattr(row, column)) for column in PAIR_COLUMNS}
        if row.change == "continued":
            values["kind"] = values["kind"] or "via_lineage"  # as the HTML report names it
            old, new = char_diff(row.from_text, row.to_text)
            values["from_text"], values["to_text"] = DiffText(tuple(old)), DiffText(tuple(new))
        rows.append(tuple(values[column] for column in PAIR_COLUMNS))
    return Sheet(pair_stem(pair.from_plan, pair.to_plan), PAIR_COLUMNS, rows)


def display_width(text: str) -> int:
    """Columns a text takes: East Asian wide and full-width characters count 2, the rest 1.

    Ambiguous-width characters count 2 as well: the CJK fonts these sheets are read in draw the
    quotation marks and dashes of Chinese text (“” — …) full width.
    """
    return sum(2 if unicodedata.east_asian_width(char) in WIDE_CLASSES else 1 for char in text)


def column_widths(sheet: Sheet) -> tuple[int, ...]:
    """Each column's width: its widest line (header included), within MIN_ and MAX_COLUMN_WIDTH."""
    widths = []
    for index, header in enumerate(sheet.columns):
        values = [header, *(cell_text(row[index]) for row in sheet.rows[:WIDTH_SAMPLE_ROWS])]
        widest = max(display_width(line) for value in values for line in value.splitlines() or [""])
        widths.append(min(max(widest + WIDTH_PADDING, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH))
    return tuple(widths)


def row_lines(sheet: Sheet, widths: tuple[int, ...]) -> list[int]:
    """Lines each row needs when the columns at MAX_COLUMN_WIDTH wrap their text.

    Spreadsheet programs do not all fit a row's height to wrapped text when they open a file
    (LibreOffice leaves rich-text cells at one line), so the writer sets it.
    """
    wrapped = [index for index, width in enumerate(widths) if width >= MAX_COLUMN_WIDTH]
    per_line = MAX_COLUMN_WIDTH - WIDTH_PADDING
    return [max([1, *(-(-display_width(cell_text(row[index])) // per_line) for index in wrapped)])
            for row in sheet.rows]


def cell_text(value: Cell) -> str:
    """A cell as plain text, as a CSV file holds it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _frame_sheet(name: str, frame: pd.DataFrame, columns: tuple[str, ...]) -> Sheet:
    return Sheet(name, columns, [tuple(_cell(value) for value in row)
                                 for row in frame[list(columns)].itertuples(index=False)])


def _cell(value: object) -> Cell:
    """A value from a frame as a plain cell: nulls become None, lists a joined text, dates ISO text."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return LIST_SEPARATOR.join(str(item) for item in value) or None
    if pd.isna(value):
        return None
    if isinstance(value, (pd.Timestamp, date)):
        return value.isoformat()[:10]
    if isinstance(value, np.generic):
        return value.item()
    return value
