"""Copies of the real plans as other sites, offices and converters produce them parse like the original.

Each variant is generated here from a plan in ../shared/plans (or the bundled 2020 plan): text taken
from a PDF (wrapped at the page width, page numbers between lines, characters given as radicals),
Hong Kong script, invisible format characters, other task-number and clause forms. The comparison is
the plan's tasks: keys, text, departments and clause forms, and the metadata read from the notice.
"""

from __future__ import annotations

import re
import unicodedata

import opencc
import pytest

from sources.read import read_bytes, read_source
from sources.registry import load_department_registry
from tests.document_builders import build_cjk_pdf
from transforms.clauses import parse_clause
from transforms.normalize import unify_ideograph_forms, unify_width
from transforms.parse import parse_plan

PLAN_FILES = ("2020.gov.md", "2016.showlaw.txt", "2015.law-bridge.txt", "2021-2022.cnipa.txt",
              "2021-2022.izubei.txt")


def tasks_of(plan) -> list[tuple]:
    return [(t.task_key, t.text, t.departments, t.clause_form) for t in plan.tasks]


def metadata_of(plan) -> tuple:
    meta = plan.metadata
    return meta.title, meta.period_start, meta.doc_number, meta.issued_on, meta.addressees


def parse_variant(text: str, name: str = "copy.txt"):
    return parse_plan(read_bytes(name, "test", text.encode("utf-8")))


@pytest.fixture(scope="module")
def originals(shared_plans):
    return {name: (source := read_source(shared_plans / name), parse_plan(source)) for name in PLAN_FILES}


def wrap_like_a_pdf(text: str, width: int, page_lines: int) -> str:
    """Every line cut at `width` characters wherever that falls (inside words, names, clauses and
    titles), and a page number `— n —` between the lines every `page_lines` lines."""
    out: list[str] = []
    for line in text.split("\n"):
        for chunk in [line[i: i + width] for i in range(0, len(line), width)] or [""]:
            out.append(chunk)
            if len(out) % (page_lines + 1) == page_lines:
                out.append(f"— {len(out) // page_lines} —")
    return "\n".join(out)


@pytest.mark.parametrize("name", PLAN_FILES)
@pytest.mark.parametrize("width", [17, 28, 33])
def test_text_wrapped_at_the_page_width_with_page_numbers(originals, name, width):
    # before: a bracket wrapped onto a line of its own stayed half-width and the clause was lost; the
    # 2020 notice title over three lines gave no year ("cannot tell which year"); a wrapped source URL
    # `…content_551191` / `3.htm)` after task 100 was refused as a duplicate task 3; sentences of a
    # 2015 task after a line ending in 。 became notes; the addressee list broke inside 最高人民法院
    source, original = originals[name]
    copy = parse_variant(wrap_like_a_pdf(source.text, width, page_lines=20), name)
    assert tasks_of(copy) == tasks_of(original)
    assert metadata_of(copy) == metadata_of(original)
    assert copy.complete == original.complete


# What a PDF text layer gives for some characters: the Kangxi radical or the CJK radical supplement
# form of the same shape (extracted from a Chromium print of the 2020 page with Noto Serif CJK).
_AS_RADICALS = str.maketrans("工行高人一立大用民网力革生文广入方见门长龙风", "⼯⾏⾼⼈⼀⽴⼤⽤⺠⽹⼒⾰⽣⽂⼴⼊⽅⻅⻔⻓⻰⻛")


@pytest.mark.parametrize("name", ["2020.gov.md", "2016.showlaw.txt"])
def test_characters_given_as_radicals_read_as_the_characters(originals, name):
    # before: 最⾼⼈⺠法院 and 卫⽣健康委 were unknown departments, the plan title did not read
    source, original = originals[name]
    copy = parse_variant(source.text.translate(_AS_RADICALS), name)
    assert tasks_of(copy) == tasks_of(original)
    assert metadata_of(copy) == metadata_of(original)


def test_radical_forms_unify_in_text_and_in_department_names():
    assert unify_ideograph_forms("最⾼⼈⺠法院、⼯业和信息化部、⻓⻔") == "最高人民法院、工业和信息化部、长门"
    registry = load_department_registry()
    assert registry.resolve("最⾼⼈⺠法院", 2020).department_id == registry.resolve("最高人民法院", 2020).department_id
    assert all(len(unicodedata.normalize("NFKC", ch)) == 1 for ch in "⼯⾏⾼⼈")


