"""CLI commands about task lineages: `link`, `lineage`, `explain`, `review`, `evaluate`.

Thin calls of `ipplans.link` (the `link` flow, flows/link.py), `ipplans.lineage`
(`warehouse.links.read_lineage_by_source`), `ipplans.explain` (`transforms.matching.explain.explain_link`)
`ipplans.review` (`warehouse.links.read_review`) and `ipplans.evaluate`
(`transforms.matching.evaluation.evaluate_gold`), printed as tables; `evaluate` also prints the matcher
beside the reference baseline on the same plans (`gold_comparison`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from flows.commands.options import DbOption, TemporaryServerOption, data_console, fail, print_csv

OverridesOption = Annotated[Path | None, typer.Option(
    "--overrides", help="Curated link decisions (default: link_overrides.csv beside the DuckDB file)")]


def register(app: typer.Typer) -> None:
    app.command("link")(link)
    app.command("lineage")(lineage)
    app.command("explain")(explain)
    app.command("review")(review)
    app.command("evaluate")(evaluate)


def _console():
    console = data_console()
    # piped output keeps whole rows on one line instead of wrapping at 80 columns
    return console if console.is_terminal else data_console(width=160)


def link(
    db: DbOption = None,
    overrides: OverridesOption = None,
    rebuild: Annotated[bool, typer.Option(
        "--rebuild", help="Match every plan again (default: only the plans new or changed since the last matching)")]
    = False,
    temporary_server: TemporaryServerOption = False,
) -> None:
    """Match tasks into lineages: new or changed plans are linked against the lineages already there.

    `ipplans run` and `ipplans ingest` do this after every load; run it yourself after editing
    link_overrides.csv, or with --rebuild after upgrading ipplans.
    Example: ipplans link --rebuild
    """
    from flows import api
    from flows.commands.summaries import print_line, print_link_summary, print_ui, progress_bars
    from warehouse.connection import WarehouseError

    try:
        with progress_bars() as progress:
            summary = api.link(db=db, overrides=overrides, rebuild=rebuild, temporary_server=temporary_server,
                                   progress=progress)
    except WarehouseError as error:  # e.g. no warehouse yet: the flow would create an empty one and link nothing
        fail(str(error))
    except Exception as error:  # noqa: BLE001 — the flow failed: said by step, as every flow command does
        print_line(f"FAILED   link: {error}", style="red", stderr=True)
        raise typer.Exit(1) from error
    print_link_summary(summary)
    print_ui(summary)


def lineage(
    csv: Annotated[bool, typer.Option("--csv", help="Print CSV (source,number,lineage) instead of a table.")] = False,
    db: DbOption = None,
) -> None:
    """The lineage of every task of every ingested file (copies of one plan share lineages).

    Example: ipplans lineage --csv > lineage.csv
    """
    from flows import api

    rows = api.lineage(db=db)
    if csv:
        print_csv(list(rows.columns), rows.itertuples(index=False))
        return
    table = Table(title="Task lineages")
    for column in ("source", "number", "lineage"):
        table.add_column(column)
    for source, number, line in rows.itertuples(index=False):
        table.add_row(source, str(number), line or "")
    _console().print(table)


def _task_ref(reference: str) -> tuple[str, str]:
    plan, sep, task = reference.rpartition(":")
    if not sep or not plan or not task:
        raise typer.BadParameter(f"{reference!r}: write a task as PLAN:NUMBER, e.g. 2016:1 or 2021-2022:3")
    return plan, task


def explain(
    earlier: Annotated[str, typer.Argument(help="Earlier task as PLAN:NUMBER, e.g. 2016:1")],
    later: Annotated[str, typer.Argument(help="Later task as PLAN:NUMBER, e.g. 2020:22")],
    db: DbOption = None,
    overrides: OverridesOption = None,
) -> None:
    """Why two tasks are (not) linked: every signal, its level and weight, and the decision.

    Example: ipplans explain 2016:1 2020:22
    """
    from flows import api

    for reference in (earlier, later):
        _task_ref(reference)  # a usage error, said as typer says them
    try:
        found = api.explain(earlier, later, db=db, overrides=overrides)
    except (KeyError, ValueError) as error:
        fail(str(error.args[0] if error.args else error))
    _console().print(_explain_table(found))


def _explain_table(found: dict) -> Table:
    decision = found["decision"]
    verdict = decision["status"] + (f" ({decision['reason']})" if decision.get("reason") else "")
    table = Table(title=f"{found['from']['plan']}:{found['from']['task_no']} → {found['to']['plan']}:"
                        f"{found['to']['task_no']}   score {found['score']:.3f}   {verdict}")
    for column in ("comparison", "level", "weight (bits)", "u"):
        table.add_column(column)
    table.add_row("prior", "gap pair" if found["gap_pair"] else "consecutive plans",
                  f"{found['prior_log2_odds']:+.2f}", "")
    for name, part in found["comparisons"].items():
        table.add_row(name, part["level"], f"{part['weight']:+.2f}", "" if part["u"] is None else f"{part['u']:.4f}")
    for name, value in found["signals"].items():
        table.add_row(f"  {name}", "" if value is None else f"{value:.3f}", "", "")
    table.add_row("shared titles", found["shared_titles"] or "-", "", "")
    table.add_row("shared departments", found["shared_departments"] or "-", "", "")
    table.add_row("changes", "|".join(found["changes"]) or "-", "", "")
    table.add_row("earlier text", found["from"]["text"], "", "")
    table.add_row("later text", found["to"]["text"], "", "")
    return table


def review(db: DbOption = None) -> None:
    """Pairs the matcher would link but is not sure of (listed for a person to confirm or reject).

    Record decisions in link_overrides.csv (from_plan,from_task,to_plan,to_task,decision,note).
    Example: ipplans review
    """
    from flows import api

    rows = api.review(db=db)
    table = Table(title=f"Links to review ({len(rows)})")
    for column in ("earlier", "later", "score", "kind", "shared titles", "earlier text", "later text"):
        table.add_column(column, overflow="fold")
    for row in rows.itertuples(index=False):
        table.add_row(f"{row.from_plan}:{row.from_task_no}", f"{row.to_plan}:{row.to_task_no}", f"{row.score:.3f}",
                      row.kind or "", row.shared_titles or "", row.from_text or "", row.to_text or "")
    _console().print(table)


def evaluate(
    gold: Annotated[Path, typer.Argument(help="Gold CSV: left_file,left_task,right_file,right_task,label,note")],
    db: DbOption = None,
    labelled_only: Annotated[bool, typer.Option(
        "--labelled-only", help="Score only the labelled rows (default: closed world within labelled file pairs)")]
    = False,
    synthetic: Annotated[int, typer.Option(
        "--synthetic", help="Tasks per plan of the synthetic series also scored (0: skip it)")] = 100,
) -> None:
    """Precision, recall and F1 of the lineages against a gold file, every miss, and the matcher
    beside the reference baseline on the gold pairs, leave-one-plan-out and a synthetic series.

    Example: ipplans evaluate ../shared/eval/gold_dev.csv
    """
    from flows import api

    if not gold.is_file():
        fail(f"no gold file at {gold}")
    found = api.evaluate(gold, db=db, labelled_only=labelled_only)
    result = found.stored
    console = _console()
    console.print(f"stored lineages: {result.summary()}")
    if len(result.misses):
        table = Table(title="Misses")
        for column in ("left", "right", "label", "error", "note"):
            table.add_column(column, overflow="fold")
        for miss in result.misses.itertuples(index=False):
            table.add_row(f"{miss.left_file}:{miss.left_task}", f"{miss.right_file}:{miss.right_task}", miss.label,
                          miss.error, miss.note or "")
        console.print(table)
    console.print(_comparison_table(found.labels, found.source_tasks, found.tasks, synthetic))


def _comparison_table(labels, source_tasks, tasks, synthetic: int) -> Table:
    """Matcher and reference baseline side by side (transforms.matching.evaluation.gold_comparison)."""
    from transforms.matching.baseline import baseline_lineage
    from transforms.matching.evaluation import gold_comparison, pairwise_lineage_scores
    from transforms.matching.matcher import match_plans

    matchers = {"matcher": lambda t: match_plans(t).lineage, "baseline": baseline_lineage}
    rows = gold_comparison(labels, source_tasks, tasks, matchers).to_dict("records")
    if synthetic:
        try:
            from benchmarks.synthetic import generate_series
        except ImportError:  # an installed ipplans has no benchmarks/ folder
            generate_series = None
        if generate_series is not None:
            series = generate_series(synthetic, 8, seed=0)
            for name, matcher in matchers.items():
                found = pairwise_lineage_scores(matcher(series.tasks), series.truth)
                rows.append({"setting": f"synthetic {synthetic}/plan × 8", "matcher": name, "P": found.precision,
                             "R": found.recall, "F1": found.f1})
    table = Table(title="Matcher vs reference baseline")
    for column in ("setting", "matcher", "precision", "recall", "F1"):
        table.add_column(column)
    for row in rows:
        table.add_row(row["setting"], row["matcher"], f"{row['P']:.3f}", f"{row['R']:.3f}", f"{row['F1']:.3f}")
    return table
