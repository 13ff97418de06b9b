"""Named documents: the laws, regulations, rules and campaigns a task names, bracketed or not.

The vocabulary is built from every loaded plan: the 《》 titles (parsed `cited_titles` and any
《…》 in the text) and the “”-quoted campaign names (剑网2015), plus the registry's list of IP laws
and regulations in spec.toml. Each name is normalised to a key
(`document_key`): 中华人民共和国 dropped, 与/和/及 unified, 暂行/试行 and edition notes （修订）
dropped, revision ordinals (第四次) and year tokens removed, punctuation gone. Task texts are
normalised the same way and searched for every key, so 专利法第四次修订 names 专利法 once a plan
writes 《专利法》. The longest name found wins over a name inside it (专利法实施细则 is not 专利法).
Names that are only a kind of document (办法, 意见) or that too many tasks use (a slogan) are dropped.
"""

from __future__ import annotations

import bisect
import re

import numpy as np
import scipy.sparse as sp
from rapidfuzz import fuzz, process

from transforms.matching.text import normalize_text

_STATE = "中华人民共和国"
_TITLE = re.compile(r"《([^《》]+)》")
_QUOTED = re.compile(r"[“\"「]([^”\"」]+)[”\"」]")
_EDITION = re.compile(r"[（(][^（）()]{0,12}?(?:修订|修正|试行|草案|征求意见稿)[^（）()]{0,4}[)）]")
_QUALIFIERS = re.compile(r"暂行|试行")
_ORDINAL = re.compile(r"第[一二三四五六七八九十\d]+次")
_CONNECTIVE = str.maketrans({"和": "与", "及": "与"})
_MARKS = re.compile("[《“\"「]")


def document_key(name: str) -> str:
    """A name as its comparable key: 《中华人民共和国著作权法（2020年修正）》 → 著作权法."""
    key = _EDITION.sub("", name)
    return _normalize_body(normalize_text(key))


def _normalize_body(normalised: str) -> str:
    """The document-level normalisation of an already normalised text (also used on task texts)."""
    return _ORDINAL.sub("", _QUALIFIERS.sub("", normalised.replace(_STATE, ""))).translate(_CONNECTIVE)


def document_texts(normalised: list[str]) -> list[str]:
    """Task texts (normalised) prepared for the name search: the same substitutions as the keys,
    done once on the joined texts (the separator is never part of a name)."""
    return _normalize_body("\x00".join(normalised)).split("\x00") if normalised else []


def raw_names(folded: str, cited_titles, settings) -> tuple[list[str], list[str]]:
    """(titles, campaign names) written in one folded task text, as keys."""
    if not (cited_titles is not None and len(cited_titles)) and not _MARKS.search(folded):
        return [], []
    titles = [document_key(t) for t in [*(cited_titles if cited_titles is not None else ()), *_TITLE.findall(folded)]]
    quoted = [q for q in _QUOTED.findall(folded) if len(q) <= settings["max_campaign_chars"]]
    campaigns = [document_key(q) for q in quoted]
    return ([t for t in titles if len(t) >= settings["min_title_chars"]],
            [c for c in campaigns if len(c) >= settings["min_campaign_chars"]])


def build_vocabulary(folded: list[str], cited_titles, settings) -> list[str]:
    """Every distinct key any task writes as a title or quotes as a campaign, without generic names."""
    generic = set(settings["generic_names"])
    names: set[str] = set()
    for text, cited in zip(folded, cited_titles):
        titles, campaigns = raw_names(text, cited, settings)
        names.update(titles)
        names.update(campaigns)
    names.update(document_key(name) for name in settings["registry"])
    return sorted(n for n in names if n not in generic)


