"""ipplans from Python: one function per command, of the same name (`ipplans link` → `api.link()`).

    from flows import api

    api.run()                                    # the main job, as `ipplans run`
    api.ingest(["../shared/plans/2016.showlaw.txt"], db="data/ipplans.duckdb")
    columns, rows = api.plans()                  # what `ipplans plans` prints
    api.report("2016", "2020", out="reports")

Each takes the command's options as keyword arguments (`db=` is `--db`, default `$IPPLANS_DB` or
`data/ipplans.duckdb`) and returns what the command prints, as data: a summary of what a run did,
`Rows` of a table, or the library's own records. The CLI (flows/cli.py, flows/commands/) is a thin
layer over these: it parses options, calls the function and prints the result. Paths come from one
`Workspace` (flows/workspace.py); the commands that run flows do so through flows/runtime.py (quick
check, Prefect server). Importing this module is cheap: Prefect, Great Expectations, pandas and
the matcher are imported only by the functions that need them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows.progress import SILENT, Progress
from flows.server import server_start, server_status, server_stop
from flows.settings import RunSettings
from flows.workspace import Workspace
from warehouse import listings
from warehouse.connection import open as open_warehouse
from warehouse.listings import Rows

PathLike = str | Path

__all__ = ["run", "ingest", "link", "report", "remove", "plans", "tasks", "sources", "sql", "search", "history",
           "lineage", "review", "explain", "evaluate", "validate", "export", "departments", "department", "serve",
           "server_start", "server_stop", "server_status", "Rows", "Workspace", "RunSettings"]


# ---- commands that run flows -------------------------------------------------------------------

def run(paths: Sequence[PathLike] = (), *, db: PathLike | None = None, out: PathLike | None = None,
        inbox: PathLike | None = None, overrides: PathLike | None = None, strict: bool = False,
        catalogue: bool = False, catalogue_file: PathLike | None = None, lang: str = "zh",
        dask: str | None = None, temporary_server: bool = False, progress: Progress = SILENT, fetch_policy=None):
    """`ipplans run`: the bundled sample, ../shared/plans, the inbox and `paths`, through the pipeline
    flow (ingest → link → report → publish). Returns its PipelineSummary, or NothingNew when the quick
    check found nothing to do."""
    from flows.runtime import run_flows

    workspace = Workspace.at(db, inbox=inbox, reports=out, overrides=overrides)
    settings = RunSettings(paths=tuple(map(str, paths)), defaults=True, catalogue=catalogue,
                           catalogue_file=str(catalogue_file) if catalogue_file else None, strict=strict,
                           lang=lang, dask=dask)
    return run_flows("run", settings, workspace, fetch_policy=fetch_policy, temporary_server=temporary_server,
                     progress=progress)


def ingest(paths: Sequence[PathLike], *, db: PathLike | None = None, strict: bool = False,
           temporary_server: bool = False, progress: Progress = SILENT, fetch_policy=None):
    """`ipplans ingest`: only the paths given (files or URLs), through the ingest flow, then the link flow
    when something changed; recorded in the run history, no reports. PipelineSummary or NothingNew."""
    from flows.runtime import run_flows

    settings = RunSettings(paths=tuple(map(str, paths)), inbox=False, strict=strict, reports="never")
    return run_flows("ingest", settings, Workspace.at(db), fetch_policy=fetch_policy,
                     temporary_server=temporary_server, progress=progress)


def link(*, db: PathLike | None = None, overrides: PathLike | None = None, rebuild: bool = False,
         temporary_server: bool = False, progress: Progress = SILENT):
    """`ipplans link`: the link flow on the warehouse (it must exist); its LinkSummary."""
    from flows.runtime import run_flow
    from warehouse.connection import require_warehouse

    workspace = Workspace.at(db, overrides=overrides)
    require_warehouse(workspace.db)  # else the flow would create an empty warehouse and link nothing
    from flows.link import link as link_flow

    return run_flow(link_flow, workspace, rebuild, progress, warehouse=workspace.db, temporary_server=temporary_server,
                    progress=progress)


def report(from_plan: str | None = None, to_plan: str | None = None, *, all_pairs: bool = False,
           db: PathLike | None = None, out: PathLike | None = None, lang: str = "zh",
           temporary_server: bool = False):
    """`ipplans report FROM TO`: one pair report, written without Prefect; `all_pairs=True`
    (`--all`): the report flow (every neighbouring pair, the overview, lineage pages), then the
    publish flow (Prefect artifacts). Returns the ReportSummary (paths, artifact keys)."""
    if all_pairs and (from_plan or to_plan):
        raise ValueError("give two plans or --all, not both")
    if not all_pairs and not (from_plan and to_plan):
        raise ValueError("give two plans (ipplans report FROM TO) or --all")
    workspace = Workspace.at(db, reports=out)
    if not all_pairs:
        from flows.report_files import write_pair_report

        return write_pair_report(workspace, from_plan, to_plan, lang)
    from flows.runtime import prefect_session, ui_for

    with prefect_session(temporary_server) as api_url:
        from flows.publish import publish
        from flows.report import report as report_flow

        summary = report_flow(workspace, lang)
        summary.artifact_keys = publish(summary.reports, lang)
    summary.prefect_ui = ui_for(api_url)
    return summary


def remove(source: str, *, db: PathLike | None = None, overrides: PathLike | None = None,
           temporary_server: bool = False):
    """`ipplans remove SOURCE`: the remove flow (the source out in one transaction, then every plan
    linked again); its RemoveSummary. LookupError when no source has that name."""
    from warehouse.load import loaded_sha256

    workspace = Workspace.at(db, overrides=overrides)
    with open_warehouse(workspace.db, "read") as con:  # a name that is not loaded fails here, before Prefect
        if loaded_sha256(con, source) is None:
            raise LookupError(f"no source named {source!r} in {workspace.db} (see `ipplans sources`)")
    from flows.remove import remove as remove_flow
    from flows.runtime import run_flow

    return run_flow(remove_flow, source, workspace, warehouse=workspace.db, temporary_server=temporary_server)


def serve(*, db: PathLike | None = None, out: PathLike | None = None, inbox: PathLike | None = None,
          catalogue_file: PathLike | None = None, lang: str = "zh") -> None:
    """`ipplans serve`: register the daily and weekly deployments of the pipeline and run them when due."""
    from flows.serve import serve as serve_deployments

    serve_deployments(Workspace.at(db, inbox=inbox, reports=out), catalogue_file, lang)


# ---- commands that read the warehouse ----------------------------------------------------------

def plans(*, db: PathLike | None = None) -> Rows:
    """`ipplans plans`: one row per plan loaded."""
    with open_warehouse(Workspace.at(db).db, "read") as con:
        return listings.plans(con)


def tasks(plan: str, *, db: PathLike | None = None) -> Rows:
    """`ipplans tasks PLAN`: the plan's tasks with their departments (no rows: no such plan)."""
    with open_warehouse(Workspace.at(db).db, "read") as con:
        return listings.tasks(con, plan)


