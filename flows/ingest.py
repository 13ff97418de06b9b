"""Flow `ingest`: read → skip unchanged → parse → prepare → validate → load, per source.

Reads local files (.md .txt .html .docx .pdf) or official pages (http/https, through the
page cache `workspace.http_cache`) and writes the warehouse's raw tables. Each task is one
library call: `sources.read.read_source` or `sources.fetch.fetch_url`, `transforms.parse.parse_plan`,
`warehouse.load.prepare_load`, `expectations.gate.check_plan_load`, `warehouse.load.write_load`.
A source whose bytes are already loaded costs no parse: its sha256 is compared with the
warehouse before parsing and it is reported as skipped. A bad source is reported by name and
leaves the warehouse as it was; with `strict`, one bad source stops the whole batch and nothing
is written. Linking what was loaded is the `link` flow's job: with `link_changes` (as `ipplans
ingest` and `ipplans run` call it) the ingest runs it as its subflow, once the loads are written,
when the tasks or the curated overrides changed since the last matching — so the Prefect UI shows
one ingest run with its link run inside. Plans a stopped run left loaded but unlinked are linked
there too, whatever this run loads. A failed link run fails the ingest run with `LinkFailed`, whose
`.summary` (with `link_error`) still tells what was loaded, as that stays loaded; the caller says so
(`ipplans ingest` exits 1).

Reading and parsing are submitted to the flow's task runner, so they can run on a Dask
cluster; loading stays in the flow's thread because DuckDB has a single writer:

    from prefect_dask import DaskTaskRunner
    ingest.with_options(task_runner=DaskTaskRunner(address="tcp://scheduler:8786"))(paths, Workspace.at(db))

Run it: `ipplans ingest PATH...`, or from Python `ingest(["plan.md"], Workspace.at("data/ipplans.duckdb"))`.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from prefect import task
from prefect.cache_policies import NO_CACHE

from expectations.gate import check_plan_load
from flows.link import LinkSummary, link
from flows.parameters import flow
from flows.progress import SILENT, Progress
from flows.workspace import Workspace
from sources.catalogue import load_catalogue
from sources.fetch import FetchPolicy, FetchResult, fetch_url, source_name
from sources.inputs import is_url
from sources.read import read_source
from sources.registry import load_department_registry
from transforms.models import ParsedPlan, PlanError, SourceText
from transforms.parse import parse_plan
from warehouse.connection import open as open_warehouse
from warehouse.link_state import links_current, unlinked_plans
from warehouse.load import LoadResult, loaded_sha256, prepare_load, transaction, write_load


@dataclass(frozen=True)
class SourceFailure:
    """A source that could not be loaded, and why."""

    source: str
    problem: str
    location: str

    def __str__(self) -> str:
        return f"{self.source}: {self.problem}"


@dataclass(frozen=True)
class NotModified:
    """A page the server reports unchanged since it was last fetched: no body was sent."""

    location: str
    name: str
    sha256: str


@dataclass(frozen=True)
class Skipped:
    """A source not parsed because the warehouse already holds exactly its content."""

    location: str
    source_name: str
    reason: str


@dataclass
class IngestSummary:
    """What an ingest did, source by source."""

    results: list[LoadResult] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    failures: list[SourceFailure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # locations whose content is in the warehouse after this run (loaded now or before)
    settled: list[str] = field(default_factory=list)
    locations: dict[str, str] = field(default_factory=dict)  # source name of each result -> its location
    links: LinkSummary | None = None  # the link subflow's, when it ran (link_changes)
    link_error: str | None = None  # why that link failed

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def changed(self) -> bool:
        return any(result.status != "unchanged" for result in self.results)


class LinkFailed(RuntimeError):
    """The ingest's link subflow failed: the ingest run is Failed, the loads stand (`.summary`)."""

    def __init__(self, summary: IngestSummary):
        super().__init__(f"link: {summary.link_error}")
        self.summary = summary


read_task = task(read_source, name="read", cache_policy=NO_CACHE)
fetch_task = task(fetch_url, name="fetch", cache_policy=NO_CACHE)
parse_task = task(parse_plan, name="parse", cache_policy=NO_CACHE)
prepare_task = task(prepare_load, name="prepare-load", cache_policy=NO_CACHE)
validate_task = task(check_plan_load, name="validate", cache_policy=NO_CACHE)
write_task = task(write_load, name="load", cache_policy=NO_CACHE)

READ_PARSE, VALIDATE, LOAD = "read/parse", "validate", "load"


