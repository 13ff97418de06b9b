"""Text normalisation shared by features and anchors.

Chinese has no word breaks, so texts are compared on characters: NFKC (full-width
ＡＢＣ１２３ and （） to half-width), years removed (剑网2015 ~ 剑网2020: the same campaign),
punctuation and spaces dropped. A run normalises every text at once (`fold_all`,
`normalize_all`): joined into one string, the C code does the work instead of one
Python call per text, which matters at hundreds of thousands of tasks. `stage_of` reads
the stage of a task's work with the reviewed stage vocabulary (transforms/stages.py).
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

_PUNCT = re.compile(r"[\s\W_]+")
_PUNCT_KEEPING_NUL = re.compile(r"(?:[^\w\x00]|_)+")
# A year, optionally a span and 年/年度: 2020, 2021—2022年, （2021-2035年）.
_YEAR = re.compile(r"(?:19|20)\d{2}(?:[ \t]*[—–\-~至][ \t]*(?:19|20)\d{2})?[ \t]*年?度?")
# Full-width ASCII (ＡＢＣ１２３，（）) to half-width: the bulk of what NFKC changes in these texts.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_SEPARATOR = "\x00"  # joins texts; NFKC, the year pattern and _PUNCT_KEEPING_NUL leave it alone


def fold(text: str) -> str:
    """Full-width to half-width and NFKC, punctuation kept."""
    folded = text.translate(_FULL_WIDTH)
    return folded if unicodedata.is_normalized("NFKC", folded) else unicodedata.normalize("NFKC", folded)


def normalize_text(text: str) -> str:
    """NFKC, years removed (剑网2015 → 剑网), punctuation and spaces dropped."""
    return _PUNCT.sub("", _YEAR.sub("", fold(text)))


def fold_all(texts: list[str]) -> list[str]:
    """`fold` of every text, in one pass over the joined texts (full-width to half-width on
    code points with numpy: str.translate costs about 100 ns a character)."""
    if not texts:
        return []
    joined = _SEPARATOR.join(t.replace(_SEPARATOR, " ") for t in texts)
    codes = np.frombuffer(joined.encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32).copy()
    codes[(codes >= 0xFF01) & (codes <= 0xFF5E)] -= 0xFEE0
    codes[codes == 0x3000] = 0x20
    folded = codes.tobytes().decode("utf-32-le", errors="surrogatepass")
    if not unicodedata.is_normalized("NFKC", folded):
        folded = unicodedata.normalize("NFKC", folded)
    return folded.split(_SEPARATOR)


def normalize_all(folded: list[str]) -> list[str]:
    """`normalize_text` of every text already folded by `fold_all`."""
    if not folded:
        return []
    joined = _SEPARATOR.join(folded)
    return _PUNCT_KEEPING_NUL.sub("", _YEAR.sub("", joined)).split(_SEPARATOR)


def stage_of(text: str) -> int | None:
    """The stage order of a task's printed text (研究 1 … 完成 6), None if it uses no stage word: the rule of
    transforms/stages.py with the one reviewed vocabulary, sources/reference/stages.csv."""
    return stage_orders([text])[0]


def stage_orders(texts) -> list[int | None]:
    """`stage_of` of every text, the vocabulary looked up once (finding its cached copy costs a path
    resolution, which dominated the features of large plans when done per text)."""
    from sources.stages import load_stage_vocabulary

    vocabulary = load_stage_vocabulary()
    return [vocabulary.read(text).order for text in texts]


def stage_signature() -> str:
    """Changes when the stage vocabulary does: part of every plan's matching fingerprint (link kinds read it)."""
    from sources.stages import load_stage_vocabulary

    return load_stage_vocabulary().signature
