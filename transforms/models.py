"""Typed records that cross package boundaries.

A plan travels through ipplans as these frozen dataclasses: `sources` produces a
`SourceText`, `transforms.parse` turns it into a `ParsedPlan` made of `Section`s
and `Task`s, and `warehouse.load` writes that plan.  Nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

CLAUSE_FORMS = ("负责", "按职责分别负责", "牵头", "等部门负责")


class PlanError(ValueError):
    """A source that cannot become a plan; the message names the source and the problem."""

    def __init__(self, source: str, problem: str):
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem

    def __reduce__(self):
        # so the error survives pickling, e.g. on its way back from a Dask worker process
        return (type(self), (self.source, self.problem))


@dataclass(frozen=True)
class SourceText:
    """The decoded text of one input file or page, before any parsing."""

    name: str  # the file name as given (for URLs: the last path segment or the host)
    location: str  # path or URL it was read from
    format: str  # md | txt | html | docx | pdf
    text: str
    sha256: str  # of the raw bytes, so re-reading the same file is recognised
    encoding: str = "utf-8"


@dataclass(frozen=True)
class Section:
    """A 一、 section (level 1) or a （一） sub-section (level 2)."""

    path: str  # "2" or "2.1"
    level: int
    number: str  # as printed: "二" or "（一）"
    title: str


@dataclass(frozen=True)
class Task:
    """One numbered task of a plan, as printed and normalised."""

    task_key: str  # section path + printed number, e.g. "2.1.22"; stable across copies
    task_no: int  # the printed number
    printed_no: str  # exactly as printed: "22", "(1)", "★(1)"
    position: int  # 1-based order in the document
    section_path: str  # "2.1"
    text: str  # normalised, without the department clause
    original_text: str  # the same span of the source as written
    department_clause: str | None  # "最高人民法院、司法部、知识产权局按职责分别负责"
    departments: tuple[str, ...]  # names in printed order, normalised script
    clause_form: str | None  # one of CLAUSE_FORMS, or None
    cited_titles: tuple[str, ...]  # titles inside 《》 in the task text
    key_task: bool  # printed with ★
    truncated: bool  # the document ends inside this task


@dataclass(frozen=True)
class PlanMetadata:
    title: str | None
    period_start: int
    period_end: int
    doc_number: str | None
    issued_on: dt.date | None
    issuer: str | None
    addressees: tuple[str, ...]

    @property
    def plan_id(self) -> str:
        """Plans are named by period: "2020" or "2021-2022"."""
        if self.period_start == self.period_end:
            return str(self.period_start)
        return f"{self.period_start}-{self.period_end}"


@dataclass(frozen=True)
class Completeness:
    """Whether a copy holds the whole plan, and the evidence (or what is missing)."""

    complete: bool
    evidence: str  # "ends with the plan's closing" · "ends inside task 1.9" · "21 tasks where …"


@dataclass(frozen=True)
class ParsedPlan:
    """Everything `transforms.parse.parse_plan` reads out of one source text."""

    source: SourceText
    metadata: PlanMetadata
    sections: tuple[Section, ...]
    tasks: tuple[Task, ...]
    normalized_text: str
    script: str  # "simplified" | "traditional"
    notes: tuple[str, ...] = field(default=())  # text found after clauses, e.g. the lead-department rule
    completeness: Completeness | None = None  # None: judged by the tasks alone (no task cut short)

    @property
    def plan_id(self) -> str:
        return self.metadata.plan_id

    @property
    def complete(self) -> bool:
        if self.completeness is not None:
            return self.completeness.complete
        return not any(task.truncated for task in self.tasks)

    @property
    def partial_reason(self) -> str | None:
        """Why the copy is not complete (None when it is)."""
        if self.complete:
            return None
        return self.completeness.evidence if self.completeness else "a task is cut short"