@flow(name="ingest")
def ingest(locations: list[str], workspace: Workspace | None = None, strict: bool = False,
           catalogue_file: str | None = None, fetch_policy: FetchPolicy | None = None,
           progress: Progress | None = None, link_changes: bool = False) -> IngestSummary:
    """Ingest every source, each in its own transaction (strict: all in one); with `link_changes`,
    then the link subflow when the tasks or overrides changed since the last matching."""
    workspace, progress = workspace or Workspace.at(), progress or SILENT
    summary = _load_sources(locations, workspace, strict, catalogue_file, fetch_policy, progress)
    if link_changes and _links_due(workspace, summary):
        try:
            summary.links = link(workspace, progress=progress)
        except Exception as exc:  # noqa: BLE001 — any cause fails the run the same way; the loads stand
            summary.link_error = str(exc)
            raise LinkFailed(summary) from exc
    return summary


def _links_due(workspace: Workspace, summary: IngestSummary) -> bool:
    """After new loads; when a plan is loaded but unlinked (a run stopped between load and link); or when
    the last matching saw other overrides — that one healed only by a clean ingest, as a refused source
    leaves the warehouse as it was."""
    if summary.changed:
        return True
    with open_warehouse(workspace.db, "read") as con:
        return bool(unlinked_plans(con)) or (summary.ok and not links_current(con, workspace.overrides_text()))


def _load_sources(locations: list[str], workspace: Workspace, strict: bool, catalogue_file: str | None,
                  fetch_policy: FetchPolicy | None, progress: Progress) -> IngestSummary:
    catalogue = load_catalogue(Path(catalogue_file) if catalogue_file else None)
    summary = IngestSummary()
    progress.start(READ_PARSE, len(locations))
    texts = _read_all(locations, workspace.http_cache, fetch_policy or FetchPolicy(), summary, progress)
    if strict and summary.failures:
        return summary
    with open_warehouse(workspace.db, "write") as con:
        changed = _drop_unchanged(con, texts, fetch_policy or FetchPolicy(), summary, progress)
        parsed = _parse_all(changed, catalogue, summary, progress)
        if not (strict and summary.failures):
            _load_all(con, parsed, (load_department_registry(), catalogue), strict, summary, progress)
    return summary


def _submit_read(location: str, cache_dir: Path, policy: FetchPolicy):
    return fetch_task.submit(location, cache_dir, policy) if is_url(location) else read_task.submit(Path(location))


def _as_text(location: str, outcome: SourceText | FetchResult | None) -> SourceText | NotModified | None:
    """What a read found: the text, or (a page the cache says is unchanged) its name and hash only."""
    if isinstance(outcome, FetchResult):
        return outcome.source or NotModified(location, source_name(outcome.final_url), outcome.sha256)
    return outcome


def _read_all(locations: list[str], cache_dir: Path, policy: FetchPolicy, summary: IngestSummary,
              progress: Progress) -> list[tuple[str, SourceText | NotModified]]:
    """(location, SourceText | NotModified) for each source that could be read; failures noted."""
    futures = [_submit_read(location, cache_dir, policy) for location in locations]
    read_ok = []
    for location, future in zip(locations, futures):
        text = _as_text(location, _result_or_failure(future, location, summary))
        if text is None:
            progress.advance(READ_PARSE)
        else:
            read_ok.append((location, text))
    return read_ok


def _drop_unchanged(con, texts, policy: FetchPolicy, summary: IngestSummary,
                    progress: Progress) -> list[tuple[str, SourceText]]:
    """Keep the sources whose bytes the warehouse does not hold yet (sha256 compared before parsing)."""
    seen, changed = set(), []
    names: dict[str, str] = {}  # source name -> the location that first used it in this run
    for location, text in texts:
        key = (text.name, text.sha256)
        if text.name in names and key not in seen:
            # a source is known by its file name: a second, different file of that name would replace the first
            summary.failures.append(SourceFailure(text.name, f"another file in this run has the same name "
                                                             f"({names[text.name]}); rename one of them", location))
            progress.advance(READ_PARSE)
            continue
        names.setdefault(text.name, location)
        reason = ("same content earlier in this run" if key in seen
                  else "already in the warehouse" if loaded_sha256(con, text.name) == text.sha256 else None)
        seen.add(key)
        if reason:
            summary.skipped.append(Skipped(location, text.name, reason))
            summary.settled.append(location)
            progress.advance(READ_PARSE)
            continue
        if isinstance(text, NotModified):
            text = _download_in_full(location, policy, summary)
            if text is None:
                progress.advance(READ_PARSE)
                continue
        changed.append((location, text))
    return changed