@pytest.mark.parametrize("name", ["2020.gov.md", "2016.showlaw.txt", "2021-2022.cnipa.txt"])
def test_hong_kong_script_reads_like_the_simplified_original(originals, name):
    # before: OpenCC s2hk writes 衞生健康委, which t2s leaves alone: an unknown department
    source, original = originals[name]
    copy = parse_variant(opencc.OpenCC("s2hk").convert(source.text), name)
    assert tasks_of(copy) == tasks_of(original)
    registry = load_department_registry()
    year = copy.metadata.period_start
    assert all(registry.resolve(d, year).department_id for task in copy.tasks for d in task.departments)


def test_zero_width_and_other_invisible_characters_are_not_text(originals):
    # before: `1\u200b.` hid every task number (no numbered tasks found) and 负\u200b责 every clause
    source, original = originals["2020.gov.md"]
    text = re.sub(r"(?m)^(\d+)\.", "\\1\u200b.", source.text).replace("负责", "负\u200b责").replace("知识", "知\u00ad识")
    copy = parse_variant(text.replace("部、", "部\ufeff、"), "2020.gov.md")
    assert tasks_of(copy) == tasks_of(original)


@pytest.mark.parametrize("bracket", ["）", ")"])
def test_task_numbers_closed_by_a_half_bracket(originals, bracket):
    # before: `1）` and `1)` were no task markers (no numbered tasks found)
    source, original = originals["2020.gov.md"]
    copy = parse_variant(re.sub(r"(?m)^(#*\s*)(\d+)\.\s*", rf"\1\2{bracket}", source.text), "2020.gov.md")
    assert tasks_of(copy) == tasks_of(original)
    assert [t.printed_no for t in copy.tasks] == [str(n) for n in range(1, 101)]


def test_a_number_run_into_letters_is_not_a_task():
    plan = parse_variant("明确2030年任务。\n一、加强保护\n1.修订专利法。（知识产权局负责）\n"
                         "2.修订商标法。（知识产权局负责）\n来源：http://www.example.gov.cn/content_1\n2.htm\n", "2030.txt")
    assert [t.task_no for t in plan.tasks] == [1, 2]


@pytest.mark.parametrize(("inner", "departments", "form"), [
    ("知识产权局牵头，公安部、海关总署配合", ("知识产权局", "公安部", "海关总署"), "牵头"),
    ("知识产权局牵头负责，公安部参与", ("知识产权局", "公安部"), "牵头"),  # before: '负责' was a department
    ("知识产权局牵头，公安部配合，海关总署参与", ("知识产权局", "公安部", "海关总署"), "牵头"),
    ("由知识产权局负责", ("知识产权局",), "负责"),  # before: '由知识产权局'
    ("知识产权局等部门按职责分工负责", ("知识产权局",), "按职责分别负责"),  # before: '知识产权局等部门'
    ("知识产权局会同商务部负责", ("知识产权局", "商务部"), "负责"),
    ("国家知识产权局（商标局、专利局）负责", ("国家知识产权局（商标局、专利局）",), "负责"),
])
def test_clause_wordings(inner, departments, form):
    assert parse_clause(inner) == (departments, form)


# Task-division tables (任务分工表): 序号 | 工作措施 | 责任单位 --------------------------------------------

_TASK_LINE = re.compile(r"^\s*(\d+)\.\s*(.*?)（([^（）]*?)(按职责分别负责|负责)）(.*)$")


def task_rows(text: str):
    """Each line of the plan: ('row', number, text, names, suffix, rest) for a task line whose clause
    ends it, ('line', text) for any other; the names keep every suffix but a plain 负责."""
    for line in text.split("\n"):
        match = _TASK_LINE.match(unify_width(line))
        if match and not match.group(5):
            number, body, names, suffix, _ = match.groups()
            yield "row", number, body, names + ("" if suffix == "负责" else suffix)
        elif line.strip():
            yield "line", line.strip().lstrip("# ")


