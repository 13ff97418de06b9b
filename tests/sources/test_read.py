"""Reading local files: formats, encodings, and refusals that name the file."""

from __future__ import annotations

import opencc
import pytest

from sources.read import decode_text, read_bytes, read_source
from transforms.models import PlanError

PLAN_LINES = ["国务院知识产权战略实施工作部际联席会议办公室", "明确2019年重点任务。", "一、加强保护",
              "1.修订专利法。（知识產權局负责）", "2.修订商标法。（司法部负责）"]
PLAN_TEXT = "\n".join(PLAN_LINES) + "\n"


@pytest.mark.parametrize("encoding,expected", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030"), ("gbk", "gb18030"), ("big5", "big5"),
])
def test_encodings_are_detected(tmp_path, encoding, expected):
    text = PLAN_TEXT if encoding != "big5" else opencc.OpenCC("s2t").convert(PLAN_TEXT)
    path = tmp_path / "plan.txt"
    path.write_bytes(text.encode(encoding))
    source = read_source(path)
    assert source.text.splitlines()[1:] == text.splitlines()[1:]
    assert source.encoding == expected
    assert source.name == "plan.txt" and source.format == "txt"


@pytest.mark.parametrize("encoding", ["utf_16_le", "utf_16_be"])
def test_utf16_without_a_byte_order_mark_is_read(encoding):
    # before: refused as "binary content (NUL bytes)": every ASCII character has a NUL byte
    source = read_bytes("plan.txt", "test", PLAN_TEXT.encode(encoding))
    assert (source.text, source.encoding) == (PLAN_TEXT, encoding)


def test_nul_bytes_that_do_not_read_as_utf16_text_stay_binary():
    with pytest.raises(PlanError, match="binary content"):
        read_bytes("image.txt", "test", bytes(range(256)) * 40)


def test_big5_hkscs_copy_is_read():
    # before: OpenCC s2hk text in Big5-HKSCS was "undecodable text" (衞 and other HK forms are not Big5)
    text = opencc.OpenCC("s2hk").convert(PLAN_TEXT + "3.加强卫生健康领域知识产权保护。（卫生健康委负责）\n")
    source = read_bytes("plan.txt", "test", text.encode("big5hkscs"))
    assert source.text == text


def test_pdf_text_saved_with_form_feeds_loses_its_page_furniture():
    # pdftotext writes pages apart by a form feed, each with the print's header and footer
    pages = [f"2020年推进计划\n{body}\nfile:///home/user/plan.html {n}/3"
             for n, body in enumerate(["明确2019年重点任务。\n一、加强保护", "1.修订专利法。（知识产权局",
                                       "负责）\n2.修订商标法。（司法部负责）"], start=1)]
    source = read_bytes("plan.txt", "test", "\f".join(pages).encode("utf-8"))
    assert source.text.split("\n") == ["明确2019年重点任务。", "一、加强保护", "1.修订专利法。（知识产权局",
                                       "负责）", "2.修订商标法。（司法部负责）"]


def test_same_bytes_same_hash(tmp_path):
    (tmp_path / "a.md").write_text(PLAN_TEXT, encoding="utf-8")
    (tmp_path / "b.md").write_text(PLAN_TEXT, encoding="utf-8")
    assert read_source(tmp_path / "a.md").sha256 == read_source(tmp_path / "b.md").sha256


def test_html_page_keeps_paragraph_breaks_and_drops_navigation():
    paragraphs = "".join(f"<p>{line}</p>" for line in PLAN_LINES)
    html = (f"<html><head><title>通知</title></head><body><nav><a href='/'>首页</a> &gt; <a href='/x'>工作通知</a></nav>"
            f"<div class='article'>{paragraphs}</div><footer>版权所有 网站地图</footer></body></html>")
    source = read_bytes("plan.html", "test", html.encode("utf-8"))
    lines = source.text.splitlines()
    assert "1.修订专利法。（知识產權局负责）" in lines and "2.修订商标法。（司法部负责）" in lines
    assert "网站地图" not in source.text
    assert source.format == "html"


@pytest.mark.parametrize("name,data,problem", [
    ("empty.txt", b"", "the file is empty"),
    ("blank.md", b"  \n\n ", "the file is empty"),
    ("binary.txt", b"\x00\x01\x02PK\x03\x04" * 50, "binary content"),
    ("latin.txt", bytes(range(0x80, 0x100)) * 20, "undecodable text|binary content"),
    ("plan.xlsx", b"whatever", "unsupported format '.xlsx'"),
    ("noplan.html", b"<html><body><script>var a=1;</script></body></html>", "no main text"),
])
def test_bad_input_is_refused_with_the_file_name(name, data, problem):
    with pytest.raises(PlanError, match=rf"^{name.replace('.', '[.]')}: ({problem})"):
        read_bytes(name, "test", data)


def test_undecodable_utf8_with_bom_is_refused():
    with pytest.raises(PlanError, match="invalid utf-8"):
        decode_text(b"\xef\xbb\xbf\xe4\xb8", "bad.txt")


def test_missing_file(tmp_path):
    with pytest.raises(PlanError, match="no such file"):
        read_source(tmp_path / "nope.txt")


def test_ordered_list_items_get_the_numbers_a_browser_draws():
    page = ("<html><body><div class='article'><p>明确2030年任务。</p><ol start='3'><li>修订专利法。</li>"
            "<li>5.已有编号的项。</li><li>加强执法。</li></ol></div></body></html>")
    text = read_bytes("plan.html", "test", page.encode("utf-8")).text
    # trafilatura marks list items `- `, which the parser's Markdown cleaning drops
    assert text.split("\n") == ["明确2030年任务。", "- 3.修订专利法。", "- 5.已有编号的项。", "- 5.加强执法。"]
