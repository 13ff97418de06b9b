"""Flow `ingest-plan`: read → parse → resolve departments → validate → load, for each source.

Reads local files or official pages and writes the warehouse. Each step is one Prefect
task wrapping a package function, so the flow body reads as the table of contents of
an ingest. A bad source is reported by name and leaves the warehouse as it was; with
`strict`, one bad source stops the whole batch and nothing is written.

Run it: `ipplans ingest PATH...`, or from Python `ingest_sources(["plan.md"])`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.steps import (SourceFailure, load_registry_and_catalogue, open_warehouse, prepare, read,
                         validate_load, write)
from transforms.models import ParsedPlan, PlanError
from transforms.parse import parse_plan
from warehouse.load import LoadResult, PlanLoad, transaction


@dataclass
class IngestSummary:
    """What an ingest did, source by source."""

    results: list[LoadResult] = field(default_factory=list)
    failures: list[SourceFailure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def changed(self) -> bool:
        return any(result.status != "unchanged" for result in self.results)


read_task = task(read, name="read", cache_policy=NO_CACHE)
parse_task = task(parse_plan, name="parse", cache_policy=NO_CACHE)
prepare_task = task(prepare, name="prepare-load", cache_policy=NO_CACHE)
validate_task = task(validate_load, name="validate", cache_policy=NO_CACHE)
write_task = task(write, name="load", cache_policy=NO_CACHE)


@flow(name="ingest-plan")
def ingest_sources(locations: list[str], db: str | None = None, strict: bool = False,
                   check: bool = True) -> IngestSummary:
    """Ingest every source, each in its own transaction (strict: all in one)."""
    registry, catalogue = load_registry_and_catalogue()
    summary = IngestSummary()
    parsed = _read_and_parse(locations, catalogue, summary)
    if strict and summary.failures:
        return summary
    with open_warehouse(db) as con:
        if strict:
            _load_all_or_nothing(con, parsed, registry, check, summary)
        else:
            for plan in parsed:
                _load_one_reporting(con, plan, registry, check, summary)
    return summary


def _read_and_parse(locations: list[str], catalogue, summary: IngestSummary) -> list[ParsedPlan]:
    parsed = []
    for location in locations:
        try:
            source = read_task(location)
            if source is None:
                summary.results.append(LoadResult(location, "", "unchanged"))
                continue
            parsed.append(parse_task(source, catalogue))
        except PlanError as exc:
            summary.failures.append(SourceFailure(exc.source, exc.problem, location))
    return parsed


def _load_one(con, plan: ParsedPlan, registry, validate: bool, summary: IngestSummary) -> LoadResult:
    load = prepare_task(con, plan, registry)
    if isinstance(load, LoadResult):
        return load
    if validate:
        summary.warnings.extend(validate_task(con, load))
    return write_task(con, load)


def _load_one_reporting(con, plan: ParsedPlan, registry, validate: bool, summary: IngestSummary) -> None:
    try:
        with transaction(con):
            summary.results.append(_load_one(con, plan, registry, validate, summary))
    except PlanError as exc:
        summary.failures.append(SourceFailure(exc.source, exc.problem, plan.source.location))


def _load_all_or_nothing(con, parsed: list[ParsedPlan], registry, validate: bool,
                         summary: IngestSummary) -> None:
    current = None
    try:
        with transaction(con):
            for plan in parsed:
                current = plan
                summary.results.append(_load_one(con, plan, registry, validate, summary))
    except PlanError as exc:
        summary.results.clear()  # rolled back: nothing of this batch was written
        summary.failures.append(SourceFailure(exc.source, exc.problem, current.source.location))
