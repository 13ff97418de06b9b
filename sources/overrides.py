"""Reading and checking the curated link decisions file (`link_overrides.csv`).

This module owns the file side of the overrides: reading its bytes, and refusing a
file that would be read wrongly, row by row, before any run loads anything. What a
decision does to the matching is `transforms.matching.overrides`; that module parses
the text this one has checked.

The file is a CSV with the header `from_plan,from_task,to_plan,to_task,decision,note`
(`note` optional); blank lines and lines starting with `#` are skipped.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Collection
from pathlib import Path

from sources.catalogue import parse_period
from sources.read import read_file_bytes
from transforms.models import PlanError

REQUIRED_COLUMNS = ("from_plan", "from_task", "to_plan", "to_task", "decision")
DECISIONS = ("confirm", "reject")
_TASK = re.compile(r"\d+(?:\.\d+)*")  # a printed number (22) or a task key (2.1.22)


def read_overrides_file(path: Path, known_plans: Collection[str] | None = None) -> str:
    """The checked text of the overrides file; a missing file means no decisions ("").

    Raises PlanError naming the file and the line for any row that would be misread: a
    short or long row, an unknown decision, a plan id that is not a period (or, when
    `known_plans` is given, not one of them), a task that is neither a number nor a key, a
    pair within one plan, and a pair both confirmed and rejected.
    """
    path = Path(path)
    try:
        os.lstat(path)
    except FileNotFoundError:
        return ""
    except OSError:
        pass  # read_file_bytes says what is wrong with the path
    data = read_file_bytes(path)
    where = str(path)
    try:
        text = data.decode("utf-8-sig")  # spreadsheet exports often start with a BOM
    except UnicodeDecodeError as exc:
        raise PlanError(where, f"not UTF-8 text (invalid byte at position {exc.start}); save it as UTF-8 CSV") from exc
    check_overrides(text, where, known_plans)
    return text


def check_overrides(text: str, where: str, known_plans: Collection[str] | None = None) -> None:
    """Raise PlanError(where, "line N: …") for the first row of `text` that is not a sound decision."""
    rows = _rows(text, where)
    if not rows:
        return
    header_line, header = rows[0]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise PlanError(where, f"line {header_line}: the header lacks {', '.join(missing)}; expected "
                               f"{','.join(REQUIRED_COLUMNS)},note")
    decided: dict[tuple, tuple[str, int]] = {}
    for line, cells in rows[1:]:
        row = _row(cells, header, f"line {line}", where)
        problem = _row_problem(row, known_plans)
        if problem:
            raise PlanError(where, f"line {line}: {problem}")
        pair = tuple(sorted([(row["from_plan"], row["from_task"]), (row["to_plan"], row["to_task"])]))
        decision = row["decision"].lower()
        earlier = decided.setdefault(pair, (decision, line))
        if earlier[0] != decision:
            raise PlanError(where, f"line {line}: {decision} of {_pair(row)} contradicts the {earlier[0]} "
                                   f"on line {earlier[1]}; keep one of them")


def _rows(text: str, where: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of every row that is neither blank nor a # comment."""
    reader = csv.reader(io.StringIO(text))
    rows = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells) or cells[0].lstrip().startswith("#"):
                continue
            rows.append((reader.line_num, [cell.strip() for cell in cells]))
    except csv.Error as exc:
        raise PlanError(where, f"line {reader.line_num}: not valid CSV ({exc})") from exc
    return rows


def _row(cells: list[str], header: list[str], at: str, where: str) -> dict[str, str]:
    if len(cells) > len(header):
        raise PlanError(where, f"{at}: {len(cells)} cells, the header has {len(header)}")
    row = dict(zip(header, cells))
    absent = [column for column in REQUIRED_COLUMNS if not row.get(column)]
    if absent:
        raise PlanError(where, f"{at}: short row: no {', '.join(absent)} "
                               f"({len(cells)} of {len(header)} cells)")
    return row


def _row_problem(row: dict[str, str], known_plans: Collection[str] | None) -> str | None:
    if row["decision"].lower() not in DECISIONS:
        return f"decision {row['decision']!r} must be one of {', '.join(DECISIONS)}"
    for end in ("from", "to"):
        plan, task = row[f"{end}_plan"], row[f"{end}_task"]
        if parse_period(plan) is None:
            return f"{end}_plan {plan!r} is not a plan id (YYYY or YYYY-YYYY)"
        if known_plans is not None and plan not in known_plans:
            return f"unknown plan {plan!r} in {end}_plan: not in the plan catalogue or the warehouse"
        if not _TASK.fullmatch(task):
            return f"{end}_task {task!r} is not a task number (22) or a task key (2.1.22)"
    if row["from_plan"] == row["to_plan"]:
        return f"from_plan and to_plan are both {row['from_plan']}: a link joins tasks of two plans"
    return None


def _pair(row: dict[str, str]) -> str:
    return f"{row['from_plan']}/{row['from_task']} → {row['to_plan']}/{row['to_task']}"
