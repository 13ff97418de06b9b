"""The numbers Word prints before list paragraphs, which are not in the paragraphs' text.

A plan typed in Word often numbers its sections and tasks with automatic numbering (`一、` `（一）`
`1.` drawn from word/numbering.xml), directly on a paragraph (w:numPr) or through its style
(`List Number`). The text runs hold none of those numbers, so without them a Word copy has no task
markers at all. `ListNumbering` renders each numbered paragraph's label the way Word counts: one
counter per list and level, deeper levels restarting when a shallower one advances.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field

from lxml import etree

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_PART_BYTES = 5_000_000  # numbering.xml and styles.xml of real documents are well under 1 MB
_CN_DIGITS = "一二三四五六七八九"
_CHINESE_FORMATS = {"chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
                    "ideographTraditional", "chineseLegalSimplified", "koreanCounting"}
_UNNUMBERED = {"bullet", "none"}


@dataclass(frozen=True)
class Level:
    start: int
    fmt: str  # w:numFmt, e.g. decimal, chineseCounting, decimalEnclosedCircle
    text: str  # w:lvlText, e.g. "%1." or "（%1）"


@dataclass
class ListNumbering:
    """Levels of each list (numId) and the styles that number paragraphs, read from the package."""

    levels: dict[str, dict[int, Level]] = field(default_factory=dict)
    counter_of: dict[str, str] = field(default_factory=dict)  # numId → the list whose count it continues
    style_numbering: dict[str, tuple[str, int]] = field(default_factory=dict)
    _counts: dict[str, dict[int, int]] = field(default_factory=dict)

    def label(self, num_id: str | None, level: int | None, style: str | None) -> str:
        """The printed number of the next paragraph of this list and level ('' if none)."""
        if num_id is None and style in self.style_numbering:
            num_id, style_level = self.style_numbering[style]
            level = style_level if level is None else level
        level = level or 0
        lvl = self.levels.get(num_id or "", {}).get(level)
        if lvl is None or lvl.fmt in _UNNUMBERED:
            return ""
        counts = self._counts.setdefault(self.counter_of.get(num_id, num_id), {})
        counts[level] = counts.get(level, lvl.start - 1) + 1
        for deeper in [k for k in counts if k > level]:
            del counts[deeper]
        text = lvl.text
        for k in range(9):
            if f"%{k + 1}" in text:
                shown = self.levels[num_id].get(k, lvl)
                text = text.replace(f"%{k + 1}", _format(counts.get(k, shown.start), shown.fmt))
        return text


def read_numbering(archive: zipfile.ZipFile) -> ListNumbering:
    numbering = ListNumbering()
    root = _part(archive, "word/numbering.xml")
    if root is not None:
        abstract = {a.get(f"{_W}abstractNumId"): _levels(a) for a in root.iter(f"{_W}abstractNum")}
        for num in root.iter(f"{_W}num"):
            num_id, abstract_id = num.get(f"{_W}numId"), _val(num.find(f"{_W}abstractNumId"))
            levels = dict(abstract.get(abstract_id, {}))
            overridden = False
            for override in num.iter(f"{_W}lvlOverride"):
                level = int(override.get(f"{_W}ilvl", "0"))
                start = _val(override.find(f"{_W}startOverride"))
                own = override.find(f"{_W}lvl")
                if own is not None:
                    levels[level] = _level(own)
                elif start is not None and level in levels:
                    levels[level] = Level(int(start), levels[level].fmt, levels[level].text)
                overridden = True
            numbering.levels[num_id] = levels
            # instances of one abstract list continue one count, unless one restarts it
            numbering.counter_of[num_id] = num_id if overridden else f"abstract {abstract_id}"
    styles = _part(archive, "word/styles.xml")
    if styles is not None:
        numbering.style_numbering = _style_numbering(styles)
    return numbering


def _part(archive: zipfile.ZipFile, name: str):
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_PART_BYTES:
        return None  # not a real document's part; the text is read without its list numbers
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(archive.read(name), parser)
    except etree.XMLSyntaxError:
        return None


def _levels(abstract) -> dict[int, Level]:
    return {int(lvl.get(f"{_W}ilvl", "0")): _level(lvl) for lvl in abstract.iter(f"{_W}lvl")}


def _level(lvl) -> Level:
    start = _val(lvl.find(f"{_W}start"))
    return Level(int(start) if start and start.isdigit() else 1, _val(lvl.find(f"{_W}numFmt")) or "decimal",
                 _val(lvl.find(f"{_W}lvlText")) or "")


def _style_numbering(styles) -> dict[str, tuple[str, int]]:
    """Style id → (numId, level) for paragraph styles that number, through their basedOn chain."""
    own, based_on = {}, {}
    for style in styles.iter(f"{_W}style"):
        style_id = style.get(f"{_W}styleId")
        num_pr = style.find(f"{_W}pPr/{_W}numPr")
        if num_pr is not None and _val(num_pr.find(f"{_W}numId")) not in (None, "0"):
            own[style_id] = (_val(num_pr.find(f"{_W}numId")), int(_val(num_pr.find(f"{_W}ilvl")) or 0))
        parent = _val(style.find(f"{_W}basedOn"))
        if parent:
            based_on[style_id] = parent
    resolved = {}
    for style_id in {*own, *based_on}:
        seen, current = set(), style_id
        while current not in own and current in based_on and current not in seen:
            seen.add(current)
            current = based_on[current]
        if current in own:
            resolved[style_id] = own[current]
    return resolved


def _val(element) -> str | None:
    return None if element is None else element.get(f"{_W}val")


def _format(number: int, fmt: str) -> str:
    if fmt in _CHINESE_FORMATS:
        return chinese_numeral(number)
    if fmt.startswith("decimalEnclosedCircle") and 1 <= number <= 20:
        return chr(0x2460 + number - 1)
    if fmt.startswith("decimalFullWidth"):
        return "".join(chr(ord(d) + 0xFEE0) for d in str(number))
    if fmt == "decimalZero":
        return f"{number:02d}"
    if fmt in ("upperLetter", "lowerLetter") and 1 <= number <= 26:
        return chr((65 if fmt == "upperLetter" else 97) + number - 1)
    return str(number)


def chinese_numeral(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (Word's Chinese counting, up to 99)."""
    tens, units = divmod(number, 10)
    if not 0 < number < 100:
        return str(number)
    head = "" if tens == 0 else ("十" if tens == 1 else _CN_DIGITS[tens - 1] + "十")
    return head + (_CN_DIGITS[units - 1] if units else "")
