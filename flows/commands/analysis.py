"""CLI commands for reading across years: `ipplans search QUERY` and `ipplans history PLAN:TASK`.

Thin wrappers around `warehouse.analysis` (read-only; no Prefect, no Great Expectations).
"""

from __future__ import annotations

import csv
import json
import sys
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from flows.commands.options import CsvOption, DbOption, data_console, db_path, fail
from transforms.search import LineageHits, SearchError, highlight

HIGHLIGHT_STYLE = "bold black on yellow"


def register(app: typer.Typer) -> None:
    app.command("search")(search)


JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table")]
FromOption = Annotated[int | None, typer.Option("--from", help="Only plans covering this year or later")]
ToOption = Annotated[int | None, typer.Option("--to", help="Only plans starting in this year or earlier")]
DepartmentOption = Annotated[str | None, typer.Option(
    "--department", help="Only tasks naming this body or another on its line of work (工商总局 finds 市场监管总局)")]


def search(query: Annotated[str, typer.Argument(help="A phrase or a document name, with or without 《》, "
                                                      "in Simplified or Traditional script")],
           year_from: FromOption = None, year_to: ToOption = None, department: DepartmentOption = None,
           db: DbOption = None, csv_output: CsvOption = False, json_output: JsonOption = False) -> None:
    """Every task of every plan mentioning QUERY, grouped by line of work, best match first.

    Example: ipplans search 商业秘密 --from 2016
    """
    from warehouse.analysis import search as search_warehouse
    from warehouse.connection import WarehouseError, connect

    if csv_output and json_output:
        fail("give --csv or --json, not both")
    try:
        con = connect(db_path(db), read_only=True)
        try:
            found = search_warehouse(con, query, year_from=year_from, year_to=year_to, department=department)
        finally:
            con.close()
    except (SearchError, WarehouseError) as exc:
        fail(str(exc))
    if json_output:
        print(json.dumps(search_json(found), ensure_ascii=False, indent=2))
    elif csv_output:
        _search_csv(found)
    else:
        _search_table(query, found)


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
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["rank", "lineage_id", "plan_id", "year", "task_no", "match", "share", "departments",
                     "highlighted"])
    for rank, group in enumerate(found, start=1):
        for hit in group.hits:
            writer.writerow([rank, group.lineage_id, hit.task.plan_id, hit.task.year, hit.task.task_no, hit.match,
                             hit.share, "、".join(hit.task.departments), highlight(hit.task.text, hit.spans)])


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