def find_documents(texts: list[str], vocabulary: list[str], presence: sp.csr_matrix, bigram_column: dict,
                   n_plans: int, settings) -> list[frozenset[str]]:
    """Per task, the vocabulary names its document text contains (longest names win), without names
    too many tasks use. Only tasks holding a name's rarest bigram are searched, so the cost follows
    how rare the names are, not the plan size. `presence` / `bigram_column` index the bigrams of
    `texts` (features.bigram_presence)."""
    found: list[set[str]] = [set() for _ in texts]
    posting = presence.tocsc()
    df = np.diff(posting.indptr)
    for name in vocabulary:
        if len(name) < 2:
            continue
        columns = [bigram_column.get(ord(a) * (1 << 21) + ord(b), -1) for a, b in zip(name, name[1:])]
        if min(columns) < 0:
            continue
        column = min(columns, key=lambda c: df[c])
        for row in posting.indices[posting.indptr[column]:posting.indptr[column + 1]].tolist():
            if name in texts[row]:
                found[row].add(name)
    found = [_longest(texts[row], names) if len(names) > 1 else names for row, names in enumerate(found)]
    counts: dict[str, int] = {}
    for names in found:
        for name in names:
            counts[name] = counts.get(name, 0) + 1
    limit = settings["generic_per_plan"] * max(1, n_plans)
    return [frozenset(n for n in names if counts[n] <= limit) for names in found]


def _longest(text: str, names: set[str]) -> set[str]:
    """The names that occur outside every longer name found in the same text."""
    kept = set()
    for name in names:
        rest = text
        for longer in names:
            if len(longer) > len(name) and name in longer:
                rest = rest.replace(longer, "\x00")
        if name in rest:
            kept.add(name)
    return kept


def specific_documents(documents: list[frozenset[str]], n_plans: int, settings) -> list[frozenset[str]]:
    counts: dict[str, int] = {}
    for names in documents:
        for name in names:
            counts[name] = counts.get(name, 0) + 1
    limit = settings["specific_per_plan"] * max(1, n_plans)
    return [frozenset(n for n in names if counts[n] <= limit) for names in documents]


def related_documents(documents: list[frozenset[str]], settings) -> dict[str, frozenset[str]]:
    """Related names: one starts with the other (著作权法 → 著作权法实施条例), or both share a stem of
    `related_stem_chars` and read alike (生物遗传资源获取管理条例 ~ 生物遗传资源获取与惠益分享管理条例)."""
    names = sorted({n for row in documents for n in row})
    related: dict[str, set[str]] = {}

    def relate(a: str, b: str) -> None:
        related.setdefault(a, set()).add(b)
        related.setdefault(b, set()).add(a)

    for i, name in enumerate(names):
        end = bisect.bisect_left(names, name + "\U0010ffff", lo=i + 1)  # names starting with `name`
        for j in range(i + 1, end):
            relate(name, names[j])
    stems: dict[str, list[str]] = {}
    for name in names:
        if len(name) >= settings["related_stem_chars"]:
            stems.setdefault(name[:settings["related_stem_chars"]], []).append(name)
    for group in stems.values():
        if len(group) > 1:
            close = process.cdist(group, group, scorer=fuzz.ratio, score_cutoff=settings["related_ratio"])
            for a, b in zip(*np.nonzero(close)):
                if a < b:
                    relate(group[a], group[b])
    return {a: frozenset(r) for a, r in related.items()}


def signatures(sets: list) -> np.ndarray:
    """A 64-bit Bloom signature per task: disjoint signatures prove disjoint sets."""
    out = np.zeros(len(sets), dtype=np.uint64)
    cache: dict[frozenset, int] = {}
    for row, names in enumerate(sets):
        if names:
            key = frozenset(names)
            if key not in cache:
                value = 0
                for name in key:
                    value |= 1 << (_stable_hash(name) % 64)
                cache[key] = value
            out[row] = cache[key]
    return out


def _stable_hash(text: str) -> int:
    # hash() is salted per process; a fixed hash keeps runs reproducible.
    value = 2166136261
    for char in text:
        value = ((value ^ ord(char)) * 16777619) & 0xFFFFFFFF
    return value
