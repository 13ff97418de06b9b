"""Flow `ingest-plan`: read → skip unchanged → parse → prepare → validate → load, per source.

Reads local files (.md .txt .html .docx .pdf) or official pages (http/https, through
the page cache `http-cache/` beside the DuckDB file) and writes the warehouse's raw
tables. A source whose bytes are already loaded costs no parse: its sha256 is compared
with the warehouse before parsing and it is reported as skipped. A bad source is
reported by name and leaves the warehouse as it was; with `strict`, one bad source
stops the whole batch and nothing is written.

Reading and parsing are submitted to the flow's task runner, so they can run on a
Dask cluster; loading stays in the flow's thread because DuckDB has a single writer:

    from prefect_dask import DaskTaskRunner
    ingest_sources.with_options(task_runner=DaskTaskRunner(address="tcp://scheduler:8786"))(paths)

Run it: `ipplans ingest PATH...`, or from Python `ingest_sources(["plan.md"], db="data/ipplans.duckdb")`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
from prefect import flow, task, unmapped
from prefect.cache_policies import NO_CACHE

from flows.steps import (NotModified, SourceFailure, already_loaded, http_cache_dir,
                         load_registry_and_catalogue, open_warehouse, parse, prepare, progress_advance,
                         progress_start, read, validate_load, write)
from sources.fetch import FetchPolicy
from transforms.models import ParsedPlan, PlanError, SourceText
from warehouse.load import LoadResult, transaction


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

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def changed(self) -> bool:
        return any(result.status != "unchanged" for result in self.results)


read_task = task(read, name="read", cache_policy=NO_CACHE)
parse_task = task(parse, name="parse", cache_policy=NO_CACHE)
prepare_task = task(prepare, name="prepare-load", cache_policy=NO_CACHE)
validate_task = task(validate_load, name="validate", cache_policy=NO_CACHE)
write_task = task(write, name="load", cache_policy=NO_CACHE)

READ_PARSE, VALIDATE, LOAD = "read/parse", "validate", "load"


@flow(name="ingest-plan")
def ingest_sources(locations: list[str], db: str | None = None, strict: bool = False, check: bool = True,
                   catalogue_file: str | None = None, fetch_policy: FetchPolicy | None = None) -> IngestSummary:
    """Ingest every source, each in its own transaction (strict: all in one)."""
    registry, catalogue = load_registry_and_catalogue(catalogue_file)
    summary = IngestSummary()
    progress_start(READ_PARSE, len(locations))
    texts = _read_all(locations, http_cache_dir(db), fetch_policy, summary)
    if strict and summary.failures:
        return summary
    with open_warehouse(db) as con:
        changed = _drop_unchanged(con, texts, fetch_policy, summary)
        parsed = _parse_all(changed, catalogue, summary)
        if not (strict and summary.failures):
            _load_all(con, parsed, (registry, catalogue), check, strict, summary)
    return summary


def _read_all(locations: list[str], cache_dir, policy,
              summary: IngestSummary) -> list[tuple[str, SourceText | NotModified]]:
    """(location, SourceText | NotModified) for each source that could be read; failures noted."""
    futures = read_task.map(locations, cache_dir=unmapped(cache_dir), policy=unmapped(policy))
    read_ok = []
    for location, future in zip(locations, futures):
        text = _result_or_failure(future, location, summary)
        if text is None:
            progress_advance(READ_PARSE)
        else:
            read_ok.append((location, text))
    return read_ok


def _drop_unchanged(con, texts, policy, summary: IngestSummary) -> list[tuple[str, SourceText]]:
    """Keep the sources whose bytes the warehouse does not hold yet (sha256 compared before parsing)."""
    seen, changed = set(), []
    names: dict[str, str] = {}  # source name -> the location that first used it in this run
    for location, text in texts:
        key = (text.name, text.sha256)
        if text.name in names and key not in seen:
            # a source is known by its file name: a second, different file of that name would replace the first
            summary.failures.append(SourceFailure(text.name, f"another file in this run has the same name "
                                                             f"({names[text.name]}); rename one of them", location))
            progress_advance(READ_PARSE)
            continue
        names.setdefault(text.name, location)
        reason = ("same content earlier in this run" if key in seen
                  else "already in the warehouse" if already_loaded(con, *key) else None)
        seen.add(key)
        if reason:
            summary.skipped.append(Skipped(location, text.name, reason))
            summary.settled.append(location)
            progress_advance(READ_PARSE)
            continue
        if isinstance(text, NotModified):
            # The page cache outlived the warehouse copy (e.g. a deleted DuckDB file): download in full.
            text = _result_or_failure(read_task.submit(location, None, policy), location, summary)
            if text is None:
                progress_advance(READ_PARSE)
                continue
        changed.append((location, text))
    return changed


def _parse_all(texts, catalogue, summary: IngestSummary) -> list[tuple[str, ParsedPlan]]:
    futures = parse_task.map([text for _, text in texts], catalogue=unmapped(catalogue))
    parsed = []
    for (location, _), future in zip(texts, futures):
        plan = _result_or_failure(future, location, summary)
        progress_advance(READ_PARSE)
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


def _load_all(con, parsed, reference, check: bool, strict: bool, summary: IngestSummary) -> None:
    """Serial on purpose: DuckDB has one writer. Each source in its own transaction, or (strict) all in one."""
    progress_start(VALIDATE, len(parsed))
    progress_start(LOAD, len(parsed))
    if strict:
        _load_all_or_nothing(con, parsed, reference, check, summary)
        return
    for location, plan in parsed:
        _load_one_reporting(con, location, plan, reference, check, summary)


def _load_one(con, plan: ParsedPlan, reference, validate: bool, summary: IngestSummary) -> LoadResult:
    load = prepare_task(con, plan, *reference)  # reference: (department registry, plan catalogue)
    if isinstance(load, LoadResult):
        return load
    if validate:
        summary.warnings.extend(validate_task(con, load))
    progress_advance(VALIDATE)
    return write_task(con, load)


def _load_one_reporting(con, location: str, plan: ParsedPlan, reference, validate: bool,
                        summary: IngestSummary) -> None:
    warnings = len(summary.warnings)
    try:
        with transaction(con):
            result = _load_one(con, plan, reference, validate, summary)
        summary.results.append(result)  # only once committed: a failed commit loaded nothing
        summary.settled.append(location)
        return
    except PlanError as exc:
        summary.failures.append(SourceFailure(exc.source, exc.problem, location))
    except duckdb.Error as exc:  # e.g. the commit failed on a full disk: rolled back, the others go on
        summary.failures.append(SourceFailure(plan.source.name, f"not written to the warehouse: {exc}", location))
    except Exception as exc:  # noqa: BLE001 — rolled back and reported by source; the other sources go on
        summary.failures.append(SourceFailure(plan.source.name, f"internal error: {exc!r}", location))
    finally:
        progress_advance(LOAD)
    del summary.warnings[warnings:]  # the checks of a load that was not written warn about nothing


def _load_all_or_nothing(con, parsed, reference, validate: bool, summary: IngestSummary) -> None:
    current, results, warnings = None, [], len(summary.warnings)
    try:
        with transaction(con):
            for current, plan in parsed:
                results.append(_load_one(con, plan, reference, validate, summary))
                progress_advance(LOAD)
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
