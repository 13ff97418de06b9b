"""Department authority: which body a department name printed in a plan means, as of the plan's year.

This module owns the `DepartmentRegistry` (the bodies named in the plans, the names they answer to,
and how they were renamed, merged, split or turned into plates of other bodies) and the pure
functions that resolve printed names against it. The registry is built from rows; the reviewed
CSV files it comes from are read by `sources.registry`. Nothing here does I/O.

How a printed name is resolved:

1. `normalise_name` turns it into a lookup key: NFKC (full-width → half-width, which also unifies
   `（）` and `()`), no whitespace, no pinyin glosses such as `國(guó)`, Traditional → Simplified
   with OpenCC, then the registry's own variant table for Japanese forms OpenCC leaves alone
   (`国家知識産権局`). The variant table maps 弁 → 办, which is only right inside names.
2. The key is looked up **exactly** among the aliases. Never by substring: 保监会 is inside
   银保监会, 知识产权局 inside 国防知识产权局, 广电总局 inside 新闻出版广电总局.
3. An alias holds for some years (its body's years, or its own range for plate names such as
   版权局). Of the aliases that hold in the plan year, the one whose range starts latest wins.
4. A form `X（Y）` whose parts both resolve to the same body that year is that body, once.
5. Anything else is kept as kind 'unknown' with no department id: flagged, never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from transforms.normalize import to_simplified, unify_ideograph_forms

CATEGORIES = ("party", "ministry", "agency", "court_procuratorate", "military", "public_institution",
              "people_org", "collective")
# rename: same body, new name · merge: several bodies became one · split: a body's functions went to
# several successors (with primary=false also a partial transfer from a body that lives on) ·
# absorbed: a body folded into one that continues · plate: the name lives on as a plate of the target.
LINEAGE_KINDS = ("rename", "merge", "split", "absorbed", "plate")

_TONED_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
# Mirror sites print pinyin after characters: 國(guó)家, 知【zhī】识. Runs after NFKC, so only ASCII ().
_PINYIN_GLOSS = re.compile(rf"\([a-z{_TONED_VOWELS}]+\)|【[a-z{_TONED_VOWELS}]+】")
_WHITESPACE = re.compile(r"\s+")
# An alias may carry its own years: 版权局[2013-2017], 国家反垄断局[2021-], 商标局[-2017].
_ALIAS_WITH_YEARS = re.compile(r"^(?P<name>[^\[\]]+?)(?:\[(?P<start>\d{4})?-(?P<end>\d{4})?\])?$")
# 新闻出版广电总局（版权局）: a body followed by one of its own plate names.
_BODY_WITH_PLATE = re.compile(r"^(?P<body>[^()]+)\((?P<plate>[^()]+)\)$")


@dataclass(frozen=True)
class Department:
    """A body (or collective actor) under one identity; a new name after a reform is a new Department."""

    department_id: str
    official_name: str
    short_name: str
    category: str  # one of CATEGORIES
    valid_from: int | None  # calendar years; None: before the registry's horizon / still open
    valid_to: int | None
    aliases: tuple[str, ...]  # names as written in the registry, Simplified, Traditional and Japanese
    notes: str = ""

    def valid_in(self, year: int) -> bool:
        return _covers(self.valid_from, self.valid_to, year)


@dataclass(frozen=True)
class Alias:
    """One name a body answers to, and the years in which the name meant that body."""

    name: str  # as written in the registry
    key: str  # normalised lookup key
    department_id: str
    valid_from: int | None
    valid_to: int | None


@dataclass(frozen=True)
class LineageEdge:
    from_id: str
    to_id: str
    year: int
    kind: str  # one of LINEAGE_KINDS
    functions: str | None  # which functions moved along this edge (for splits)
    primary: bool = True  # the edge a line of work follows by default; false: a partial transfer


@dataclass(frozen=True)
class Resolution:
    raw_name: str
    name: str  # normalised lookup key
    department_id: str | None
    kind: str  # 'department' | 'collective' | 'unknown'
    lineage_id: str | None
    note: str | None = None  # a parenthesised note after the name that is not the body's own plate


@dataclass(frozen=True)
class Membership:
    """A body that belongs to a collective actor (the joint conference's member units) in some years."""

    collective_id: str
    department_id: str
    valid_from: int | None
    valid_to: int | None


@dataclass(frozen=True)
class AddresseeCoverage:
    """The bodies a notice is addressed to, with collective addressees expanded to their members."""

    department_ids: frozenset[str]
    unexpanded: tuple[str, ...]  # collective addressees whose members that year are not known


def normalise_name(raw: str, char_variants: Mapping[str, str] | None = None) -> str:
    """The lookup key of a printed department name (see the module docstring for the steps)."""
    text = unicodedata.normalize("NFKC", unify_ideograph_forms(raw))
    text = _WHITESPACE.sub("", text)  # PDF extraction and mirrors put spaces (also U+3000) inside names
    text = _PINYIN_GLOSS.sub("", text)
    text = to_simplified(text)
    if char_variants:
        text = text.translate(str.maketrans(dict(char_variants)))
    return text



class DepartmentRegistry:
    """Every body the plans name, the names they answer to by year, and their lineage."""

    def __init__(self, departments: Iterable[Department], aliases: Iterable[Alias],
                 edges: Iterable[LineageEdge], lineage_overrides: Mapping[str, str] | None = None,
                 char_variants: Mapping[str, str] | None = None, memberships: Iterable[Membership] = ()):
        departments = list(departments)
        self._memberships = tuple(memberships)
        self._departments = {d.department_id: d for d in departments}
        self._aliases = tuple(aliases)
        self._edges = tuple(edges)
        self._char_variants = dict(char_variants or {})
        self._by_key: dict[str, list[Alias]] = defaultdict(list)
        for alias in self._aliases:
            self._by_key[alias.key].append(alias)
        self._outgoing: dict[str, list[LineageEdge]] = defaultdict(list)
        self._incoming: dict[str, list[LineageEdge]] = defaultdict(list)
        for edge in sorted(self._edges, key=lambda e: (e.year, not e.primary)):
            self._outgoing[edge.from_id].append(edge)
            self._incoming[edge.to_id].append(edge)
        _check_registry(departments, self._aliases, self._edges, lineage_overrides or {})
        named = {m.department_id for m in self._memberships} | {m.collective_id for m in self._memberships}
        if named - set(self._departments):
            raise ValueError("department registry is inconsistent: memberships name unknown bodies "
                             f"{sorted(named - set(self._departments))}")
        self._lineage = _lineage_ids(self._departments, self._outgoing, lineage_overrides or {})

    @classmethod
    def from_rows(cls, departments: list[dict], edges: list[dict], char_variants: list[dict] | None = None,
                  memberships: list[dict] | None = None) -> DepartmentRegistry:
        """Build from CSV-style rows (strings; '' for empty); see sources/reference/*.csv for the columns."""
        variants = {row["variant"]: row["simplified"] for row in char_variants or ()}
        parsed = [_department_from_row(row) for row in departments]
        aliases = [alias for row, department in zip(departments, parsed)
                   for alias in _aliases_from_row(row, department, variants)]
        overrides = {row["department_id"]: row["lineage_override"]
                     for row in departments if row.get("lineage_override")}
        members = [Membership(row["collective_id"], row["department_id"], _year(row["valid_from"]),
                              _year(row["valid_to"])) for row in memberships or ()]
        return cls(parsed, aliases, [_edge_from_row(row) for row in edges], overrides, variants, members)

    def normalise(self, raw_name: str) -> str:
        return normalise_name(raw_name, self._char_variants)

    def resolve(self, raw_name: str, year: int) -> Resolution:
        """Who `raw_name`, printed in a plan of `year`, means; unknown names come back flagged, not guessed."""
        name = self.normalise(raw_name)
        department_id = self._lookup(name, year) or self._lookup_body_with_plate(name, year)
        note = None
        if department_id is None and (match := _BODY_WITH_PLATE.match(name)):
            # 国家知识产权局（商标局、专利局）: a note that is not the body's own plate stays a note
            department_id = self._lookup(match["body"], year)
            note = match["plate"] if department_id else None
        if department_id is None:
            return Resolution(raw_name, name, None, "unknown", None)
        kind = "collective" if self._departments[department_id].category == "collective" else "department"
        return Resolution(raw_name, name, department_id, kind, self._lineage[department_id], note)

    def members_of(self, collective_id: str, year: int) -> frozenset[str] | None:
        """The bodies a collective actor stands for in `year`; None when the registry does not know."""
        members = frozenset(m.department_id for m in self._memberships
                            if m.collective_id == collective_id and _covers(m.valid_from, m.valid_to, year))
        return members or None

    def find(self, name: str, year: int | None = None) -> Department | None:
        """A department by id or by any of its names; without a year the newest body of that name."""
        if name in self._departments:
            return self._departments[name]
        key = self.normalise(name)
        department_id = self._lookup(key, year) or self._lookup_body_with_plate(key, year)
        return self._departments[department_id] if department_id else None

    def department(self, department_id: str) -> Department:
        try:
            return self._departments[department_id]
        except KeyError:
            raise KeyError(f"no department {department_id!r} in the registry") from None

    def departments(self) -> list[Department]:
        return list(self._departments.values())

    def departments_in(self, year: int) -> list[Department]:
        """Bodies that existed in `year` (reform years list both the old and the new body)."""
        return [d for d in self._departments.values() if d.valid_in(year)]

    def aliases(self) -> list[Alias]:
        return list(self._aliases)

    def edges(self) -> list[LineageEdge]:
        return list(self._edges)

    def successors(self, department_id: str) -> list[LineageEdge]:
        self.department(department_id)  # an unknown id raises KeyError rather than returning nothing
        return list(self._outgoing[department_id])

    def predecessors(self, department_id: str) -> list[LineageEdge]:
        self.department(department_id)
        return list(self._incoming[department_id])

    def lineage_id(self, department_id: str) -> str:
        """The present-day body carrying this body's line of work (工商总局 → 市场监管总局)."""
        self.department(department_id)
        return self._lineage[department_id]

    def carrier_in(self, department_id: str, year: int) -> str:
        """The body carrying this body's line of work in `year`; walks forward in time only."""
        line = self.lineage_id(department_id)
        current, visited = department_id, {department_id}
        while (edge := self._exit_edge(current, year, line)) is not None:
            current = edge.to_id
            if current in visited:  # _check_registry rules cycles out; this guards the walk itself
                raise ValueError(f"lineage cycle through {current!r}")
            visited.add(current)
        return current

    def _exit_edge(self, department_id: str, year: int, line: str) -> LineageEdge | None:
        # A body is left only in a year with a primary edge (its identity ended or its plate moved);
        # partial transfers from a body that lives on are not exits. In that year, a line that went
        # through a merged body (SARFT → SAPPRFT → NRTA) takes the edge towards its own line.
        exits = [e for e in self._outgoing[department_id] if e.primary and e.year <= year]
        if not exits:
            return None
        exit_year = max(e.year for e in exits)
        same_year = [e for e in self._outgoing[department_id] if e.year == exit_year]
        toward_line = [e for e in same_year if self._lineage[e.to_id] == line]
        return (toward_line or [e for e in same_year if e.primary])[0]

    def _lookup(self, key: str, year: int | None) -> str | None:
        aliases = self._by_key.get(key, [])
        if year is not None:
            current = [a for a in aliases if _covers(a.valid_from, a.valid_to, year)]
            if current:
                # Reform years hold both the abolished body and its successor (calendar years). Reforms
                # take effect in March and the plans are issued later in the year, so the newer
                # body is the likelier meaning.
                return max(current, key=lambda a: _start(a.valid_from)).department_id
        bodies = {a.department_id for a in aliases}
        if len(bodies) == 1:
            return bodies.pop()  # an outdated or early name still has only one possible meaning
        if year is None and aliases:
            return max(aliases, key=lambda a: _start(a.valid_from)).department_id
        return None  # several bodies bore the name, none in that year: flag it rather than guess

    def _lookup_body_with_plate(self, key: str, year: int | None) -> str | None:
        # 新闻出版广电总局（版权局）is one body named with its own plate: count it once. If the two parts
        # mean different bodies that year, the form stays unresolved.
        match = _BODY_WITH_PLATE.match(key)
        if not match:
            return None
        body = self._lookup(match["body"], year)
        return body if body is not None and body == self._lookup(match["plate"], year) else None


def resolve_task_departments(tasks: list[dict], registry: DepartmentRegistry, year: int) -> list[dict]:
    """One row per department name in each task's clause, in printed order, resolved as of `year`.

    The plans name the lead department first ("列第一位的部门为牵头部门"), so position 1 is the lead.
    """
    rows = []
    for task in tasks:
        for position, raw_name in enumerate(task["departments"], start=1):
            resolution = registry.resolve(raw_name, year)
            rows.append({"plan_id": task["plan_id"], "task_key": task["task_key"], "position": position,
                         "raw_name": raw_name, "department_id": resolution.department_id,
                         "lineage_id": resolution.lineage_id, "role": "lead" if position == 1 else "co",
                         "kind": resolution.kind})
    return rows


def resolve_addressees(plan_id: str, addressees: Iterable[str] | None, registry: DepartmentRegistry,
                       year: int) -> list[dict]:
    """One row per name in a plan's addressee list (主送), resolved as of `year`."""
    rows = []
    for position, raw_name in enumerate(addressees if addressees is not None else (), start=1):
        resolution = registry.resolve(raw_name, year)
        rows.append({"plan_id": plan_id, "position": position, "raw_name": raw_name,
                     "department_id": resolution.department_id, "kind": resolution.kind})
    return rows


def addressed_departments(addressees: Iterable[str] | None, registry: DepartmentRegistry,
                          year: int) -> AddresseeCoverage:
    """Who a notice is sent to in `year`: its named bodies, and the members a collective addressee
    (联席会议各成员单位) stands for that year; a collective whose members are not known is listed apart."""
    ids: set[str] = set()
    unexpanded: list[str] = []
    for raw_name in addressees or ():
        resolution = registry.resolve(raw_name, year)
        if resolution.department_id is None:
            continue
        ids.add(resolution.department_id)
        if resolution.kind == "collective":
            members = registry.members_of(resolution.department_id, year)
            if members is None:
                unexpanded.append(raw_name)
            else:
                ids |= members
    return AddresseeCoverage(frozenset(ids), tuple(unexpanded))


def _covers(valid_from: int | None, valid_to: int | None, year: int) -> bool:
    return (valid_from is None or valid_from <= year) and (valid_to is None or year <= valid_to)


def _start(valid_from: int | None) -> int:
    return valid_from if valid_from is not None else -1


def _year(value) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    return int(value)


def _department_from_row(row: Mapping) -> Department:
    written = _split_aliases(row["aliases"])
    names = tuple(dict.fromkeys(_parse_alias(a, row["department_id"])["name"] for a in written))
    return Department(row["department_id"], row["official_name"], row["short_name"], row["category"],
                      _year(row["valid_from"]), _year(row["valid_to"]), names, row.get("notes") or "")


def _aliases_from_row(row: Mapping, department: Department, variants: Mapping[str, str]) -> list[Alias]:
    """The official and short name plus every alias, each with its years (its own range or the body's)."""
    found: dict[tuple, Alias] = {}
    for written in [department.official_name, department.short_name, *_split_aliases(row["aliases"])]:
        match = _parse_alias(written, department.department_id)
        if match["start"] is None and match["end"] is None:
            start, end = department.valid_from, department.valid_to  # an unranged alias holds while its body does
        else:
            start, end = _year(match["start"]), _year(match["end"])
        alias = Alias(match["name"], normalise_name(match["name"], variants), department.department_id, start, end)
        # Traditional and Simplified spellings share a key: keep one entry per key and years
        found.setdefault((alias.key, start, end), alias)
    return list(found.values())


def _parse_alias(written: str, department_id: str) -> re.Match:
    match = _ALIAS_WITH_YEARS.match(written)
    if match is None:
        raise ValueError(f"{department_id}: cannot read alias {written!r} (expected NAME or NAME[YYYY-YYYY])")
    return match


def _split_aliases(cell: str | None) -> list[str]:
    return [a.strip() for a in (cell or "").split(";") if a.strip()]


def _edge_from_row(row: Mapping) -> LineageEdge:
    primary = str(row.get("primary", "true")).strip().lower() not in ("false", "0", "no")
    return LineageEdge(row["from_id"], row["to_id"], int(row["year"]), row["kind"],
                       row.get("functions") or None, primary)


def _check_registry(department_list: list[Department], aliases: Iterable[Alias],
                    edges: Iterable[LineageEdge], overrides: Mapping[str, str]) -> None:
    """Reject registry data that would make resolution ambiguous or lineage undefined."""
    departments = {d.department_id: d for d in department_list}
    listed = Counter(d.department_id for d in department_list)
    problems = [f"{department_id}: listed twice" for department_id, n in listed.items() if n > 1]
    problems += [f"{d.department_id}: unknown category {d.category!r}"
                 for d in department_list if d.category not in CATEGORIES]
    problems += [f"{d.department_id}: valid_from is after valid_to" for d in department_list
                 if d.valid_from is not None and d.valid_to is not None and d.valid_from > d.valid_to]
    primaries: dict[tuple[str, int], int] = defaultdict(int)
    for edge in edges:
        problems += [f"edge {edge.from_id}->{edge.to_id}: unknown department {end!r}"
                     for end in (edge.from_id, edge.to_id) if end not in departments]
        if edge.kind not in LINEAGE_KINDS:
            problems.append(f"edge {edge.from_id}->{edge.to_id}: unknown kind {edge.kind!r}")
        primaries[(edge.from_id, edge.year)] += edge.primary
    problems += [f"{from_id}: {count} primary edges in {year}" for (from_id, year), count in primaries.items()
                 if count > 1]
    problems += [f"{d}: lineage_override {target!r} is not a department"
                 for d, target in overrides.items() if target not in departments]
    problems += _ambiguous_aliases(aliases)
    if problems:
        raise ValueError("department registry is inconsistent:\n  " + "\n  ".join(problems))


def _ambiguous_aliases(aliases: Iterable[Alias]) -> list[str]:
    # Two bodies may share a name when their years differ (广电总局). Overlapping years are settled in
    # favour of the range that starts later, so two ranges starting in the same year cannot be told apart.
    by_key: dict[str, list[Alias]] = defaultdict(list)
    for alias in aliases:
        by_key[alias.key].append(alias)
    problems = []
    for key, entries in by_key.items():
        for i, a in enumerate(entries):
            for b in entries[i + 1:]:
                if a.department_id != b.department_id and a.valid_from == b.valid_from:
                    problems.append(f"alias {key!r} means both {a.department_id} and {b.department_id}")
    return problems


def _lineage_ids(departments: Mapping[str, Department], outgoing: Mapping[str, list[LineageEdge]],
                 overrides: Mapping[str, str]) -> dict[str, str]:
    """For every body: follow its latest primary edge until a body with none (or an override) is reached."""
    lineage: dict[str, str] = {}

    def follow(department_id: str, path: tuple[str, ...]) -> str:
        if department_id in path:
            raise ValueError(f"department registry is inconsistent: lineage cycle {' -> '.join(path)}")
        if department_id not in lineage:
            primaries = [e for e in outgoing.get(department_id, []) if e.primary]
            if department_id in overrides:
                lineage[department_id] = follow(overrides[department_id], (*path, department_id))
            elif primaries:
                latest = max(primaries, key=lambda e: e.year)
                lineage[department_id] = follow(latest.to_id, (*path, department_id))
            else:
                lineage[department_id] = department_id
        return lineage[department_id]

    for department_id in departments:
        follow(department_id, ())
    return lineage