def as_html_table(text: str, header: bool) -> bytes:
    from html import escape

    parts, open_table = [], False
    for kind, *fields in task_rows(text):
        if kind == "row" and not open_table:
            parts.append("<table>" + ("<tr><th>序号</th><th>工作措施</th><th>责任单位</th></tr>" if header else ""))
            open_table = True
        if kind == "row":
            parts.append("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in fields) + "</tr>")
            continue
        if open_table:
            parts.append("</table>")
            open_table = False
        parts.append(f"<p>{escape(fields[0])}</p>")
    body = "".join(parts) + ("</table>" if open_table else "")
    return (f"<html><head><meta charset='utf-8'></head><body><nav><a href='/'>首页</a></nav>"
            f"<div class='content'>{body}</div><footer>版权所有</footer></body></html>").encode("utf-8")


def as_docx_table(text: str, lead_and_co: bool) -> bytes:
    import io

    import docx

    document, table = docx.Document(), None
    for kind, *fields in task_rows(text):
        if kind == "line":
            document.add_paragraph(fields[0])
            table = None
            continue
        number, body, names = fields
        if table is None:
            table = document.add_table(rows=1, cols=4 if lead_and_co else 3)
            labels = ("序号", "工作措施", "牵头单位", "参与单位") if lead_and_co else ("序号", "工作措施", "责任单位")
            for cell, label in zip(table.rows[0].cells, labels):
                cell.text = label
        cells = table.add_row().cells
        cells[0].text, cells[1].text = number, body
        if lead_and_co:
            lead, _, co = names.removesuffix("按职责分别负责").partition("、")
            cells[2].text = lead
            for i, name in enumerate(n for n in co.split("、") if n):  # one name per paragraph
                (cells[3].paragraphs[0] if i == 0 else cells[3].add_paragraph()).text = name
        else:
            cells[2].text = names
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("header", [True, False])
@pytest.mark.parametrize("name", ["2020.gov.md", "2016.showlaw.txt"])
def test_plan_laid_out_as_a_task_division_table_in_html(originals, name, header):
    # before: the number cell alone on its line was no task marker: 2 of 100 tasks (those whose
    # clause is not at the line end), and the names cell was no clause
    source, original = originals[name]
    copy = parse_plan(read_bytes(name.split(".")[0] + ".html", "test", as_html_table(source.text, header)))
    assert tasks_of(copy) == tasks_of(original)


def test_plan_laid_out_as_a_task_division_table_in_word(originals):
    source, original = originals["2020.gov.md"]
    copy = parse_plan(read_bytes("2020.docx", "test", as_docx_table(source.text, lead_and_co=False)))
    assert tasks_of(copy) == tasks_of(original)


def test_word_table_with_lead_and_other_bodies_in_two_columns(originals):
    source, original = originals["2016.showlaw.txt"]
    copy = parse_plan(read_bytes("2016.docx", "test", as_docx_table(source.text, lead_and_co=True)))
    assert [(t.task_key, t.text, t.departments) for t in copy.tasks] == \
        [(t.task_key, t.text, t.departments) for t in original.tasks]
    assert {t.clause_form for t in copy.tasks if len(t.departments) > 1} == {"牵头"}


# A PDF of the plan: lines wrapped at the page width, a running header and a page number on every page,
# characters given as radicals in the text layer -------------------------------------------------------

def as_pdf(text: str, width: int = 28, lines_per_page: int = 8) -> bytes:
    lines = [chunk for line in text.translate(_AS_RADICALS).split("\n") if line.strip()
             for chunk in (line[i: i + width] for i in range(0, len(line), width))]
    body = [lines[i: i + lines_per_page] for i in range(0, len(lines), lines_per_page)]
    count = len(body)
    return build_cjk_pdf([(["国务院知识产权战略实施工作部际联席会议办公室文件"] if number > 1 else [])
                          + page + [f"— {number} —", f"第{number}页 共{count}页"]
                          for number, page in enumerate(body, start=1)])


@pytest.mark.parametrize("name", ["2020.gov.md", "2016.showlaw.txt", "2015.law-bridge.txt"])
def test_plan_printed_to_pdf_reads_like_the_original(originals, name):
    # before (2020, a real Chromium print read through pypdf): refused, "cannot tell which year"; with
    # that fixed, running headers and page footers stood inside six tasks and one department clause
    source, original = originals[name]
    copy = parse_plan(read_bytes("plan.pdf", "test", as_pdf(source.text)))
    assert tasks_of(copy) == tasks_of(original)
    assert metadata_of(copy) == metadata_of(original)
    assert copy.complete == original.complete


_IPA_CLAUSE = re.compile(r"^(.*?)([（(]知识产权局负责[）)])$")


def test_a_department_clause_wrapped_onto_its_own_line_at_every_page_edge_is_kept(originals):
    # before: `（知识产权局负责）`, the commonest clause, wrapped onto its own line at the foot of most
    # pages read as a running footer and was cut from every page: those tasks lost their department
    source, original = originals["2020.gov.md"]
    pages, page = [], []
    for line in (line.lstrip("# ") for line in source.text.split("\n") if line.strip()):
        match = _IPA_CLAUSE.match(line)
        page += [match.group(1), match.group(2)] if match else [line]
        if match:
            pages.append(page)
            page = []
    copy = parse_plan(read_bytes("plan.pdf", "test", build_cjk_pdf([*pages, page])))
    assert len(pages) > 10
    assert tasks_of(copy) == tasks_of(original)


def test_a_running_header_repeating_the_title_keeps_the_title_on_page_one(originals):
    # before: a PDF of the plan alone, the plan's title heading page 1 and repeated as the running
    # header of every page, lost the title itself: "cannot tell which year"
    source, original = originals["2020.gov.md"]
    lines = [line.lstrip("# ") for line in source.text.split("\n") if line.strip()]
    plan_alone = lines[lines.index(original.metadata.title):]
    pages = [plan_alone[i: i + 12] for i in range(0, len(plan_alone), 12)]
    copy = parse_plan(read_bytes("plan.pdf", "test", build_cjk_pdf(
        [([plan_alone[0]] if number > 1 else []) + page + [f"— {number} —"] for number, page in enumerate(pages, 1)])))
    alone = parse_plan(read_bytes("plan.txt", "test", "\n".join(plan_alone).encode("utf-8")))
    assert (copy.metadata.title, copy.metadata.period_start) == (original.metadata.title, 2020)
    assert tasks_of(copy) == tasks_of(alone) == tasks_of(original)


# A Word copy numbered by Word's automatic numbering: no number is in the paragraphs' text ------------

_HEADING = re.compile(r"^#*\s*([一二三四五六七八九十]+)、\s*(.*)$")
_SUB_HEADING = re.compile(r"^#*\s*[（(]([一二三四五六七八九十]+)[）)]\s*([^。（].*)$")  # not `（二）。（…负责）`
_NUMBERED_TASK = re.compile(r"^\s*(\d+)\.\s*(.*)$")


def as_auto_numbered_docx(text: str) -> bytes:
    """Sections `一、`, sub-sections `（一）` restarted in each section, and tasks `1.` numbered on through
    the document, all three by Word list numbering (numbering.xml); the paragraphs hold only the titles
    and the task texts."""
    import io

    import docx
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document = docx.Document()
    numbering = document.part.numbering_part.element
    for abstract_id, (fmt, label) in enumerate([("chineseCounting", "%1、"), ("chineseCounting", "（%1）"),
                                                ("decimal", "%1.")], start=100):
        numbering.insert(0, parse_xml(
            f'<w:abstractNum {w} w:abstractNumId="{abstract_id}"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
            f'<w:numFmt w:val="{fmt}"/><w:lvlText w:val="{label}"/></w:lvl></w:abstractNum>'))
    instances = iter(range(200, 400))

    def new_list(abstract_id: int, restart: bool) -> str:
        num_id = str(next(instances))
        override = '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>' if restart else ""
        numbering.append(parse_xml(f'<w:num {w} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>'
                                   f'{override}</w:num>'))
        return num_id

    sections, tasks, sub_sections = new_list(100, False), new_list(102, False), None

    def numbered(paragraph_text: str, num_id: str) -> None:
        paragraph = document.add_paragraph(paragraph_text)
        paragraph._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {w}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'))

    for line in (line.strip() for line in text.split("\n") if line.strip()):
        if match := _HEADING.match(line):
            numbered(match.group(2), sections)
            sub_sections = new_list(101, True)  # Word's "restart numbering" for the next (一)
        elif (match := _SUB_HEADING.match(line)) and sub_sections:
            numbered(match.group(2), sub_sections)
        elif match := _NUMBERED_TASK.match(line):
            numbered(match.group(2), tasks)
        else:
            document.add_paragraph(line.lstrip("# "))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["2020.gov.md", "2016.showlaw.txt", "2021-2022.cnipa.txt"])
