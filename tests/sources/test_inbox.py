"""The inbox folder: what is pending, and moving files out of the way."""

from __future__ import annotations

from pathlib import Path

from sources.inbox import mark_processed, mark_rejected, pending


def put(path: Path, text: str = "一、总体要求") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_pending_lists_supported_files_sorted_and_skips_the_rest(tmp_path):
    for name in ("b.docx", "a.md", "2020/plan.PDF", "2021/page.htm", ".hidden.md", ".git/HEAD.txt",
                 "~$lock.docx", "notes.xlsx", "processed/done.md", "rejected/bad.pdf",
                 "rejected/bad.pdf.reason.txt"):
        put(tmp_path / name)

    found = [path.relative_to(tmp_path).as_posix() for path in pending(tmp_path)]

    assert found == ["2020/plan.PDF", "2021/page.htm", "a.md", "b.docx"]


def test_pending_of_a_missing_inbox_is_empty(tmp_path):
    assert pending(tmp_path / "nowhere") == []


def test_processed_file_leaves_the_pending_list(tmp_path):
    source = put(tmp_path / "2020.md", "内容")

    moved = mark_processed(source, tmp_path)

    assert moved == tmp_path / "processed" / "2020.md"
    assert moved.read_text(encoding="utf-8") == "内容"
    assert not source.exists()
    assert pending(tmp_path) == []


def test_processed_names_never_overwrite(tmp_path):
    first = mark_processed(put(tmp_path / "2020.md", "first"), tmp_path)
    second = mark_processed(put(tmp_path / "2020.md", "second"), tmp_path)
    third = mark_processed(put(tmp_path / "sub" / "2020.md", "third"), tmp_path)

    assert [path.name for path in (first, second, third)] == ["2020.md", "2020-1.md", "2020-2.md"]
    assert [path.read_text(encoding="utf-8") for path in (first, second, third)] == ["first", "second", "third"]


def test_rejected_file_gets_its_reason_beside_it(tmp_path):
    source = put(tmp_path / "scan.pdf")

    moved = mark_rejected(source, tmp_path, "scan.pdf: PDF has no text layer (scanned?)")

    assert moved == tmp_path / "rejected" / "scan.pdf"
    reason = tmp_path / "rejected" / "scan.pdf.reason.txt"
    assert reason.read_text(encoding="utf-8") == "scan.pdf: PDF has no text layer (scanned?)\n"
    assert not source.exists()


def test_rejected_names_never_overwrite_files_or_reasons(tmp_path):
    put(tmp_path / "rejected" / "plan.docx.reason.txt", "an older reason")  # its file was removed by hand
    first = mark_rejected(put(tmp_path / "plan.docx", "one"), tmp_path, "first reason")
    second = mark_rejected(put(tmp_path / "plan.docx", "two"), tmp_path, "second reason")

    assert [path.name for path in (first, second)] == ["plan-1.docx", "plan-2.docx"]
    rejected = tmp_path / "rejected"
    assert (rejected / "plan.docx.reason.txt").read_text(encoding="utf-8") == "an older reason"
    assert (rejected / "plan-1.docx.reason.txt").read_text(encoding="utf-8") == "first reason\n"
    assert (rejected / "plan-2.docx.reason.txt").read_text(encoding="utf-8") == "second reason\n"
    assert first.read_text(encoding="utf-8") == "one"
