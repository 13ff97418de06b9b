"""Tables and page furniture turned into printed lines (sources/layout.py), on short quoted rows and pages
and on pages cut from the 2020 plan."""

from __future__ import annotations

import pytest

from sources.layout import join_pages, table_rows_as_lines


@pytest.mark.parametrize(("rows", "lines"), [
    # a header naming the responsible column: each row is one task with its clause
    ([["序号", "工作措施", "责任单位"], ["1", "修订专利法。", "知识产权局、司法部"]],
     ["序号", "工作措施", "责任单位", "1.修订专利法。（知识产权局、司法部负责）"]),
    # a cell that already reads as a clause keeps its own wording
    ([["序号", "任务", "责任部门"], ["2、", "修订商标法。", "知识产权局、司法部按职责分别负责"]],
     ["序号", "任务", "责任部门", "2.修订商标法。（知识产权局、司法部按职责分别负责）"]),
    # lead and other bodies in two columns, names one per paragraph
    ([["序号", "工作措施", "牵头单位", "参与单位"], ["3", "加强执法。", "公安部", "海关总署\n市场监管总局"]],
     ["序号", "工作措施", "牵头单位", "参与单位", "3.加强执法。（公安部牵头，海关总署、市场监管总局参与）"]),
    # no header: a numbered row whose last cell is a list of names
    ([["4", "推进立法。", "司法部"]], ["4.推进立法。（司法部负责）"]),
    # no header, the number inside the text cell, a clause cell
    ([["5.推进立法。", "司法部负责"]], ["5.推进立法。（司法部负责）"]),
    # any other table: one line per cell (and per paragraph of a cell), as before
    ([["一、加强保护"], ["说明", "本表列出任务"]], ["一、加强保护", "说明", "本表列出任务"]),
])
def test_table_rows_as_printed_lines(rows, lines):
    assert list(table_rows_as_lines(rows)) == lines


def test_a_sentence_mentioning_the_responsible_column_is_no_header():
    rows = [["各地区要明确责任单位，按期完成任务并报送进展情况。", "附表"]]
    assert list(table_rows_as_lines(rows)) == ["各地区要明确责任单位，按期完成任务并报送进展情况。", "附表"]


def test_running_header_footer_and_page_numbers_are_dropped_at_page_edges():
    pages = ["国务院文件\n一、加强保护\n1.修订专利法。（知识\n— 1 —",
             "国务院文件\n产权局负责）\n2.修订\n— 2 —",
             "国务院文件\n商标法。（司法部负责）\n— 3 —"]
    # the header recurs at the top of every page, so page 1's copy of it is furniture too
    assert join_pages(pages).split("\n") == ["一、加强保护", "1.修订专利法。（知识", "产权局负责）", "2.修订",
                                             "商标法。（司法部负责）"]


def test_a_line_on_one_page_only_is_kept():
    pages = ["明确2019年重点任务。\n一、加强保护", "1.修订专利法。（知识产权局负责）\n2.修订商标法。（司法部负责）"]
    assert join_pages(pages) == "\n".join(pages)


@pytest.mark.parametrize("footer", [False, True])
def test_blank_lines_inside_pages_are_kept(shared_plans, footer):
    # before: every blank line was dropped, found furniture or not, and with them the paragraph ends
    # and the end of the addressee list the parser reads
    # pages break inside every twentieth line, as a PDF's do inside a paragraph
    lines = (shared_plans / "2020.gov.md").read_text(encoding="utf-8").strip("\n").split("\n")
    pages, page = [], []
    for i, line in enumerate(lines):
        if i % 20 == 19 and len(line) > 10:
            pages.append("\n".join([*page, line[:5]]))
            page = [line[5:]]
        else:
            page.append(line)
    pages.append("\n".join(page))
    printed = "\n".join(pages)
    if footer:
        pages = [f"{page}\n— {number} —" for number, page in enumerate(pages, 1)]
    assert len(pages) >= 3
    assert join_pages(pages) == printed
    assert "\n\n" in join_pages(pages)
