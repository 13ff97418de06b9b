"""A layout corpus: one plan printed every way mirror sites print it.

A parsed plan is turned into a `Layout` (what the plan says: its notice and preamble,
headings, tasks and the text after them, independent of how it is printed). `render`
prints a layout in a `Style` — the numbering marks, line structure, script, punctuation
width, pinyin, page chrome and HTML wrapping real copies show — and `layout_differences`
says where the parse of a rendering differs from the layout. Model transforms
(`restart_numbering`, `mark_key_tasks`, `enlarge`, `itemise`) change what a plan says
the way a later year could (numbering per sub-section, ★ key tasks, eleven and more
sections, task numbers above 999, ①② items inside a task), and the expectation moves
with them.

Everything here is a pure function of its arguments (no I/O), so the test suite and a
benchmark can draw from the same corpus: `styles()` is the hypothesis strategy of
combinations, `SINGLE_STYLES` every transformation alone.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass, field, replace

from hypothesis import strategies as st

from transforms.models import ParsedPlan

CN_NUMERALS = "一二三四五六七八九十"


def cn_numeral(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (section numbers up to 99)."""
    tens, units = divmod(number, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CN_NUMERALS[tens - 1] + "十")
    return head + (CN_NUMERALS[units - 1] if units else "")


@dataclass(frozen=True)
class Heading:
    level: int  # 1: 一、 section, 2: （一） sub-section
    number: int
    title: str


@dataclass(frozen=True)
class TaskBlock:
    number: int
    text: str  # normalised, without the clause
    clause: str | None  # inside its （）
    departments: tuple[str, ...]
    clause_form: str | None
    key_task: bool = False
    truncated: bool = False


@dataclass(frozen=True)
class Layout:
    """What a plan says, independent of print: the parse every rendering must give back."""

    name: str
    header: tuple[str, ...]  # notice and preamble lines before the first heading
    addressee_line: int | None  # index in `header` of the addressee list
    blocks: tuple[Heading | TaskBlock, ...]
    trailer: tuple[str, ...]  # lines after the last task (the lead-department rule, sources)
    period: tuple[int, int]
    doc_number: str | None
    issued_on: object
    addressees: tuple[str, ...]
    complete: bool = True

    @property
    def tasks(self) -> list[TaskBlock]:
        return [b for b in self.blocks if isinstance(b, TaskBlock)]

    @property
    def truncated(self) -> bool:
        return any(t.truncated for t in self.tasks)


# From a parsed plan -----------------------------------------------------------------------------

def layout_of(plan: ParsedPlan) -> Layout:
    """The layout of a parsed plan: its header lines, its headings and tasks in order, its trailer."""
    text = plan.normalized_text
    header = tuple(line.strip() for line in text[: _first_heading(plan)].split("\n") if line.strip())
    meta = plan.metadata
    return Layout(
        name=plan.source.name, header=header, addressee_line=_addressee_line(header, meta.addressees),
        blocks=tuple(_blocks(plan)), trailer=tuple(line for note in plan.notes for line in note.split("\n")),
        period=(meta.period_start, meta.period_end), doc_number=meta.doc_number, issued_on=meta.issued_on,
        addressees=meta.addressees, complete=plan.complete)


def _first_heading(plan: ParsedPlan) -> int:
    first = plan.sections[0]
    match = re.search(rf"{re.escape(first.number)}[、，.\s]*{re.escape(first.title)}", plan.normalized_text)
    assert match, f"{plan.source.name}: first heading {first.number} {first.title} not found"
    return match.start()


def _addressee_line(header: tuple[str, ...], addressees: tuple[str, ...]) -> int | None:
    if not addressees:
        return None
    return next(i for i, line in enumerate(header) if addressees[0] in line and addressees[-1] in line)


