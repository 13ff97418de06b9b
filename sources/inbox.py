"""The inbox folder where people drop plan files for ingestion.

This module owns the folder's layout: which files are waiting, and moving a file
into `processed/` or `rejected/` (with the reason written beside it) once a flow
has dealt with it.  Moves never overwrite an earlier file of the same name.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sources.read import SUPPORTED_SUFFIXES

PROCESSED = "processed"
REJECTED = "rejected"
REASON_SUFFIX = ".reason.txt"


def pending(inbox: Path) -> list[Path]:
    """Supported files waiting anywhere under `inbox`, sorted by relative path."""
    inbox = Path(inbox)
    if not inbox.is_dir():
        return []
    found = []
    for path in inbox.rglob("*"):
        relative = path.relative_to(inbox)
        if relative.parts[0] in (PROCESSED, REJECTED) or not path.is_file():
            continue
        # Dotfiles include editors' temp files and half-copied uploads; "~$" files are Office lock files.
        if any(part.startswith((".", "~$")) for part in relative.parts):
            continue
        if path.suffix.lower() in SUPPORTED_SUFFIXES:
            found.append(path)
    return sorted(found, key=lambda path: path.relative_to(inbox).as_posix())


def mark_processed(path: Path, inbox: Path) -> Path:
    """Move `path` into `inbox/processed/`; returns where it went."""
    destination = _reserve(Path(inbox) / PROCESSED, Path(path).name)
    _move(Path(path), destination)
    return destination


def mark_rejected(path: Path, inbox: Path, reason: str) -> Path:
    """Move `path` into `inbox/rejected/` and write `<name>.reason.txt` beside it."""
    destination = _reserve(Path(inbox) / REJECTED, Path(path).name, companion=REASON_SUFFIX)
    _move(Path(path), destination)
    reason_path = destination.with_name(destination.name + REASON_SUFFIX)
    reason_path.write_text(reason.rstrip("\n") + "\n", encoding="utf-8")
    return destination


def _move(path: Path, placeholder: Path) -> None:
    try:
        shutil.move(path, placeholder)
    except BaseException:
        placeholder.unlink(missing_ok=True)
        raise


def _reserve(folder: Path, name: str, companion: str = "") -> Path:
    """Claim a free name in `folder`: `name`, else `stem-1.ext`, `stem-2.ext`, ...

    The name is claimed by creating an empty file exclusively, so two flows
    finishing at once cannot pick the same name; the move then replaces it.
    `companion` is a suffix whose file must also be free (the reason file).
    """
    folder.mkdir(parents=True, exist_ok=True)
    stem, suffix = Path(name).stem, Path(name).suffix
    counter = 0
    while True:
        candidate = folder / (name if counter == 0 else f"{stem}-{counter}{suffix}")
        counter += 1
        if companion and candidate.with_name(candidate.name + companion).exists():
            continue
        try:
            candidate.touch(exist_ok=False)
        except FileExistsError:
            continue
        return candidate
