"""What a validation says, as plain frozen dataclasses (no Great Expectations types).

A `ValidationReport` is one suite run on one batch (a plan, or one source of it). Each
expectation in it becomes an `ExpectationOutcome` with a readable message and example
rows, so callers (the gate, the CLI, reports) never touch GX result objects.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

MAX_EXAMPLES = 5  # groups of example rows shown per failed expectation


@dataclass(frozen=True)
class ExpectationOutcome:
    expectation: str  # stable name from the suite JSON, e.g. "task_numbers_unique"
    blocking: bool  # a failure stops the load (GX severity "critical"); else it is a warning
    success: bool
    message: str  # what failed ("task numbers have a duplicate"), or what was checked when it passed
    examples: tuple[str, ...] = ()  # e.g. ("task_no 12 (2.1.12, 2.2.12)",)

    def describe(self) -> str:
        """"task numbers have a duplicate: task_no 12 (2.1.12, 2.2.12)"."""
        return f"{self.message}: {', '.join(self.examples)}" if self.examples else self.message


@dataclass(frozen=True)
class ValidationReport:
    suite: str
    plan_id: str | None
    source_name: str | None  # None for suites about the whole plan (merged from its copies)
    success: bool  # every blocking expectation passed
    results: tuple[ExpectationOutcome, ...]

    @property
    def failures(self) -> list[ExpectationOutcome]:
        return [r for r in self.results if r.blocking and not r.success]

    @property
    def warnings(self) -> list[ExpectationOutcome]:
        return [r for r in self.results if not r.blocking and not r.success]


class QualityWarning(str):
    """A warning as text ("2016.showlaw.txt: partial document: …") that keeps its parts.

    It is a `str` so the ingest summary can print it as is; `row()` gives the record
    `warehouse.runs.record_warnings` stores.
    """

    source_name: str
    plan_id: str | None
    outcome: ExpectationOutcome

    def __new__(cls, source_name: str, plan_id: str | None, outcome: ExpectationOutcome) -> QualityWarning:
        text = super().__new__(cls, f"{source_name}: {outcome.describe()}")
        text.source_name, text.plan_id, text.outcome = source_name, plan_id, outcome
        return text

    def __reduce__(self):
        # results may be pickled (Prefect, Dask): rebuild from the parts, not from the text alone
        return QualityWarning, (self.source_name, self.plan_id, self.outcome)

    @property
    def expectation(self) -> str:
        return self.outcome.expectation

    @property
    def message(self) -> str:
        return self.outcome.describe()

    def row(self) -> dict:
        return {"plan_id": self.plan_id, "source_name": self.source_name, "expectation": self.expectation,
                "message": self.message}


def format_examples(rows: list[dict], label: str, row: str | None) -> tuple[str, ...]:
    """Group failing rows under their label: "task_no 12 (2.1.12, 2.2.12)".

    `label` and `row` are `str.format` templates over the row's columns, taken from the
    expectation's `meta.example` in the suite JSON.
    """
    groups: dict[str, list[str]] = {}
    for values in rows:
        plain = {key: _plain(value) for key, value in values.items()}
        detail = groups.setdefault(label.format_map(_Missing(plain)), [])
        if row is not None:
            text = row.format_map(_Missing(plain))
            if text not in detail:
                detail.append(text)
    examples = [f"{key} ({', '.join(details)})" if details else key for key, details in groups.items()]
    if len(examples) > MAX_EXAMPLES:
        examples = [*examples[:MAX_EXAMPLES], f"… and {len(examples) - MAX_EXAMPLES} more"]
    return tuple(examples)


def _plain(value):
    """Numbers as printed: pandas turns integer columns with gaps into floats (14.0 → 14)."""
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "?"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class _Missing(dict):
    """A template naming a column the row lacks prints "?" instead of failing the whole report."""

    def __missing__(self, key: str) -> str:
        return "?"
