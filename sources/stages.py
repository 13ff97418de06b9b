"""Reads the reviewed stage vocabulary (`sources/reference/stages.csv`) into a `StageVocabulary`.

Each row is word, stage, order, finished (yes or empty), reason; a word with no stage is a name that
holds a stage word (实施方案) and hides it. The rule that applies them is in `transforms.stages`.
"""

from __future__ import annotations

import functools
from pathlib import Path

from sources.registry import REFERENCE_DIR, read_rows
from transforms.stages import StageVocabulary

STAGES_CSV = REFERENCE_DIR / "stages.csv"


def load_stage_vocabulary(path: Path | None = None) -> StageVocabulary:
    """The vocabulary from the packaged CSV, or from the file given (cached per file)."""
    return _load(Path(path or STAGES_CSV).resolve())


@functools.cache
def _load(path: Path) -> StageVocabulary:
    return StageVocabulary.from_rows(read_rows(path))