def test_word_copy_numbered_by_automatic_lists(originals, name):
    # before: "no numbered tasks found": the numbers live in numbering.xml, not in the text
    source, original = originals[name]
    copy = parse_plan(read_bytes(name.split(".")[0] + ".docx", "test", as_auto_numbered_docx(source.text)))
    assert tasks_of(copy) == tasks_of(original)
    assert [(s.path, s.title) for s in copy.sections] == [(s.path, s.title) for s in original.sections]


def as_ordered_lists(text: str) -> bytes:
    """Tasks as <ol start=N><li> items, one list per run of tasks: the browser draws the numbers."""
    from html import escape

    parts, first = [], None
    for line in (line.strip() for line in text.split("\n") if line.strip()):
        if match := _NUMBERED_TASK.match(line):
            if first is None:
                first = match.group(1)
                parts.append(f"<ol start='{first}'>")
            parts.append(f"<li>{escape(match.group(2))}</li>")
            continue
        if first is not None:
            parts.append("</ol>")
            first = None
        parts.append(f"<p>{escape(line.lstrip('# '))}</p>")
    body = "".join(parts) + ("</ol>" if first is not None else "")
    return f"<html><head><meta charset='utf-8'></head><body><div class='article'>{body}</div></body></html>".encode()


@pytest.mark.parametrize("name", ["2020.gov.md", "2016.showlaw.txt"])
def test_tasks_as_html_ordered_list_items(originals, name):
    # before: "no numbered tasks found": trafilatura gives an <li> as `- item`, without its number
    source, original = originals[name]
    copy = parse_plan(read_bytes(name.split(".")[0] + ".html", "test", as_ordered_lists(source.text)))
    assert tasks_of(copy) == tasks_of(original)