def sources(plan: str | None = None, *, db: PathLike | None = None) -> tuple[Rows, Rows]:
    """`ipplans sources [PLAN]`: the source files of each plan, and where copies of one plan differ."""
    with open_warehouse(Workspace.at(db).db, "read") as con:
        return listings.sources(con, plan)


def sql(statement: str, *, db: PathLike | None = None) -> Rows:
    """`ipplans sql QUERY`: on a read-only connection without outside file access (statements that
    write, or read other files, fail with duckdb.Error)."""
    with open_warehouse(Workspace.at(db).db, "read") as con:
        return listings.query(con, statement)


def search(text: str, *, year_from: int | None = None, year_to: int | None = None,
           department: str | None = None, db: PathLike | None = None):
    """`ipplans search QUERY`: every task mentioning it, grouped by line of work, best first
    (`warehouse.analysis.search`); a list of transforms.search.LineageHits."""
    from warehouse.analysis import search as search_warehouse

    with open_warehouse(Workspace.at(db).db, "read") as con:
        return search_warehouse(con, text, year_from=year_from, year_to=year_to, department=department)


def history(reference: str, *, db: PathLike | None = None):
    """`ipplans history PLAN:TASK|LINEAGE`: one line of work across the plans (`warehouse.analysis.history`)."""
    from warehouse.analysis import history as read_history

    with open_warehouse(Workspace.at(db).db, "read") as con:
        return read_history(con, reference)


def lineage(*, db: PathLike | None = None):
    """`ipplans lineage`: the lineage of every task of every ingested file (a DataFrame: source,
    number, lineage; `warehouse.links.read_lineage_by_source`)."""
    from warehouse.links import read_lineage_by_source

    with open_warehouse(Workspace.at(db).db, "read") as con:
        return read_lineage_by_source(con)


def review(*, db: PathLike | None = None):
    """`ipplans review`: the links near the threshold, for a person to decide (a DataFrame;
    `warehouse.links.read_review`)."""
    from warehouse.links import read_review

    with open_warehouse(Workspace.at(db).db, "read") as con:
        return read_review(con)


def explain(earlier: str, later: str, *, db: PathLike | None = None, overrides: PathLike | None = None) -> dict:
    """`ipplans explain PLAN:TASK PLAN:TASK`: every comparison's level, m, u and weight behind one pair,
    and the decision (`transforms.matching.explain.explain_link`). KeyError or ValueError for a task
    that is not there, or plans in the wrong order."""
    from sources.registry import load_department_registry
    from transforms.matching.explain import explain_link
    from transforms.matching.overrides import parse_overrides
    from warehouse.links import read_tasks_frame

    (from_plan, from_task), (to_plan, to_task) = _task_reference(earlier), _task_reference(later)
    workspace = Workspace.at(db, overrides=overrides)
    with open_warehouse(workspace.db, "read") as con:
        tasks = read_tasks_frame(con, load_department_registry())
    return explain_link(tasks, from_plan, from_task, to_plan, to_task,
                        overrides=parse_overrides(workspace.overrides_text()))


