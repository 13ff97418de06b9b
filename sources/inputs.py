"""The inputs of a run, each with where it came from, and the content hash of what it holds now.

`ipplans run` reads the bundled sample, the shared plans beside the checkout, the files waiting
in the inbox, the official pages of the catalogue (with --catalogue) and the paths given on the
command line; the run summary names each input's origin. Hashes are of the raw bytes, as
`sources.read` stores them, so they can be compared with the warehouse before anything is parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
BUNDLED_SAMPLE = SAMPLES_DIR / "2020.gov.md"
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")

# Where an input came from, as the run summary says it.
SAMPLE, SHARED, INBOX, CATALOGUE, COMMAND_LINE = "bundled sample", "shared plans", "inbox", "catalogue", "command line"


@dataclass(frozen=True)
class Input:
    location: str  # a path or an http(s) URL
    origin: str  # SAMPLE, SHARED, INBOX, CATALOGUE or COMMAND_LINE


def bundled_sample() -> Path:
    return BUNDLED_SAMPLE


def shared_plan_files() -> list[Path]:
    """Every plan file in ../shared/plans (beside the current folder or the checkout), if there is one."""
    from sources.read import SUPPORTED_SUFFIXES

    candidates = [Path.cwd().parent / "shared" / "plans", Path(__file__).resolve().parents[2] / "shared" / "plans"]
    for folder in candidates:
        if folder.is_dir():
            return sorted(p for p in folder.iterdir()
                          if p.suffix.lower() in SUPPORTED_SUFFIXES and p.name.upper() != "README.MD")
    return []


def collect_inputs(paths: list[str], *, defaults: bool = False, inbox: Path | None = None,
                   catalogue: bool = False, catalogue_file: str | Path | None = None) -> list[Input]:
    """The bundled sample and shared plans (with `defaults`), `paths`, the files waiting in `inbox`,
    then every catalogue URL (with `catalogue`), each labelled with its origin."""
    inputs = []
    if defaults:
        inputs += [Input(str(bundled_sample()), SAMPLE)]
        inputs += [Input(str(path), SHARED) for path in shared_plan_files()]
    inputs += [Input(str(path), COMMAND_LINE) for path in paths]
    if inbox is not None:
        from sources.inbox import pending

        inputs += [Input(str(path), INBOX) for path in pending(inbox)]
    if catalogue:
        from sources.catalogue import load_catalogue

        entries = load_catalogue(Path(catalogue_file) if catalogue_file else None)
        inputs += [Input(entry.official_url, CATALOGUE) for entry in entries if entry.official_url]
    return inputs


def input_records(inputs: list[Input], digests: dict[str, str | None] | None = None) -> list[dict]:
    """One run-history record per input (`warehouse.runs.start_run`): its location, origin and the sha256
    of its bytes (`digests` when already computed; pages: None, their bytes arrive during the run)."""
    return [{"source": item.location, "origin": item.origin,
             "sha256": digests[item.location] if digests and item.location in digests else file_sha256(item.location)}
            for item in inputs]


def describe_origins(inputs: list[Input]) -> str:
    """One line: how many inputs came from where, e.g. `inputs: 1 bundled sample, 5 shared plans, 1 inbox`."""
    from collections import Counter

    counts = Counter(item.origin for item in inputs)
    return "inputs: " + (", ".join(f"{count} {origin}" for origin, count in counts.items()) or "none")


def is_url(location: str) -> bool:
    return bool(_URL.match(location))


def file_sha256(location: str) -> str | None:
    """The sha256 of a local file's bytes (None for a URL, or a path that is not a readable file)."""
    from sources.read import file_sha256 as sha256_of_file  # size checked first, hashed in chunks

    return None if is_url(location) else sha256_of_file(Path(location))