@pytest.mark.parametrize("printed", [
    "【{names}{suffix}】",  # before: no clause in any task (only （…） was read)
    "[{names}{suffix}]",
    "（责任单位：{names}）",  # before: no clause; the label form of a task-division table
    "\n责任单位：{names}",  # before: no clause; the label on its own line after the task
])
def test_clause_bracket_and_label_forms(originals, printed):
    source, original = originals["2016.showlaw.txt"]
    labelled = "责任单位" in printed

    def reprint(match: re.Match) -> str:
        suffix = match.group(2)
        return printed.format(names=match.group(1), suffix="" if labelled else suffix)

    text = re.sub(r"[（(]([^（）()]*?)(按职责分别负责|负责)[)）]\s*$", reprint, source.text, flags=re.M)
    copy = parse_variant(text, "2016.showlaw.txt")
    assert [(t.task_key, t.text, t.departments) for t in copy.tasks] == \
        [(t.task_key, t.text, t.departments) for t in original.tasks]
    if not labelled:
        assert [t.clause_form for t in copy.tasks] == [t.clause_form for t in original.tasks]


def test_pinyin_glosses_broken_by_a_wrap_are_removed(originals):
    # before: 13 department names lost and glosses such as 高（gāo） left in task text: a wrap inside
    # `(gāo)` leaves no whole gloss on either line
    from tests.layout_corpus import add_pinyin

    source, original = originals["2020.gov.md"]
    copy = parse_variant(wrap_like_a_pdf(add_pinyin(source.text, "()"), 30, page_lines=20), "2020.gov.md")
    assert tasks_of(copy) == tasks_of(original)


def test_a_task_may_open_with_an_acronym(originals):
    # before: `2.WIPO…` was taken for a number run into letters, and the task fell into the notes
    source, original = originals["2020.gov.md"]
    text = re.sub(r"(?m)^(#*\s*)(\d+)\.\s*", lambda m: f"{m[1]}{m[2]}.WIPO" if m[2] in ("2", "3") else m[0],
                  source.text)
    copy = parse_variant(text, "2020.gov.md")
    assert [t.task_no for t in copy.tasks] == list(range(1, 101))
    assert copy.tasks[1].text.startswith("WIPO")
    assert parse_variant(text.replace(".WIPO", "．ＷＩＰＯ"), "2020.gov.md").tasks[2].text.startswith("WIPO")


@pytest.mark.parametrize("layout", ["；", "；\n"])
def test_items_numbered_with_a_half_bracket_inside_a_task_of_a_plan_numbered_with_dots(originals, layout):
    # before: `…：1）…；2）…` inside task 1 took number 2, and the real task 2 was refused as a duplicate
    source, original = originals["2020.gov.md"]
    first = original.tasks[0]
    items = f"1）修订条例{layout}2）制定办法。"
    copy = parse_variant(source.text.replace(first.original_text[:10], f"{first.original_text[:10]}：{items}", 1),
                         "2020.gov.md")
    assert [t.task_no for t in copy.tasks] == list(range(1, 101))
    assert "2）制定办法" in copy.tasks[0].text
