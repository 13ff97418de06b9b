"""CLI commands `ipplans departments` and `ipplans department NAME`.

Thin calls of `ipplans.departments` and `ipplans.department` (`DepartmentRegistry.departments_in`,
`DepartmentRegistry.find`, `warehouse.departments.unknown_departments`), printed as rich tables.
This is the only department module that imports typer or rich.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from flows.commands.options import DbOption
from sources.registry import load_department_registry
from transforms.departments import Department, DepartmentRegistry, LineageEdge


def register(app: typer.Typer) -> None:
    app.command("departments")(departments)
    app.command("department")(department)


YearOption = Annotated[int | None, typer.Option(help="Only bodies that existed in this year.")]
UnknownOption = Annotated[bool, typer.Option("--unknown", help="List the names the warehouse could not resolve.")]


def departments(year: YearOption = None, unknown: UnknownOption = False, db: DbOption = None) -> None:
    """List the department registry, or with --unknown the unresolved names stored in the warehouse.

    Example: ipplans departments --year 2016
    """
    from flows import api

    console = Console(markup=False)  # names and notes are data, not rich markup
    listed = api.departments(year=year, unknown=unknown, db=db)
    if unknown:
        console.print(_unknown_table(listed))
    else:
        console.print(_registry_table(load_department_registry(), listed, year))


def department(
    name: Annotated[str, typer.Argument(help="Any name of the body (any script, old or new) or its id.")],
    year: Annotated[int | None, typer.Option(help="Read the name as printed in a plan of this year.")] = None,
) -> None:
    """Show one body: canonical name, category, years, aliases, predecessors, successors and lineage.

    Example: ipplans department 工商总局 --year 2016
    """
    from flows import api

    console = Console(markup=False)
    found = api.department(name, year=year)
    if found is None:
        when = f" in {year}" if year is not None else ""
        Console(stderr=True).print(f"error: no department is called {name!r}{when}", style="red", markup=False)
        raise typer.Exit(code=1)
    console.print(_profile_table(load_department_registry(), found))


def _registry_table(registry: DepartmentRegistry, listed: list[Department], year: int | None) -> Table:
    table = Table(title=f"Departments in {year}" if year is not None else "Departments")
    for column in ("id", "short name", "official name", "category", "years", "line"):
        table.add_column(column, overflow="fold")
    for d in listed:
        table.add_row(d.department_id, d.short_name, d.official_name, d.category, _years(d),
                      registry.lineage_id(d.department_id))
    return table


def _unknown_table(rows: list[dict]) -> Table:
    table = Table(title=f"Unresolved department names ({len(rows)})")
    for column in ("plan", "found in", "task", "position", "name as printed"):
        table.add_column(column)
    for row in rows:
        table.add_row(row["plan_id"], row["found_in"], row["task_key"] or "", str(row["position"]),
                      row["raw_name"])
    return table


def _profile_table(registry: DepartmentRegistry, d: Department) -> Table:
    lineage = registry.department(registry.lineage_id(d.department_id))
    table = Table(title=f"{d.short_name} ({d.department_id})", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    table.add_row("official name", d.official_name)
    table.add_row("category", d.category)
    table.add_row("years", _years(d))
    table.add_row("aliases", "、".join(_alias_texts(registry, d)))
    predecessors = registry.predecessors(d.department_id)
    successors = registry.successors(d.department_id)
    table.add_row("predecessors", "\n".join(_edge_text(registry, e, e.from_id) for e in predecessors))
    table.add_row("successors", "\n".join(_edge_text(registry, e, e.to_id) for e in successors))
    table.add_row("line of work", f"{lineage.short_name} ({lineage.department_id})")
    table.add_row("notes", d.notes)
    return table


def _alias_texts(registry: DepartmentRegistry, d: Department) -> list[str]:
    """Each name once; a name that held for other years than the body's own (a plate) shows its years."""
    texts = {}
    for alias in registry.aliases():
        if alias.department_id == d.department_id:
            own_years = (alias.valid_from, alias.valid_to) == (d.valid_from, d.valid_to)
            years = "" if own_years else f" {alias.valid_from or ''}–{alias.valid_to or ''}"
            texts.setdefault(alias.name, alias.name + years)
    return list(texts.values())


def _edge_text(registry: DepartmentRegistry, edge: LineageEdge, other_id: str) -> str:
    other = registry.department(other_id)
    text = f"{edge.year} {edge.kind}: {other.short_name} ({other_id})"
    if not edge.primary:
        text += " (secondary)"
    return text + (f" — {edge.functions}" if edge.functions else "")


def _years(d: Department) -> str:
    if d.valid_from is None and d.valid_to is None:
        return ""
    return f"{d.valid_from or ''}–{d.valid_to or ''}"