@dataclass
class GoldEvaluation:
    """`ipplans evaluate`: the stored lineages scored against a gold file, and what that was read from
    (so other matchers can be scored on the same plans: `transforms.matching.evaluation.gold_comparison`)."""

    stored: Any  # transforms.matching.evaluation.Evaluation: precision, recall, F1, misses
    labels: Any  # the gold rows (DataFrame), file names matched to the sources ingested
    source_tasks: Any  # every ingested file's tasks (DataFrame)
    tasks: Any  # the matcher's input frame (DataFrame)


def evaluate(gold: PathLike, *, db: PathLike | None = None, labelled_only: bool = False) -> GoldEvaluation:
    """`ipplans evaluate GOLD`: precision, recall and F1 of the stored lineages against a gold CSV
    (`transforms.matching.evaluation.evaluate_gold`; closed world within the labelled file pairs unless
    `labelled_only`). The command also prints the matcher beside the reference baseline on `tasks`."""
    from sources.registry import load_department_registry
    from transforms.matching.evaluation import evaluate_gold, read_gold
    from warehouse.links import read_previous_lineage, read_source_tasks, read_tasks_frame

    with open_warehouse(Workspace.at(db).db, "read") as con:
        source_tasks, lineage_rows = read_source_tasks(con), read_previous_lineage(con)
        tasks = read_tasks_frame(con, load_department_registry())
    labels = _match_file_names(read_gold(Path(gold).read_text(encoding="utf-8-sig")), set(source_tasks["source"]))
    return GoldEvaluation(evaluate_gold(labels, source_tasks, lineage_rows, closed_world=not labelled_only),
                          labels, source_tasks, tasks)


def _match_file_names(gold, ingested: set[str]):
    """Gold rows name files; ingested sources keep the name as given, which may include folders."""
    by_base = {Path(name).name: name for name in ingested}
    for column in ("left_file", "right_file"):
        gold[column] = [name if name in ingested else by_base.get(Path(name).name, name) for name in gold[column]]
    return gold


def _task_reference(reference: str) -> tuple[str, str]:
    plan, sep, task = reference.rpartition(":")
    if not sep or not plan or not task:
        raise ValueError(f"{reference!r}: write a task as PLAN:NUMBER, e.g. 2016:1 or 2021-2022:3")
    return plan, task


def validate(plan: str | None = None, *, db: PathLike | None = None, docs: bool = False):
    """`ipplans validate [PLAN]`: the plan suites on what is loaded (and, for all plans, the link suite
    and whether every plan is linked); with `docs`, results are kept and the Data Docs built.
    Returns (reports, path of the Data Docs index or None)."""
    from contextlib import nullcontext

    from expectations.gate import check_link_state, check_links, validate_loaded
    from expectations.worker import worker_running
    from flows.server import validation_service

    workspace = Workspace.at(db)
    results_dir = workspace.gx_results if docs else None
    # GX already imported in the service beside a running local server; the Data Docs are built here
    service = None if docs else validation_service()
    with worker_running(service) if service else nullcontext(), open_warehouse(workspace.db, "read") as con:
        reports = validate_loaded(con, plan, results_dir=results_dir)
        if plan is None:
            reports += [check_links(con, results_dir=results_dir), check_link_state(con)]
    if not docs:
        return reports, None
    from expectations.suites import build_data_docs

    return reports, build_data_docs(results_dir)


def export(*, xlsx: PathLike | None = None, csv: PathLike | None = None, db: PathLike | None = None) -> list[Path]:
    """`ipplans export --xlsx FILE --csv DIR`: the paths written (`flows.export_files.export`)."""
    from flows.export_files import export as export_files

    return export_files(db, xlsx=xlsx, csv_dir=csv)


def departments(*, year: int | None = None, unknown: bool = False, db: PathLike | None = None) -> list:
    """`ipplans departments`: the registry's bodies (those of `year`); with `unknown`, the names the
    warehouse could not resolve (dicts: plan_id, found_in, task_key, position, raw_name)."""
    if unknown:
        from warehouse.departments import unknown_departments

        with open_warehouse(Workspace.at(db).db, "read") as con:
            return unknown_departments(con)
    from sources.registry import load_department_registry

    registry = load_department_registry()
    return registry.departments_in(year) if year is not None else registry.departments()


def department(name: str, *, year: int | None = None):
    """`ipplans department NAME`: the body the name stands for (as printed in `year`), or None."""
    from sources.registry import load_department_registry

    return load_department_registry().find(name, year)
