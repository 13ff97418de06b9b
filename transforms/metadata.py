"""Plan metadata from the notice that wraps a plan: title, period, document number,
issue date, issuer and addressees.

Partial copies often lack the notice; what the text does not say may be filled from
the catalogue of known plans (`sources/reference/plan_catalogue.csv`), matched on the
period or the title, never guessed.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import unicodedata

from transforms.clauses import split_outside_brackets
from transforms.models import PlanError, PlanMetadata
from transforms.normalize import cn_number

_NOTICE_TITLE = re.compile(r"(?P<issuer>[\u4e00-\u9fff（）]*?)关于印发《(?P<title>[^《》]+)》的通知")
_DOC_NUMBER = re.compile(r"^(?P<prefix>[\u4e00-\u9fff]{2,10})[〔\[［【(（](?P<year>\d{4})[〕\]］】)）](?P<no>\d{1,4})号$")
# In a copy printed on one line the number runs into its neighbours; the plan's own
# number is then the first one outside parentheses (cited documents stand in （…）).
_DOC_NUMBER_RUN_ON = re.compile(r"(?<![（(、《])(?P<prefix>国[\u4e00-\u9fff]{1,6})〔(?P<year>\d{4})〕(?P<no>\d{1,4})号(?![）)])")
_DATE_RUN_ON = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_TITLE_RUN_ON = re.compile(r"(?<!《)(\d{4}年[\u4e00-\u9fff“”]{4,60}?推进计划)(?!》)")
_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_CN_DATE = re.compile(r"^([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日$")
_PERIOD_STATED = re.compile(r"明确(\d{4})(?:[—–\-－~至到](\d{4}))?年")
_PERIOD_IN_TITLE = re.compile(r"^(\d{4})(?:[—–\-－](\d{4}))?年")
_FILE_PERIOD = re.compile(r"^(\d{4})(?:[-–_](\d{4}))?(?!\d)")
_ISSUER_LINE = re.compile(r"^[\u4e00-\u9fff（）]{6,40}(办公室|联席会议)$")


def read_metadata(header: str, body: str, name: str, catalogue: list | None = None) -> PlanMetadata:
    """Metadata from the header (the text before the first section), then the catalogue."""
    lines = [line.strip() for line in header.split("\n") if line.strip()]
    issuer, title = _notice(lines)
    title = title or _title_line(lines)
    start, end = _period(header, title, name)
    entry = _catalogue_entry(catalogue or [], start, end, title)
    if entry is not None:
        start, end = entry.period_start, entry.period_end
    if start is None:
        raise PlanError(name, "cannot tell which year the plan is for (no 明确YYYY年 in the preamble, "
                              "no year in the title or the file name, no catalogue entry)")
    return PlanMetadata(
        title=title or (entry.title if entry else None),
        period_start=start,
        period_end=end,
        doc_number=_doc_number(lines) or (entry.doc_number if entry else None) or None,
        issued_on=_issued_on(lines) or (entry.issued_on if entry else None),
        issuer=issuer or _issuer_line(lines) or (entry.issuer if entry else None) or None,
        addressees=_addressees(header),
    )


# A title printed over several lines (a PDF wraps the notice title at the page width) is read from up
# to this many consecutive lines joined.
_TITLE_LINES = 6  # a notice title is some 70 characters: six lines even in a narrow column
_WRAP_SLACK = 2  # characters (twice as many display columns) a full line may end short of the widest


def _notice(lines: list[str]) -> tuple[str | None, str | None]:
    # 关于印发《…》的通知 is specific enough to be looked for in any run of lines, shortest first
    for size in range(1, _TITLE_LINES + 1):
        for start in range(len(lines) - size + 1):
            match = _NOTICE_TITLE.search("".join(lines[start: start + size]))
            if match:
                return match.group("issuer") or None, match.group("title")
    return None, None


def _wrapped_runs(lines: list[str]):
    """Runs of consecutive lines joined (Chinese joins directly) where every line but the last was
    full, so its break was a wrap, and the line before the run was not; then each line."""
    full = _full_lines(lines)
    for size in range(_TITLE_LINES, 1, -1):
        for start in range(len(lines) - size + 1):
            if all(full[start: start + size - 1]) and not (start and full[start - 1]):
                yield "".join(lines[start: start + size])
    yield from lines


def _full_lines(lines: list[str]) -> list[bool]:
    """Whether each line is as wide as the widest, in characters or in display columns (copies wrap by either)."""
    if not lines:
        return []
    lengths = [len(line) for line in lines]
    widths = [sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line) for line in lines]
    return [length >= max(lengths) - _WRAP_SLACK or width >= max(widths) - 2 * _WRAP_SLACK
            for length, width in zip(lengths, widths)]


def _title_line(lines: list[str]) -> str | None:
    # a fragment of a wrapped title also ends in 推进计划: the whole run is tried first
    for run in _wrapped_runs(lines):
        if run.endswith("推进计划") and len(run) <= 80 and "《" not in run:
            return run
    match = _TITLE_RUN_ON.search("\n".join(lines))
    return match.group(1) if match else None


def _period(header: str, title: str | None, name: str) -> tuple[int | None, int | None]:
    # 明确2020年 may be broken across lines in a wrapped copy
    for pattern, text in ((_PERIOD_STATED, header.replace("\n", "")), (_PERIOD_IN_TITLE, title or ""),
                          (_FILE_PERIOD, name)):
        match = pattern.search(text)
        if match:
            start = int(match.group(1))
            return start, int(match.group(2) or start)
    return None, None


def _catalogue_entry(catalogue: list, start: int | None, end: int | None, title: str | None):
    for entry in catalogue:
        if start is not None and (entry.period_start, entry.period_end) == (start, end):
            return entry
    for entry in catalogue:
        if start is None and title and entry.title == title:
            return entry
    return None


def _doc_number(lines: list[str]) -> str | None:
    for line in lines:
        match = _DOC_NUMBER.match(line)
        if match:
            return f"{match.group('prefix')}〔{match.group('year')}〕{match.group('no')}号"
    match = _DOC_NUMBER_RUN_ON.search("\n".join(lines))
    return f"{match.group('prefix')}〔{match.group('year')}〕{match.group('no')}号" if match else None


def _issued_on(lines: list[str]) -> dt.date | None:
    for line in lines:
        parts = _date_parts(line)
        if parts:
            try:
                return dt.date(*parts)
            except ValueError:
                return None
    # one-line copies: the signature date closes the notice, so it is the last date before the plan
    dates = _DATE_RUN_ON.findall("\n".join(lines))
    if dates and len(lines) <= 2:
        try:
            return dt.date(*map(int, dates[-1]))
        except ValueError:
            return None
    return None


def _date_parts(line: str) -> tuple[int, int, int] | None:
    """2020年5月13日, or the same in Chinese numerals (二〇二〇年五月十三日)."""
    match = _DATE.match(line)
    if match:
        return int(match.group(1)), int(match.group(2)), int(match.group(3))
    match = _CN_DATE.match(line)
    if match:
        year = int("".join(str("〇一二三四五六七八九".index(ch.replace("零", "〇"))) for ch in match.group(1)))
        return year, cn_number(match.group(2)), cn_number(match.group(3))
    return None


def _issuer_line(lines: list[str]) -> str | None:
    for line in lines:
        if _ISSUER_LINE.match(line):
            return line
    return None


def _addressees(header: str) -> tuple[str, ...]:
    """The addressee list (主送): names separated by 、 ， , ； or line breaks, ended by ：.

    It is the first run of name-shaped pieces before a colon, counted back to the start of
    the header, a blank line, a sentence end, the document number or the notice title — so
    a list printed over several lines, or run into the text around it, is read whole.
    """
    text = "\n".join(line.strip() for line in header.split("\n"))
    starts = [0, *(m.end() for m in _LIST_START.finditer(text))]
    for colon in re.finditer("[：:]", text):
        start = starts[bisect.bisect_right(starts, colon.start()) - 1]
        names = _split_names(text[start: colon.start()])
        if len(names) >= _MIN_ADDRESSEES and all(_NAME_SHAPE.fullmatch(name) for name in names):
            return tuple(names)
    return ()


# Where an addressee list can start: after a short line of page chrome (a breadcrumb trail
# `首页 > 通知公告`, share buttons `【打印】`), a sentence, the document number, the notice
# title, another colon, chrome marks, or a blank line.
_LIST_START = re.compile(r"^[^\n]{0,80}[>|】][^\n]{0,80}$\n?|[。！？：:>|】]|号(?=[\u4e00-\u9fff\n])|的通知|\n\n",
                         re.MULTILINE)
_MIN_ADDRESSEES = 3  # the plans are sent to dozens of bodies; two short lines before a colon are chrome
# A name is Chinese text, optionally with one parenthesised note (中央宣传部（国家版权局）).
_NAME_SHAPE = re.compile(r"[\u4e00-\u9fff]{2,40}(?:（[^（）]{1,30}）)?")
_NAME_SEPARATORS = "、，,；;\n"
# How the names of the bodies a plan is sent to end (部, 委, 院, 局, 会 …, or a bracketed note), or a
# separator ending the line: a line ending otherwise was wrapped inside a name.
_NAME_END = re.compile(r"(?:[部委院局会办署行协室厅社处所组心馆团府队站司）)]|[、，,；;])\s*$")


def _split_names(text: str) -> list[str]:
    """Split on the separators outside parentheses; a name starts at its first Chinese character
    (a phone number or page chrome run into the list is not part of the first name)."""
    if any(ch in text for ch in _NAME_SEPARATORS if ch != "\n"):
        # a list separated by marks was wrapped where it breaks lines (a PDF breaks inside 最高
        # 人民法院): a line joins the next unless it ends a name, as each line of a list printed one
        # name per line does (中央宣传部 / 最高人民法院、最高人民检察院 / 外交部)
        *lines, last = text.split("\n")
        text = "".join(line + "\n" if _NAME_END.search(line) else line for line in lines) + last
    cleaned = [re.sub(r"^[^\u4e00-\u9fff]+", "", name.strip())
               for name in split_outside_brackets(text, _NAME_SEPARATORS)]
    return [name for name in cleaned if name]