def _blocks(plan: ParsedPlan) -> list[Heading | TaskBlock]:
    pending = list(plan.sections)
    blocks: list[Heading | TaskBlock] = []
    for task in plan.tasks:
        while pending and _on_path(pending[0].path, task.section_path):
            section = pending.pop(0)
            blocks.append(Heading(section.level, int(section.path.split(".")[-1]), section.title))
        blocks.append(TaskBlock(task.task_no, task.text, task.department_clause, task.departments,
                                task.clause_form, task.key_task, task.truncated))
    return blocks


def _on_path(section_path: str, task_path: str) -> bool:
    # a section comes before a task when it is on the task's path or is an earlier sibling left empty
    return task_path == section_path or task_path.startswith(section_path + ".") or \
        tuple(map(int, section_path.split("."))) < tuple(map(int, task_path.split(".")))


# What a later year could print (the expectation moves with the change) ---------------------------

def restart_numbering(layout: Layout) -> Layout:
    """Tasks numbered from 1 in each sub-section (or section), as some plans print them."""
    blocks, number = [], 0
    for block in layout.blocks:
        if isinstance(block, Heading):
            number = 0
        else:
            number += 1
            block = replace(block, number=number)
        blocks.append(block)
    return replace(layout, blocks=tuple(blocks))


def mark_key_tasks(layout: Layout, every: int = 3) -> Layout:
    """Every `every`-th task printed as a ★ key task."""
    tasks = iter(range(1, len(layout.blocks) + 1))
    return replace(layout, blocks=tuple(
        replace(b, key_task=next(tasks) % every == 1) if isinstance(b, TaskBlock) else b for b in layout.blocks))


