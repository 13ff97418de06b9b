"""Named anchors of a task: the instruments it names and the campaigns it quotes.

An anchor is a name that identifies a line of work across years far better than the
words around it: a law or regulation (专利法, 《植物新品种保护条例》), any document
cited in 《》, or a campaign quoted in “” (剑网2020). Plans differ in style — 2016 writes
专利法第四次修订 where 2020 writes 《专利法》修改 — so laws and regulations are also
read from plain text (`bare_instruments`). Every anchor is normalised to a key
(`normalize_anchor`): 《中华人民共和国著作权法（2020年修正）》 → 著作权法, 剑网2015 → 剑网.

Anchors are compared as sets (see comparisons.anchor_match); how rare an anchor is
across all plans decides how much sharing it counts (`specific_anchors`).
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

from transforms.matching.text import normalize_text

MIN_ANCHOR_CHARS = 2  # campaign names are short: 剑网, 龙腾, 蓝天
MIN_SEARCHED_ANCHOR_CHARS = 3  # shorter anchors are matched exactly, never searched for in text
RELATED_PREFIX_CHARS = 6  # two titles with a long common stem and ratio ≥ 0.8 are related
RELATED_TITLE_RATIO = 80.0
# An anchor named by more tasks than this per plan on average is a slogan (“放管服”), not a line of work.
GENERIC_ANCHOR_PER_PLAN = 2.5
# An anchor named by at most this many tasks per plan on average is specific to one line of work
# (a law is revised by one task a year); sharing it is stronger evidence than sharing a common one.
SPECIFIC_ANCHOR_PER_PLAN = 1.5

_STATE_PREFIX = "中华人民共和国"
_QUOTED = re.compile(r"[“\"「]([^”\"」]{2,14})[”\"」]")
_TITLED = re.compile(r"《[^《》]*》")
_TITLE = re.compile(r"《([^《》]+)》")
# Edition notes inside or after a title: （修订）, (2019年修正), （试行）, （草案）.
_EDITION = re.compile(r"[（(][^（）()]{0,12}?(?:修订|修正|试行|草案|征求意见稿)[^（）()]{0,4}[)）]")

# Bare laws and regulations: a run of Han characters ending in 法 or 条例. 法 also ends
# ordinary words (方法, 办法, 执法, 司法, 依法 …) and starts others (法律, 法规, 法院 …): the
# character before it and the one after it rule those out. 办法/规定/意见/指南/纲要 are
# ordinary words too often to be read without 《》.
_BARE_SUFFIX = re.compile(r"(?:条例|法)(?![律规院治官人制庭学典定理务援则令])")
_NOT_BEFORE_LAW = frozenset("方办做执司立违依合非用手说看想设算守护变无效技语书")
MAX_NAME_CHARS = 14
# Words that lead up to a name in a task (推进…修订, 加快…) and never start a law's name.
_LEADING_WORDS = re.compile(
    "^(?:进一步|配合|做好|积极|加快|抓紧|推进|推动|研究|启动|开展|修订|修改|制定|起草|论证|完善|健全|"
    "落实|贯彻|实施|出台|印发|发布|颁布|加强|深入|持续|继续|稳步|扎实|全面|组织|对|和|及|与|等|的)+")
# Stems that only say what kind of instrument it is: 实施条例 or 管理办法 alone name nothing.
_GENERIC_STEMS = frozenset({"实施", "管理", "保护", "相关", "有关", "配套", "地方", "行业", "部门", "专门", "行政"})


@lru_cache(maxsize=1 << 16)  # the same titles recur in every plan
def normalize_anchor(title: str) -> str:
    """A cited title or campaign name as a comparable key: 《中华人民共和国专利法》 → 专利法."""
    key = normalize_text(_EDITION.sub("", title))
    if key.startswith(_STATE_PREFIX) and len(key) > len(_STATE_PREFIX) + 1:
        key = key[len(_STATE_PREFIX):]
    return key


def bare_instruments(folded: str) -> list[str]:
    """Laws and regulations named without 《》 in a folded text (text.fold):
    积极推进专利法第四次修订 → [专利法]."""
    if "法" not in folded and "条例" not in folded:
        return []
    plain = _TITLED.sub("，", folded)
    names = []
    for match in _BARE_SUFFIX.finditer(plain):
        start = match.start()
        while start > 0 and match.start() - start < MAX_NAME_CHARS and "\u4e00" <= plain[start - 1] <= "\u9fff":
            start -= 1
        stem = _LEADING_WORDS.sub("", plain[start:match.start()])
        if match.group(0) == "法" and (not stem or stem[-1] in _NOT_BEFORE_LAW):
            continue
        if len(stem) >= 2 and stem not in _GENERIC_STEMS:
            names.append(stem + match.group(0))
    return names


def task_anchors(folded: str, cited_titles) -> tuple[str, ...]:
    """Normalised anchors of one task (its text folded by text.fold), in order, without
    repeats: 《》 titles, bare laws and regulations, and “”-quoted names."""
    titles = [*(cited_titles if cited_titles is not None else ()), *_TITLE.findall(folded)]
    raw = [*titles, *bare_instruments(folded), *_QUOTED.findall(folded)]
    keys = (normalize_anchor(t) for t in raw)
    return tuple(dict.fromkeys(k for k in keys if len(k) >= MIN_ANCHOR_CHARS))


def anchor_counts(anchors: list[tuple[str, ...]]) -> dict[str, int]:
    """How many tasks name each anchor."""
    counts: dict[str, int] = {}
    for row in anchors:
        for anchor in row:
            counts[anchor] = counts.get(anchor, 0) + 1
    return counts


def drop_generic_anchors(anchors: list[tuple[str, ...]], n_plans: int) -> list[tuple[str, ...]]:
    """Anchors named by more than GENERIC_ANCHOR_PER_PLAN tasks per plan on average (slogans
    such as “放管服”) identify no single line of work; a recurring campaign appears about once a plan."""
    counts = anchor_counts(anchors)
    generic = {a for a, c in counts.items() if c > GENERIC_ANCHOR_PER_PLAN * max(1, n_plans)}
    return [tuple(a for a in row if a not in generic) for row in anchors]


def specific_anchors(anchors: list[tuple[str, ...]], n_plans: int) -> list[frozenset[str]]:
    """Per task, its anchors named by at most SPECIFIC_ANCHOR_PER_PLAN tasks per plan."""
    counts = anchor_counts(anchors)
    limit = SPECIFIC_ANCHOR_PER_PLAN * max(1, n_plans)
    return [frozenset(a for a in row if counts[a] <= limit) for row in anchors]


def anchor_signatures(anchor_sets: list) -> np.ndarray:
    """A 64-bit Bloom signature per task; disjoint signatures prove disjoint anchor sets."""
    signature = np.zeros(len(anchor_sets), dtype=np.uint64)
    for row, anchors in enumerate(anchor_sets):
        if anchors:
            signature[row] = _signature(frozenset(anchors))
    return signature


@lru_cache(maxsize=1 << 16)
def _signature(anchors: frozenset[str]) -> int:
    value = 0
    for anchor in anchors:
        value |= 1 << (_stable_hash(anchor) % 64)
    return value


def _stable_hash(text: str) -> int:
    # Python's hash() is salted per process; a fixed hash keeps runs reproducible.
    value = 2166136261
    for char in text:
        value = ((value ^ ord(char)) * 16777619) & 0xFFFFFFFF
    return value


def related_anchor_map(anchors: list[tuple[str, ...]]) -> dict[str, frozenset[str]]:
    """Related anchors: one is a prefix of the other (著作权法 → 著作权法实施条例), or both
    share a 6-character stem and read alike (生物遗传资源获取管理条例 ~ …与惠益分享管理条例)."""
    names = sorted({a for row in anchors for a in row})
    related: dict[str, set[str]] = {}

    def relate(a: str, b: str) -> None:
        related.setdefault(a, set()).add(b)
        related.setdefault(b, set()).add(a)

    for i, anchor in enumerate(names):
        if len(anchor) < MIN_SEARCHED_ANCHOR_CHARS:
            continue
        # Every anchor that starts with `anchor` sits right after it in sorted order.
        end = bisect.bisect_left(names, anchor + "\U0010ffff", lo=i + 1)
        for j in range(i + 1, end):
            relate(anchor, names[j])
    stems: dict[str, list[str]] = {}
    for anchor in names:
        if len(anchor) >= RELATED_PREFIX_CHARS:
            stems.setdefault(anchor[:RELATED_PREFIX_CHARS], []).append(anchor)
    for group in stems.values():
        if len(group) > 1:
            close = process.cdist(group, group, scorer=fuzz.ratio, score_cutoff=RELATED_TITLE_RATIO)
            for a, b in zip(*np.nonzero(close)):
                if a < b:
                    relate(group[a], group[b])
    return {a: frozenset(r) for a, r in related.items()}