def _download_in_full(location: str, policy: FetchPolicy, summary: IngestSummary) -> SourceText | None:
    """The page cache outlived the warehouse copy (e.g. a deleted DuckDB file): fetch past the cache."""
    with tempfile.TemporaryDirectory() as scratch:
        return _as_text(location, _result_or_failure(fetch_task.submit(location, Path(scratch), policy),
                                                     location, summary))


def _parse_all(texts, catalogue, summary: IngestSummary, progress: Progress) -> list[tuple[str, ParsedPlan]]:
    futures = [parse_task.submit(text, catalogue) for _, text in texts]
    parsed = []
    for (location, _), future in zip(texts, futures):
        plan = _result_or_failure(future, location, summary)
        progress.advance(READ_PARSE)
        if plan is not None:
            parsed.append((location, plan))
    return parsed


def _result_or_failure(future, location: str, summary: IngestSummary):
    """The task's result, or None with the source's problem added to the summary."""
    outcome = future.result(raise_on_failure=False)
    if not isinstance(outcome, BaseException):
        return outcome
    if isinstance(outcome, PlanError):  # PlanError pickles, so it also comes back from Dask workers
        summary.failures.append(SourceFailure(outcome.source, outcome.problem, location))
    else:  # a bug or an environment fault: still reported by source, so the other sources go on
        summary.failures.append(SourceFailure(location, f"internal error: {outcome!r}", location))
    return None


def _load_all(con, parsed, reference, strict: bool, summary: IngestSummary, progress: Progress) -> None:
    """Serial on purpose: DuckDB has one writer. Each source in its own transaction, or (strict) all in one."""
    progress.start(VALIDATE, len(parsed))
    progress.start(LOAD, len(parsed))
    if strict:
        _load_all_or_nothing(con, parsed, reference, summary, progress)
        return
    for location, plan in parsed:
        _load_one_reporting(con, location, plan, reference, summary, progress)


def _load_one(con, plan: ParsedPlan, reference, summary: IngestSummary, progress: Progress) -> LoadResult:
    load = prepare_task(con, plan, *reference)  # reference: (department registry, plan catalogue)
    if isinstance(load, LoadResult):
        return load
    summary.warnings.extend(validate_task(con, load))
    progress.advance(VALIDATE)
    return write_task(con, load)


def _load_one_reporting(con, location: str, plan: ParsedPlan, reference, summary: IngestSummary,
                        progress: Progress) -> None:
    warnings = len(summary.warnings)
    try:
        with transaction(con):
            result = _load_one(con, plan, reference, summary, progress)
        summary.results.append(result)  # only once committed: a failed commit loaded nothing
        summary.settled.append(location)
        summary.locations[result.source_name] = location
        return
    except PlanError as exc:
        summary.failures.append(SourceFailure(exc.source, exc.problem, location))
    except duckdb.Error as exc:  # e.g. the commit failed on a full disk: rolled back, the others go on
        summary.failures.append(SourceFailure(plan.source.name, f"not written to the warehouse: {exc}", location))
    except Exception as exc:  # noqa: BLE001 — rolled back and reported by source; the other sources go on
        summary.failures.append(SourceFailure(plan.source.name, f"internal error: {exc!r}", location))
    finally:
        progress.advance(LOAD)
    del summary.warnings[warnings:]  # the checks of a load that was not written warn about nothing


def _load_all_or_nothing(con, parsed, reference, summary: IngestSummary, progress: Progress) -> None:
    current, results, warnings = None, [], len(summary.warnings)
    try:
        with transaction(con):
            for current, plan in parsed:
                results.append(_load_one(con, plan, reference, summary, progress))
                progress.advance(LOAD)
    except PlanError as exc:  # rolled back: nothing of this batch was written
        summary.failures.append(SourceFailure(exc.source, exc.problem, current))
        del summary.warnings[warnings:]
        return
    except duckdb.Error as exc:  # e.g. the commit failed on a full disk: nothing of this batch was written
        summary.failures.append(SourceFailure(current, f"not written to the warehouse: {exc}", current))
        del summary.warnings[warnings:]
        return
    summary.results.extend(results)
    summary.settled.extend(location for location, _ in parsed)
    summary.locations.update((result.source_name, location) for result, (location, _) in zip(results, parsed))
