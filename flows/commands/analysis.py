"""CLI commands for reading across years: `ipplans search QUERY` and `ipplans history PLAN:TASK`.

Thin calls of `ipplans.search` and `ipplans.history` (`warehouse.analysis`; read-only, no Prefect,
no Great Expectations).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from flows.commands.options import CsvOption, DbOption, Lang, LangOption, data_console, fail, print_csv
from transforms.search import LineageHits, SearchError, highlight

if TYPE_CHECKING:  # transforms.history reads differences with transforms.reports, which loads pandas
    from transforms.history import LineageHistory

HIGHLIGHT_STYLE = "bold black on yellow"
DIFF_STYLES = {"del": "strike red", "ins": "bold green", "same": ""}
YEAR_STATUS_TEXT = {"present": "present", "absent": "absent (complete plan)",
                    "partial": "not in the part loaded (partial plan)", "not_loaded": "no plan loaded"}


def register(app: typer.Typer) -> None:
    app.command("search")(search)
    app.command("history")(history)


JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table")]
OutOption = Annotated[Path | None, typer.Option(
    "--out", help="Write the result as a report page (search_<query>.md and .html) into this report folder")]
FromOption = Annotated[int | None, typer.Option("--from", help="Only plans covering this year or later")]
ToOption = Annotated[int | None, typer.Option("--to", help="Only plans starting in this year or earlier")]
DepartmentOption = Annotated[str | None, typer.Option(
    "--department", help="Only tasks naming this body or another on its line of work (工商总局 finds 市场监管总局)")]


def search(query: Annotated[str, typer.Argument(help="A phrase or a document name, with or without 《》, "
                                                      "in Simplified or Traditional script")],
           year_from: FromOption = None, year_to: ToOption = None, department: DepartmentOption = None,
           db: DbOption = None, csv_output: CsvOption = False, json_output: JsonOption = False,
           out: OutOption = None, lang: LangOption = Lang.zh) -> None:
    """Every task of every plan mentioning QUERY, grouped by line of work, best match first.

    Example: ipplans search 商业秘密 --from 2016
    """
    from flows import api
    from warehouse.connection import WarehouseError

    if csv_output and json_output:
        fail("give --csv or --json, not both")
    try:
        found = api.search(query, year_from=year_from, year_to=year_to, department=department, db=db)
    except (SearchError, WarehouseError) as exc:
        fail(str(exc))
    if out:
        _write_search_page(query, found, db, out, lang.value)
    elif json_output:
        print(json.dumps(search_json(found), ensure_ascii=False, indent=2))
    elif csv_output:
        _search_csv(found)
    else:
        _search_table(query, found)


def _write_search_page(query: str, found: list[LineageHits], db: Path | None, out: Path, lang: str) -> None:
    """The result as a report page beside the other reports, linking each line to its history page."""
    from flows.report_files import write_report_files
    from flows.workspace import Workspace
    from transforms.reports.search_page import render_search_page
    from transforms.search import parse_query
    from warehouse.analysis import lineages_with_pages
    from warehouse.connection import open as open_warehouse

    with open_warehouse(Workspace.at(db).db, "read") as con:
        pages = lineages_with_pages(con)
    for path in write_report_files([render_search_page(parse_query(query), found, pages, lang)], out):
        data_console().print(f"  wrote {path}")


def search_json(found: list[LineageHits]) -> list[dict]:
    """The search result as JSON-ready dicts: one per lineage, its hits in plan order."""
    return [{"rank": rank, "lineage_id": group.lineage_id, "match": group.match, "share": group.share,
             "plans": group.plans,
             "hits": [{"plan_id": hit.task.plan_id, "year": hit.task.year, "task_key": hit.task.task_key,
                       "task_no": hit.task.task_no, "departments": list(hit.task.departments),
                       "department_lines": list(hit.task.department_lines), "match": hit.match,
                       "share": hit.share, "text": hit.task.text, "highlights": [list(s) for s in hit.spans],
                       "highlighted": highlight(hit.task.text, hit.spans)} for hit in group.hits]}
            for rank, group in enumerate(found, start=1)]


def _search_csv(found: list[LineageHits]) -> None:
    print_csv(["rank", "lineage_id", "plan_id", "year", "task_no", "match", "share", "departments", "highlighted"],
              [[rank, group.lineage_id, hit.task.plan_id, hit.task.year, hit.task.task_no, hit.match, hit.share,
                "、".join(hit.task.departments), highlight(hit.task.text, hit.spans)]
               for rank, group in enumerate(found, start=1) for hit in group.hits])


def _search_table(query: str, found: list[LineageHits]) -> None:
    console = data_console()
    hits = sum(len(group.hits) for group in found)
    table = Table(title=f"{query}: {hits} tasks in {len(found)} lines of work", show_lines=True, expand=True)
    for column in ("#", "line of work", "plan", "task", "match"):
        table.add_column(column, no_wrap=True)
    table.add_column("departments", overflow="fold", ratio=1)
    table.add_column("text", overflow="fold", ratio=3)
    for rank, group in enumerate(found, start=1):
        for index, hit in enumerate(group.hits):
            text = Text(hit.task.text)
            for start, end in hit.spans:
                text.stylize(HIGHLIGHT_STYLE, start, end)
            first = index == 0
            table.add_row(str(rank) if first else "", group.lineage_id if first else "", hit.task.plan_id,
                          str(hit.task.task_no), hit.match if hit.match != "partial" else f"{hit.share:.0%}",
                          "、".join(hit.task.departments), text)
    console.print(table)


def history(reference: Annotated[str, typer.Argument(metavar="PLAN:TASK", help="A task (plan id and task number "
                                                          "as printed, e.g. 2016:1, or task key, e.g. 2020:2.1.22) "
                                                          "or a lineage id")],
            db: DbOption = None, json_output: JsonOption = False) -> None:
    """The history of one line of work: wording, differences, stage and departments in each plan, and gaps.

    Example: ipplans history 2016:1
    """
    from flows import api
    from transforms.history import HistoryError
    from warehouse.connection import WarehouseError

    try:
        found = api.history(reference, db=db)
    except (HistoryError, WarehouseError) as exc:
        fail(str(exc))
    if json_output:
        print(json.dumps(history_json(found), ensure_ascii=False, indent=2))
    else:
        _history_table(found)


def history_json(found: LineageHistory) -> dict:
    """The history as a JSON-ready dict: appearances in order, then the status of every plan or year."""
    def pieces(items):
        return [{"op": piece.op, "text": piece.text} for piece in items]

    return {"lineage_id": found.lineage_id, "plans": found.plans,
            "appearances": [{"plan_id": a.row.plan_id, "year": a.row.year, "task_no": a.row.task_no,
                             "task_key": a.row.task_key, "text": a.row.text, "stage": a.row.stage,
                             "stage_word": a.row.stage_word, "stage_advanced": a.advanced,
                             "reads_finished": a.row.reads_finished, "departments": list(a.row.departments),
                             "department_lines": list(a.row.department_line_names),
                             "lead_department": a.row.lead_department, "lead_line": a.row.lead_line,
                             "removed_from_previous": pieces(a.before), "wording": pieces(a.after)}
                            for a in found.appearances],
            "years": [{"label": y.label, "plan_id": y.plan_id, "status": y.status} for y in found.years]}


def _history_table(found: LineageHistory) -> None:
    from transforms.history import lead_label, stage_label

    console = data_console()
    table = Table(title=f"Line of work {found.lineage_id}: {len(found.plans)} plans", show_lines=True, expand=True)
    for column in ("plan", "task", "stage"):
        table.add_column(column, no_wrap=True)
    table.add_column("lead (line today)", overflow="fold", ratio=1)
    table.add_column("departments", overflow="fold", ratio=1)
    table.add_column("wording (changes from the previous appearance)", overflow="fold", ratio=3)
    for a in found.appearances:
        text = Text()
        for piece in (*a.before, *((" → ",) if a.before else ()), *a.after):
            if isinstance(piece, str):
                text.append(piece, style="dim")
            else:
                text.append(piece.text, style=DIFF_STYLES[piece.op])
        table.add_row(a.row.plan_id, str(a.row.task_no), stage_label(a), lead_label(a.row, (" (", ")")),
                      "、".join(a.row.departments), text)
    console.print(table)
    console.print("↑ stage advanced  ✓ reads as finished")
    for year in found.years:
        console.print(f"  {year.label:<10} {YEAR_STATUS_TEXT[year.status]}")