def enlarge(layout: Layout, min_sections: int = 12, min_tasks: int = 1005) -> Layout:
    """The plan's sections repeated (and tasks repeated inside them) until it has more than ten
    sections and task numbers of four digits; a truncated last task stays last."""
    body = [b for b in layout.blocks if not (isinstance(b, TaskBlock) and b.truncated)]
    cut = [b for b in layout.blocks if isinstance(b, TaskBlock) and b.truncated]
    sections = sum(1 for b in body if isinstance(b, Heading) and b.level == 1)
    tasks = sum(1 for b in body if isinstance(b, TaskBlock))
    copies = -(-min_sections // max(sections, 1))
    per_task = -(-min_tasks // max(tasks * copies, 1))
    blocks: list[Heading | TaskBlock] = []
    section_no = task_no = 0
    for _ in range(copies):
        for block in body:
            if isinstance(block, Heading):
                section_no += block.level == 1
                blocks.append(replace(block, number=section_no) if block.level == 1 else block)
                continue
            for _ in range(per_task):
                task_no += 1
                blocks.append(replace(block, number=task_no))
    blocks += [replace(b, number=task_no + 1) for b in cut]
    # the catalogue states the real plan's count, so an enlarged plan can no longer be complete
    return replace(layout, blocks=tuple(blocks), complete=False)


def itemise(layout: Layout) -> Layout:
    """Sentences of a multi-sentence task printed as ①② items (they stay one task)."""
    blocks = []
    for block in layout.blocks:
        if isinstance(block, TaskBlock) and not block.truncated:
            sentences = re.findall(r"[^。]+。", block.text)
            if len(sentences) >= 2 and "".join(sentences) == block.text:
                marks = "①②③④⑤⑥⑦⑧⑨⑩"
                text = "".join(f"{marks[i]}{s}" for i, s in enumerate(sentences[:10])) + "".join(sentences[10:])
                block = replace(block, text=text)
        blocks.append(block)
    return replace(layout, blocks=tuple(blocks))


MODEL_TRANSFORMS = {"restart": restart_numbering, "key_tasks": mark_key_tasks, "enlarge": enlarge,
                    "items": itemise}


# Where an excerpt can stop (the copy is partial) ---------------------------------------------------

PREAMBLE_START = "为加快建设知识产权强国，"


def cut_in_preamble(layout: Layout) -> Layout:
    """The copy stops inside the preamble of a heading that follows a whole task, past the middle."""
    tasks_seen = 0
    half = len(layout.tasks) // 2
    for index, block in enumerate(layout.blocks):
        tasks_seen += isinstance(block, TaskBlock)
        if isinstance(block, Heading) and tasks_seen >= max(half, 1):
            return replace(layout, blocks=layout.blocks[: index + 1], trailer=(PREAMBLE_START,),
                           complete=False)
    return layout  # no heading after a task: nothing to cut here


def cut_in_task(layout: Layout) -> Layout:
    """The copy stops in the middle of a task's sentence, past the middle of the plan."""
    tasks = [i for i, b in enumerate(layout.blocks) if isinstance(b, TaskBlock) and not b.truncated]
    if not tasks:
        return layout  # already cut inside its first task
    index = tasks[len(tasks) // 2]
    task = layout.blocks[index]
    cut = _break_point(task.text) or len(task.text) // 2
    cut_task = replace(task, text=task.text[:cut], clause=None, departments=(), clause_form=None, truncated=True)
    return replace(layout, blocks=(*layout.blocks[:index], cut_task), trailer=(), complete=False)


def cut_in_closing(layout: Layout) -> Layout:
    """The copy stops inside the closing sentence after the last task."""
    closing = [line for line in layout.trailer if line.startswith("上述")]
    if not closing:
        return layout
    return replace(layout, trailer=(closing[0][: len(closing[0]) // 2],), complete=False)


CUTS = {"in a preamble": cut_in_preamble, "in a task": cut_in_task, "in the closing": cut_in_closing}


# How a mirror prints it ----------------------------------------------------------------------------

SECTION_MARKS = ("、", "，", ".", " ", "")  # after the numeral; "" is 一 directly before the title
SUBSECTION_BRACKETS = (("（", "）"), ("(", ")"), ("（", ")"))
TASK_MARKS = ("{n}.", "{n}．", "{n}、", "{n} .", "({n})", "（{n}）")
JOINERS = ("\n", "", " ", "\n\n\n")  # line structure: as is, one line, spaces, blank lines doubled
CHROME = ("breadcrumbs", "published", "share", "phone", "site", "footer")
HTML = ("", "p", "br", "table", "div")


@dataclass(frozen=True)
class Style:
    section_mark: str = "、"
    subsection_brackets: tuple[str, str] = ("（", "）")
    task_mark: str = "{n}."
    joiner: str = "\n"
    break_tasks: bool = False
    heading_run_on: bool = False
    markdown: bool = False
    script: str = ""  # "" | "s2t" | "s2tw"
    width: str = ""  # "" | "half" | "full"
    pinyin: str = ""  # "" | "()" | "（）" | "【】"
    chrome: tuple[str, ...] = ()
    addressees: bool = True
    html: str = ""
    model: tuple[str, ...] = field(default=())  # names in MODEL_TRANSFORMS

    def label(self) -> str:
        default = Style()
        changed = [f"{f.name}={getattr(self, f.name)!r}" for f in dataclasses.fields(self)
                   if getattr(self, f.name) != getattr(default, f.name)]
        return ", ".join(changed) or "as printed"

    @property
    def file_name(self) -> str:
        return "rendering.html" if self.html else "rendering.txt"


def expected_layout(layout: Layout, style: Style) -> Layout:
    """The layout a rendering in `style` must parse to."""
    for name in style.model:
        layout = {**MODEL_TRANSFORMS, **CUTS}[name](layout)
    if not style.addressees:
        layout = replace(layout, addressees=())
    return layout


def render(layout: Layout, style: Style) -> str:
    """The text of `layout` printed in `style` (after the model transforms)."""
    layout = expected_layout(layout, style)
    lines = _lines(layout, style)
    text = style.joiner.join(lines)
    if style.script:
        text = _opencc(style.script).convert(text)
    if style.width:
        text = to_half_width(text) if style.width == "half" else to_full_width(text)
    if style.pinyin:
        text = add_pinyin(text, style.pinyin)
    # a site name run into a first line that is the addressee list cannot be told from a name
    glue_site = layout.addressee_line != 0 or not style.addressees
    chrome = tuple(c for c in style.chrome if glue_site or c != "site")
    text = add_chrome(text, chrome, style.joiner, layout.truncated)
    if style.html:
        text = to_html(text.split("\n"), style.html)
    return text


def _lines(layout: Layout, style: Style) -> list[str]:
    header = [line for i, line in enumerate(layout.header) if style.addressees or i != layout.addressee_line]
    lines = list(header)
    run_on = False
    for block in layout.blocks:
        if isinstance(block, Heading):
            printed = _heading(block, style)
            if run_on and lines:
                lines[-1] += printed
            else:
                lines.append(_markdown_prefix(block, style) + printed)
            run_on = style.heading_run_on
            continue
        printed = _task(block, style)
        if run_on:
            lines[-1] += printed[0]
            lines += printed[1:]
        else:
            lines += printed
        run_on = False
    return lines + list(layout.trailer)


def _markdown_prefix(heading: Heading, style: Style) -> str:
    # heading levels at random, as Markdown conversions print them; they start lines, so a copy
    # printed on one line has none
    return "#" * (1 + heading.number % 3) + " " if style.markdown and "\n" in style.joiner else ""


def _heading(heading: Heading, style: Style) -> str:
    if heading.level == 1:
        return f"{cn_numeral(heading.number)}{style.section_mark}{heading.title}"
    opening, closing = style.subsection_brackets
    return f"{opening}{cn_numeral(heading.number)}{closing}{heading.title}"


def _task(task: TaskBlock, style: Style) -> list[str]:
    mark = ("★" if task.key_task else "") + style.task_mark.format(n=task.number)
    text = task.text + (f"（{task.clause}）" if task.clause is not None else "")
    if style.break_tasks:
        cut = _break_point(task.text)
        if cut:
            return [mark + text[:cut], text[cut:]]
    return [mark + text]


def _break_point(text: str) -> int | None:
    """A place in the middle of a sentence: between two Chinese characters, near the middle."""
    for offset in range(len(text) // 2, len(text) - 1):
        if _is_cjk(text[offset - 1]) and _is_cjk(text[offset]):
            return offset
    return None


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


@functools.cache
def _opencc(config: str):
    import opencc

    return opencc.OpenCC(config)


_FULL_TO_HALF = str.maketrans({"，": ",", "；": ";", "：": ":", "（": "(", "）": ")", "？": "?", "！": "!",
                               "、": "､"})


def to_half_width(text: str) -> str:
    """Chinese punctuation typed as ASCII (and 、 as the half-width ､), as careless copies do."""
    return text.translate(_FULL_TO_HALF)


def to_full_width(text: str) -> str:
    """Digits, Latin letters and ASCII punctuation typed full-width (１２．ＴＩＳＣ（））."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" and ch not in "<>&\"'/#" else ch for ch in text)


def add_pinyin(text: str, brackets: str, every: int = 5) -> str:
    """Pinyin after every `every`-th Chinese character, as some mirror sites print it: 國(guó)家."""
    from pypinyin import Style as PinyinStyle, pinyin

    opening, closing = brackets[0], brackets[1]
    out, seen = [], 0
    for ch in text:
        out.append(ch)
        if _is_cjk(ch):
            seen += 1
            if seen % every == 0:
                out.append(f"{opening}{pinyin(ch, style=PinyinStyle.TONE)[0][0]}{closing}")
    return "".join(out)


_CHROME_TOP = {
    "breadcrumbs": "当前位置：首页 > 政务公开 > 通知公告",
    "published": "发布时间：2024-05-16 09:30 来源：国家知识产权局 浏览次数：1024",
    "share": "分享到： 微信 微博 QQ空间 【字体：大 中 小】【打印本页】",
}
_CHROME_GLUED = {"phone": "联系电话：010-62083114", "site": "中国知识产权网"}
_FOOTER = "【关闭窗口】 版权所有：国家知识产权局 京ICP备05001234号-1 网站标识码bm56000001 地址：北京市海淀区蓟门桥西土城路6号"


def add_chrome(text: str, chrome: tuple[str, ...], joiner: str, truncated: bool) -> str:
    """Page furniture around the document: breadcrumbs, publication line, share buttons, a
    phone number or site name glued to the first line, a footer after the end."""
    for name in ("share", "published", "breadcrumbs"):
        if name in chrome:
            # the page's furniture is a block of its own, also above a document printed on one line
            text = _CHROME_TOP[name] + "\n" + text
    for name in ("site", "phone"):
        if name in chrome:
            text = _CHROME_GLUED[name] + text
    # a cut excerpt has no page footer after it: the copy stops where the excerpt stops
    if "footer" in chrome and not truncated:
        text = text + (joiner or "") + _FOOTER
    return text


_NAV = ("<header><div class='logo'>国家知识产权局</div><nav><a href='/'>首页</a> &gt; <a href='/zw'>政务公开</a>"
        " &gt; <a href='/tz'>通知公告</a></nav></header>")
_PAGE_FOOT = ("<footer><p>主办单位：国家知识产权局</p><p>网站地图 | 联系我们</p></footer>"
              "<div class='share'>分享到：<a>微信</a><a>微博</a></div>")


def to_html(lines: list[str], how: str) -> str:
    """The text inside `<p>`s, `<br>`s, table cells or nested `<div>`s, with navigation around it."""
    from html import escape

    lines = [escape(line) for line in lines if line.strip()]
    if how == "p":
        body = "".join(f"<p>{line}</p>" for line in lines)
    elif how == "br":
        body = "<p>" + "<br>".join(lines) + "</p>"
    elif how == "table":
        body = "<table><tbody>" + "".join(f"<tr><td>{line}</td></tr>" for line in lines) + "</tbody></table>"
    else:
        body = "".join(f"<div class='row'><div><span>{line}</span></div></div>" for line in lines)
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>通知</title></head><body>{_NAV}"
            f"<div class='main'><div class='article'><div class='content'>{body}</div></div></div>"
            f"{_PAGE_FOOT}</body></html>")


# Checking a parse ---------------------------------------------------------------------------------

def task_keys(layout: Layout) -> list[str]:
    keys, l1, l2 = [], 0, 0
    for block in layout.blocks:
        if isinstance(block, Heading):
            l1, l2 = (block.number, 0) if block.level == 1 else (l1, block.number)
        else:
            keys.append(".".join(str(n) for n in (l1, l2, block.number) if n))
    return keys


def section_rows(layout: Layout) -> list[tuple[str, int, str]]:
    rows, l1 = [], 0
    for block in layout.blocks:
        if isinstance(block, Heading):
            l1 = block.number if block.level == 1 else l1
            path = str(l1) if block.level == 1 else f"{l1}.{block.number}"
            rows.append((path, block.level, block.title))
    return rows


def layout_differences(layout: Layout, plan: ParsedPlan) -> list[str]:
    """Where the parse of a rendering differs from the layout (empty: it parses as the original)."""
    problems = []
    want = [(k, t.number, t.text, t.departments, t.clause_form, t.key_task, t.truncated)
            for k, t in zip(task_keys(layout), layout.tasks)]
    got = [(t.task_key, t.task_no, t.text, t.departments, t.clause_form, t.key_task, t.truncated)
           for t in plan.tasks]
    if len(want) != len(got):
        problems.append(f"{len(got)} tasks, expected {len(want)}")
    fields = ("key", "number", "text", "departments", "clause form", "key task", "truncated")
    for w, g in zip(want, got):
        for name, a, b in zip(fields, w, g):
            if a != b:
                problems.append(f"task {w[0]}: {name} {b!r}, expected {a!r}")
        if len(problems) > 8:
            break
    sections = [(s.path, s.level, s.title) for s in plan.sections]
    if sections != section_rows(layout):
        wrong = [(a, b) for a, b in zip(section_rows(layout), sections) if a != b][:3]
        problems.append(f"sections differ ({len(sections)} vs {len(section_rows(layout))}): {wrong}")
    meta = plan.metadata
    for name, a, b in (("period", layout.period, (meta.period_start, meta.period_end)),
                       ("doc number", layout.doc_number, meta.doc_number),
                       ("issue date", layout.issued_on, meta.issued_on),
                       ("addressees", layout.addressees, meta.addressees),
                       ("complete", layout.complete, plan.complete)):
        if a != b:
            problems.append(f"{name} {b!r}, expected {a!r}")
    return problems


# Drawing styles -------------------------------------------------------------------------------------

def styles(model: bool = True) -> st.SearchStrategy[Style]:
    """Any combination of the transformations (hypothesis strategy)."""
    return st.builds(
        Style,
        section_mark=st.sampled_from(SECTION_MARKS),
        subsection_brackets=st.sampled_from(SUBSECTION_BRACKETS),
        task_mark=st.sampled_from(TASK_MARKS),
        joiner=st.sampled_from(JOINERS),
        break_tasks=st.booleans(),
        heading_run_on=st.booleans(),
        markdown=st.booleans(),
        script=st.sampled_from(("", "s2t", "s2tw")),
        width=st.sampled_from(("", "half", "full")),
        pinyin=st.sampled_from(("", "()", "（）", "【】")),
        chrome=st.lists(st.sampled_from(CHROME), unique=True, max_size=3).map(tuple),
        addressees=st.booleans(),
        html=st.sampled_from(HTML),
        model=(st.lists(st.sampled_from(("restart", "key_tasks", "items")), unique=True, max_size=2).map(tuple)
               if model else st.just(())),
    )


def _single_styles() -> dict[str, Style]:
    """Every transformation alone."""
    singles: dict[str, Style] = {"as printed": Style()}
    for mark in SECTION_MARKS[1:]:
        singles[f"section mark {mark!r}"] = Style(section_mark=mark)
    for brackets in SUBSECTION_BRACKETS[1:]:
        singles[f"sub-section {''.join(brackets)}"] = Style(subsection_brackets=brackets)
    for mark in TASK_MARKS[1:]:
        singles[f"task mark {mark}"] = Style(task_mark=mark)
    for joiner, name in zip(JOINERS[1:], ("one line", "breaks as spaces", "blank lines doubled")):
        singles[name] = Style(joiner=joiner)
    singles["tasks broken mid-sentence"] = Style(break_tasks=True)
    singles["headings run into the first task"] = Style(heading_run_on=True)
    singles["markdown heading levels"] = Style(markdown=True)
    for script in ("s2t", "s2tw"):
        singles[script] = Style(script=script)
    for width in ("half", "full"):
        singles[f"{width}-width"] = Style(width=width)
    for brackets in ("()", "（）", "【】"):
        singles[f"pinyin {brackets}"] = Style(pinyin=brackets)
    for name in CHROME:
        singles[f"chrome {name}"] = Style(chrome=(name,))
    singles["no addressee list"] = Style(addressees=False)
    for how in HTML[1:]:
        singles[f"html {how}"] = Style(html=how)
    for name in MODEL_TRANSFORMS:
        singles[f"model {name}"] = Style(model=(name,))
    singles["★(1) key tasks"] = Style(task_mark="({n})", model=("key_tasks",))
    return singles


SINGLE_STYLES = _single_styles()
