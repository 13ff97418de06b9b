"""`RunSettings`: what one pipeline run reads, and whether it writes reports — one typed value.

Paths come from the `Workspace` (flows/workspace.py); this says what to do there. Kept apart from
flows/pipeline.py so that the quick check before any flow (flows/runtime.py) can use it without
importing Prefect.
"""

from __future__ import annotations

from dataclasses import dataclass

REPORTS_WHEN = ("due", "always", "never")


@dataclass(frozen=True)
class RunSettings:
    """What one pipeline run reads, and what it writes besides the warehouse."""

    paths: tuple[str, ...] = ()  # files or http(s) URLs
    defaults: bool = False  # also the bundled sample and ../shared/plans (`ipplans run`)
    inbox: bool = True  # also the files waiting in the workspace's inbox
    catalogue: bool = False  # also every official URL of the plan catalogue
    catalogue_file: str | None = None  # a CSV of more catalogue rows
    strict: bool = False  # load nothing if any source fails
    reports: str = "due"  # "due": after new links or when older than the warehouse; "always"; "never"
    lang: str = "zh"
    dask: str | None = None  # read and parse on Dask: "local" or a scheduler address

    def __post_init__(self):
        if self.reports not in REPORTS_WHEN:
            raise ValueError(f"reports must be one of {', '.join(REPORTS_WHEN)}, not {self.reports!r}")

    def inputs(self, inbox):
        """The run's inputs, each with its origin (`sources.inputs.collect_inputs`); `inbox` is the
        workspace's inbox folder, read only when `self.inbox`."""
        from sources.inputs import collect_inputs

        return collect_inputs(list(self.paths), defaults=self.defaults, inbox=inbox if self.inbox else None,
                              catalogue=self.catalogue, catalogue_file=self.catalogue_file)
