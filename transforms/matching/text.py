"""Text normalisation shared by features and anchors.

Chinese has no word breaks, so texts are compared on characters: NFKC (full-width
ＡＢＣ１２３ and （） to half-width), years removed (剑网2015 ~ 剑网2020: the same campaign),
punctuation and spaces dropped.
"""

from __future__ import annotations

import re
import unicodedata

_PUNCT = re.compile(r"[\s\W_]+")
# A year, optionally a span and 年/年度: 2020, 2021—2022年, （2021-2035年）.
_YEAR = re.compile(r"(?:19|20)\d{2}(?:\s*[—–\-~至]\s*(?:19|20)\d{2})?\s*年?度?")
# Full-width ASCII (ＡＢＣ１２３，（）) to half-width: the bulk of what NFKC changes in these texts.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def normalize_text(text: str) -> str:
    """NFKC, years removed (剑网2015 → 剑网), punctuation and spaces dropped."""
    folded = text.translate(_FULL_WIDTH)
    if not unicodedata.is_normalized("NFKC", folded):
        folded = unicodedata.normalize("NFKC", folded)
    return _PUNCT.sub("", _YEAR.sub("", folded))
