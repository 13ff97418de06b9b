"""The inbox folder where people drop plan files for ingestion.

This module owns the folder's layout: which files are waiting, and moving a file
into `processed/` or `rejected/` (with the reason written beside it) once a flow
has dealt with it.  Moves never overwrite an earlier file of the same name, and
names are shortened to fit the file system, so a file never stays stuck in the
inbox because of its name.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from sources.read import SUPPORTED_SUFFIXES

PROCESSED = "processed"
REJECTED = "rejected"
REASON_SUFFIX = ".reason.txt"
DEFAULT_NAME_MAX = 255  # bytes in one file name on ext4, XFS, APFS, NTFS; used when the folder cannot say


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


@dataclass(frozen=True)
class InboxMove:
    """Where a file the flow dealt with went."""

    file: str  # as it was in the inbox
    moved_to: str
    reason: str | None = None  # why it was rejected


def settle_all(inbox: Path, dealt_with: list[str], failed: dict[str, str]) -> list[InboxMove]:
    """Move each inbox file a run dealt with: loaded or already loaded → processed/, failed (its
    location in `failed`, with the problem) → rejected/. A file the run did not deal with (left out of
    a rolled-back strict batch) is not in `dealt_with` and stays in the inbox for the next run."""
    moves = []
    for location in dealt_with:
        moved_to, reason = settle(Path(location), inbox, failed.get(location))
        moves.append(InboxMove(location, str(moved_to or "(left in the inbox)"), reason))
    return moves


def settle(path: Path, inbox: Path, reason: str | None = None) -> tuple[Path | None, str | None]:
    """Move a file the flow has dealt with out of the inbox: to processed/ (reason None) or to
    rejected/ with its reason. Returns (where it went, the reason recorded).

    A loaded file that processed/ cannot take (e.g. processed is a file) goes to rejected/
    saying so, rather than waiting in the inbox for every later run; (None, why) only when
    neither folder can take it, leaving the file where it was.
    """
    if reason is None:
        try:
            return mark_processed(path, inbox), None
        except OSError as exc:
            reason = f"{Path(path).name}: loaded, but it could not be moved to {PROCESSED}/: {_problem(exc, inbox)}"
    try:
        return mark_rejected(path, inbox, reason), reason
    except OSError as exc:
        return None, f"{reason}; it also could not be moved to {REJECTED}/: {_problem(exc, inbox)}"


def _problem(exc: OSError, inbox: Path) -> str:
    for folder in (Path(inbox) / PROCESSED, Path(inbox) / REJECTED):
        if os.path.lexists(folder) and not folder.is_dir():
            return f"{folder} is a file, not a folder"
    return exc.strerror or str(exc)


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
    limit = _name_max(folder)
    counter = 0
    while True:
        candidate = folder / _fitting(stem, f"-{counter}" if counter else "", suffix, companion, limit)
        counter += 1
        if companion and candidate.with_name(candidate.name + companion).exists():
            continue
        try:
            candidate.touch(exist_ok=False)
        except FileExistsError:
            continue
        return candidate


def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        return DEFAULT_NAME_MAX


def _fitting(stem: str, counter: str, suffix: str, companion: str, limit: int) -> str:
    """`stem + counter + suffix`, the stem cut (never inside a character) so that the name and
    its companion file's name both fit in `limit` bytes."""
    room = limit - len(f"{counter}{suffix}{companion}".encode())
    encoded = stem.encode()
    if len(encoded) > room:
        stem = encoded[:max(room, 1)].decode(errors="ignore") or "_"
    return f"{stem}{counter}{suffix}"
