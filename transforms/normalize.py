"""Text normalisation that real copies of the plans need before they can be parsed.

Copies of one plan differ in script (Simplified/Traditional), punctuation width,
stray spaces, pinyin inserted by mirror sites and conversion slips. Every function
here is pure and maps text to text; `normalize_text` applies them in a fixed order.
"""

from __future__ import annotations

import functools
import re
import unicodedata

CJK = r"\u3400-\u9fff\uf900-\ufaff"
CJK_PUNCT = r"\u3000-\u303f\uff00-\uffef“”‘’《》…—"

# Conversion slips seen in mirrors: a wrong Simplified character produced by a
# Traditional→Simplified round trip. Only multi-character contexts are listed, so a
# legitimate 着 (as in 着力) is never touched.
CONVERSION_SLIPS = {
    # Taiwan-standard copies (OpenCC s2tw) write 着 as 著 everywhere; OpenCC t2s keeps 著
    "著力": "着力",
    "著眼": "着眼",
    "著重": "着重",
    "著手": "着手",
    "围绕著": "围绕着",
    "意味著": "意味着",
    "着作权": "著作权",
    "着作人": "著作人",
    "显着": "显著",
    "卓着": "卓著",
}

_TONED_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
# Pinyin after a character, as some mirror sites print it: 國(guó)家, 知【zhī】识.
_PINYIN = re.compile(
    rf"(?<=[{CJK}])\s?[(（【\[]([a-z{_TONED_VOWELS}]{{1,6}})[)）】\]]",
)
_HALF_TO_FULL = {"(": "（", ")": "）", ",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}


@functools.cache
def _t2s():
    import opencc  # the converter loads dictionaries; do it once, and only when needed

    # hk2s is t2s preceded by OpenCC's table of Hong Kong variant forms (衞 → 衛, 綫 → 線), which
    # t2s alone leaves alone; on standard Traditional and on Simplified text the two agree.
    return opencc.OpenCC("hk2s")


def to_simplified(text: str) -> str:
    """Traditional (standard, Taiwan or Hong Kong forms) → Simplified script with OpenCC, then undo
    known conversion slips."""
    converted = _t2s().convert(text)
    return fix_conversion_slips(converted)


def fix_conversion_slips(text: str) -> str:
    for wrong, right in CONVERSION_SLIPS.items():
        text = text.replace(wrong, right)
    return text


def traditional_share(text: str) -> float:
    """Share of CJK characters that Simplified conversion would change (0 for a Simplified text)."""
    cjk = re.findall(rf"[{CJK}]", text)
    if not cjk:
        return 0.0
    sample = "".join(cjk[:20000])
    changed = sum(1 for a, b in zip(sample, _t2s().convert(sample)) if a != b)
    return changed / len(sample)


# PDF text layers often give a character as the radical of the same shape (⼯ U+2F2F for 工, ⺠ U+2EA0
# for 民): fonts share one glyph between them and the extractor picks the radical's code point. Kangxi
# radicals and CJK compatibility ideographs unify under NFKC; the CJK Radicals Supplement mostly does
# not, so its forms that stand for a whole character are listed (Unicode EquivalentUnifiedIdeograph.txt).
_RADICAL_SUPPLEMENT = dict(zip(
    "⺎⺐⺒⺓⺔⺙⺛⺝⺞⺟⺠⺤⺦⺨⺩⺭⺯⺰⺲⺳⺹⺺⻁⻂⻃⻄⻅⻆⻈⻉⻋⻍⻏⻐⻓⻔⻖⻘⻙⻚⻛⻜⻝⻟⻠⻢⻣⻤⻥⻦⻧⻨⻩⻪⻫⻬⻭⻮⻯⻰⻱⻲⻳",
    "兀尢巳幺彑攵旡月歺母民爫丬犭王礻糹纟罒罓耂肀虎衤覀西见角讠贝车辶阝钅长门阝青韦页风飞食飠饣马骨鬼鱼鸟卤麦黄黾斉齐歯齿竜龙龜亀龟",
    strict=True))
_IDEOGRAPH_FORMS = str.maketrans({
    **{chr(cp): unicodedata.normalize("NFKC", chr(cp))
       for cp in (*range(0x2F00, 0x2FD6), *range(0xF900, 0xFADA))
       if len(unicodedata.normalize("NFKC", chr(cp))) == 1},
    **_RADICAL_SUPPLEMENT})


def unify_ideograph_forms(text: str) -> str:
    """Radicals and compatibility ideographs that stand for a character → that character (⼯⺠ → 工民)."""
    return text.translate(_IDEOGRAPH_FORMS)


def strip_pinyin(text: str) -> str:
    """Remove pinyin annotations only where they look like a syllable (toned or lowercase)."""

    def keep_if_not_syllable(match: re.Match) -> str:
        syllable = match.group(1)
        if any(ch in _TONED_VOWELS for ch in syllable) or _is_toneless_syllable(syllable):
            return ""
        return match.group(0)

    return _PINYIN.sub(keep_if_not_syllable, text)


def _is_toneless_syllable(token: str) -> bool:
    # A bare lowercase word like "and" is not pinyin; toneless pinyin ends in a vowel, n, ng or r.
    return bool(re.fullmatch(r"(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?[aeiouv]+(?:n|ng|r)?", token))


def unify_width(text: str) -> str:
    """Full-width letters/digits → ASCII; ASCII punctuation next to Chinese → full-width."""
    text = "".join(_narrow(ch) for ch in text)
    text = text.replace("\u00a0", " ").replace("\u3000", " ")

    def widen(match: re.Match) -> str:
        return _HALF_TO_FULL[match.group(0)]

    # A bracketed pair holding Chinese or a bare number, or touching Chinese, is Chinese punctuation.
    text = re.sub(rf"\(([^()\n]*[{CJK}][^()\n]*|\d{{1,3}})\)", r"（\1）", text)
    text = re.sub(rf"(?<=[{CJK}])\(([^()\n]{{0,80}})\)|\(([^()\n]{{0,80}})\)(?=[{CJK}])",
                  lambda m: f"（{m.group(1) or m.group(2) or ''}）", text)
    # ASCII punctuation between, before or after Chinese text is a typing artefact.
    text = re.sub(rf"(?<=[{CJK}{CJK_PUNCT}\d])[(),;:?!](?=[{CJK}{CJK_PUNCT}])", widen, text)
    text = re.sub(rf"(?<=[{CJK}{CJK_PUNCT}])[(),;:?!]", widen, text)
    text = re.sub(rf"[()](?=[{CJK}])", widen, text)
    return text


# Full-width forms that are Chinese punctuation in their own right and stay full-width.
_CHINESE_PUNCTUATION_FORMS = "！（），：；？"


def _narrow(ch: str) -> str:
    # Full-width digits, Latin letters and symbols (１ Ａ ＋ ％ and the full stop of "1．") become
    # ASCII; the full-width forms of Chinese punctuation stay as they are.
    if 0xFF01 <= ord(ch) <= 0xFF5E and ch not in _CHINESE_PUNCTUATION_FORMS:
        return unicodedata.normalize("NFKC", ch)
    if ch == "､":
        return "、"
    if ch == "｡":
        return "。"
    return ch


def remove_stray_spaces(text: str) -> str:
    """Delete spaces that sit inside Chinese text, numbers and quotes (`30 家`, `“十四五 ”`)."""
    inner = rf"[{CJK}{CJK_PUNCT}\d]"
    text = re.sub(rf"(?<={inner})[ \t]+(?={inner})", "", text)
    text = re.sub(r"(?<=[“‘《（])[ \t]+|[ \t]+(?=[”’》）])", "", text)
    return text


# Characters Python and Unicode treat as line breaks (str.splitlines), and other control characters
# (NUL, ESC, …), which a plan's text never holds: breaks become \n, the others are deleted.
_OTHER_LINE_BREAKS = re.compile("[\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")
_TERMINAL_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")  # whole sequences, e.g. ESC [ 8 m


def normalize_line_breaks(text: str) -> str:
    """One kind of line break (\n), no other control characters, no spaces before a break."""
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", _OTHER_LINE_BREAKS.sub("\n", _TERMINAL_ESCAPE.sub("", text)))
    return re.sub(r"[ \t]+\n", "\n", text)


# Invisible format characters (Unicode category Cf) that pages put inside words and numbers: zero-width
# spaces and joiners, soft hyphens, word joiners, a BOM inside the text, bidi marks. None is plan text;
# between a task number and its full stop one hides the marker.
_FORMAT_CHARACTERS = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


def remove_format_characters(text: str) -> str:
    return _FORMAT_CHARACTERS.sub("", text)


def normalize_text(text: str) -> str:
    """The full normalisation applied to a source before parsing."""
    text = normalize_line_breaks(text)
    text = remove_format_characters(text)
    text = unify_ideograph_forms(text)
    text = strip_pinyin(text)
    text = to_simplified(text)
    text = unify_width(text)
    text = remove_stray_spaces(text)
    return text


def compact(text: str) -> str:
    """Text with all whitespace and punctuation removed, for comparing two readings."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text))


CN_DIGITS = "一二三四五六七八九十"


def cn_number(text: str) -> int:
    """Chinese numerals as used in section numbering: 一 → 1, 十二 → 12, 二十三 → 23."""
    if "十" not in text:
        return CN_DIGITS.index(text) + 1
    tens, _, units = text.partition("十")
    return (CN_DIGITS.index(tens) + 1 if tens else 1) * 10 + (CN_DIGITS.index(units) + 1 if units else 0)
