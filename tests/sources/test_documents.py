"""docx_to_text and pdf_to_text on real documents built in the tests."""

from __future__ import annotations

import io
import os
import zipfile

import docx
import pytest
from pypdf import PdfReader, PdfWriter

from sources.documents import MAX_DOCX_UNCOMPRESSED, docx_to_text, pdf_to_text
from sources.read import read_bytes
from tests.document_builders import pdf_file
from transforms.models import PlanError


def build_docx() -> bytes:
    document = docx.Document()
    document.add_heading("2099年知识产权强国建设测试推进计划", level=1)
    document.add_paragraph("一、完善知识产权制度")
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "任务"
    table.cell(0, 1).text = "负责部门"
    table.cell(1, 0).text = "1. 完善商标审查标准。"
    table.cell(1, 1).text = "知识产权局负责"
    merged = table.cell(2, 0).merge(table.cell(2, 1))
    merged.text = "合并单元格只出现一次"
    merged.add_table(rows=1, cols=1).cell(0, 0).text = "嵌套表格"
    document.add_paragraph("特此通知。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def build_pdf(pages: list[str]) -> bytes:
    """A minimal valid PDF with one Helvetica text object per page (ASCII text only)."""
    count = len(pages)
    kids = " ".join(f"{4 + 2 * index} 0 R" for index in range(count))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode(),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for index, text in enumerate(pages):
        stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * index} 0 R >>".encode())
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    return pdf_file(objects)


def blank_pdf(password: str | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    if password:
        writer.encrypt(user_password=password, algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_docx_paragraphs_and_table_cells_in_document_order():
    text = docx_to_text(build_docx(), "plan.docx")

    # a row under a header naming the responsible column is one task with its clause (sources/layout.py)
    assert text.split("\n") == ["2099年知识产权强国建设测试推进计划", "一、完善知识产权制度",
                                "任务", "负责部门", "1. 完善商标审查标准。（知识产权局负责）",
                                "合并单元格只出现一次", "嵌套表格", "特此通知。"]


def test_docx_through_read_bytes():
    source = read_bytes("plan.docx", "/inbox/plan.docx", build_docx())

    assert source.format == "docx"
    assert "一、完善知识产权制度" in source.text


@pytest.mark.parametrize("data, problem", [
    (zip_of({"readme.txt": b"just a zip"}), "lacks"),
    (os.urandom(2048), "not a zip package"),
    (zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"not xml"}), "not a valid .docx"),
])
def test_non_word_bytes_are_not_a_docx(data, problem):
    with pytest.raises(PlanError, match="not a valid .docx document") as raised:
        docx_to_text(data, "disguised.docx")

    assert problem in str(raised.value)
    assert raised.value.source == "disguised.docx"


def test_docx_inflating_past_the_limit_is_refused():
    with zipfile.ZipFile(io.BytesIO(build_docx())) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["word/media/padding.bin"] = b"\0" * (MAX_DOCX_UNCOMPRESSED + 1)
    bomb = zip_of(members)

    assert len(bomb) < 1_000_000
    with pytest.raises(PlanError, match="exceeds the limit of 50000000"):
        docx_to_text(bomb, "bomb.docx")


def test_docx_limit_can_be_lowered():
    with pytest.raises(PlanError, match="exceeds the limit of 1000"):
        docx_to_text(build_docx(), "plan.docx", max_uncompressed=1000)


def test_pdf_text_layer_pages_joined_by_newline():
    text = pdf_to_text(build_pdf(["2099 Promotion Plan", "1. Improve trademark examination."]), "plan.pdf")

    first, second = text.split("\n")
    assert first.strip() == "2099 Promotion Plan"
    assert second.strip() == "1. Improve trademark examination."


def test_pdf_through_read_bytes():
    source = read_bytes("plan.pdf", "/inbox/plan.pdf", build_pdf(["Section one"]))

    assert (source.format, source.text.strip()) == ("pdf", "Section one")


def test_random_bytes_are_not_a_pdf():
    with pytest.raises(PlanError, match="not a readable PDF") as raised:
        pdf_to_text(os.urandom(4096), "noise.pdf")

    assert raised.value.source == "noise.pdf"


def test_pdf_without_text_is_reported_as_scanned():
    with pytest.raises(PlanError, match=r"PDF has no text layer \(scanned\?\)"):
        pdf_to_text(blank_pdf(), "scan.pdf")


def test_password_protected_pdf_is_refused():
    with pytest.raises(PlanError, match="encrypted"):
        pdf_to_text(blank_pdf(password="secret"), "locked.pdf")


def test_pdf_locked_only_by_an_owner_password_is_read():
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(build_pdf(["Open to read"]))))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)

    assert pdf_to_text(buffer.getvalue(), "restricted.pdf").strip() == "Open to read"


def test_docx_list_numbers_from_styles_are_printed_and_bullets_are_not():
    # before: a task list in Word's `List Number` style read without any number (no task markers)
    document = docx.Document()
    document.add_paragraph("明确2099年任务。")
    for text in ("修订专利法。（知识产权局负责）", "修订商标法。（司法部负责）"):
        document.add_paragraph(text, style="List Number")
    document.add_paragraph("宣传要点", style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    assert docx_to_text(buffer.getvalue(), "plan.docx").split("\n") == [
        "明确2099年任务。", "1.修订专利法。（知识产权局负责）", "2.修订商标法。（司法部负责）", "宣传要点"]


@pytest.mark.parametrize(("number", "text"), [(1, "一"), (10, "十"), (12, "十二"), (23, "二十三"), (99, "九十九")])
def test_chinese_counting_as_word_prints_it(number, text):
    from sources.word_numbering import chinese_numeral

    assert chinese_numeral(number) == text
