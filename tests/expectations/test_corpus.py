"""The bad-input corpus, run through `ipplans ingest` (real Prefect flow, real DuckDB file).

Every input is built in the test from the bundled 2020 plan (or from scratch) and written to
tmp_path. Each one must be refused with a message naming the file and the problem, make the
command exit non-zero, and leave the warehouse (pre-loaded with the 2020 plan) holding exactly
the rows it held before. Run history (raw_runs, raw_validation_warnings) is left out of that
comparison: recording a refused run is its purpose.

Inputs that only break a warning rule are loaded, with the warning in the summary.
"""

from __future__ import annotations

import html
import http.server
import io
import re
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.commands import register_all
from tests.expectations.helpers import data_checksums, drop_task, first_sections, plan_text, replace, with_year

pytestmark = [pytest.mark.prefect, pytest.mark.gx]
register_all(app)

MARS = ("（知识产权局负责）", "（火星部、知识产权局负责）")  # first full-width clause: task 14 (1.2.14)
TASK_5 = "5. 出台《推进中央企业知识产权工作高质量发展的指导意见》。"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _html_page(text: str) -> str:
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
    return f"<html><head><title>通知</title></head><body><article>{paragraphs}</article></body></html>"


# name → (contents from the 2020 plan's text, expected problem). Contents are str (written as
# UTF-8) or bytes; the name is the file name, except for URLs.
CORPUS: dict[str, tuple[Callable[[str], str | bytes] | None, str]] = {
    # reading bytes into text
    "empty.md": (lambda t: b"", "the file is empty"),
    "binary.txt": (lambda t: bytes(range(256)) * 64, "binary content"),
    "nul-byte.md": (lambda t: replace(t, "3. 出台", "3. \x00出台"), "binary content (NUL bytes)"),
    "invalid-utf8.md": (lambda t: t.encode()[:3000] + b"\xff\xfe\x80\x81\xc3\x28" + t.encode()[3000:],
                        "undecodable text"),
    "disguised-zip.docx": (lambda t: _zip({"notes.txt": b"not a Word file"}),
                           "not a valid .docx document: zip package lacks"),
    "zip-bomb.docx": (lambda t: _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\0" * 60_000_000}),
                      "uncompressed size 60000008 bytes exceeds the limit"),
    "huge.txt": (lambda t: b"x" * 50_000_000, "file is too large (50000000 bytes"),
    "unsupported.exe": (lambda t: b"MZ\x90\x00", "unsupported format '.exe'"),
    "deeply-nested.html": (lambda t: "<html><body>" + "<div>" * 200_000 + "1. 推进" + "</div>" * 200_000
                           + "</body></html>", "no main text found in the HTML page"),
    "no-plan.html": (lambda t: "<html><body><nav>首页 | 新闻</nav><p>本站欢迎您。今天天气很好，我们去公园散步。</p>"
                     "</body></html>", "no numbered tasks found|no main text found"),
    "file:///etc/passwd": (None, "scheme 'file' not allowed (only http/https)"),
    # parsing text into a plan
    "no-tasks.md": (lambda t: "# 关于印发推进计划的通知\n\n现将计划印发给你们，请认真贯彻执行。\n",
                    "no numbered tasks found"),
    "no-year.md": (lambda t: t.replace("2020", ""), "cannot tell which year the plan is for"),
    "duplicate-number.md": (lambda t: replace(t, "13. 研究启动", "12. 研究启动"),
                            "duplicate task number 12 after task 12"),
    # the quality gate: each blocking rule broken once
    "gap.md": (lambda t: drop_task(t, 14), "task numbers have a gap: task_no 15 where 14 was expected (1.2.15)"),
    "unknown-department.md": (lambda t: replace(t, *MARS),
                              "a department name does not resolve as of the plan's year: 火星部 in 2020 (1.2.14)"),
    "no-clause.md": (lambda t: replace(t, "（国资委、知识产权局负责）", ""),
                     "a task has no department clause (required from 2016 on): task 1.1.5"),
    "no-text.md": (lambda t: replace(t, TASK_5, "5. "), "a task has no text: task 1.1.5"),
    "unbalanced-title.md": (lambda t: replace(t, "出台《推进中央企业知识产权", "出台《推进中央企业《知识产权"),
                            "a task has an unbalanced 《》: task 1.1.5"),
    "period-1999.md": (lambda t: with_year(t, 1999), "the plan period is implausible: it starts before 2008: 1999–1999"),
    "period-2099.md": (lambda t: with_year(t, 2099), "the plan period is implausible: it ends after next year"),
    "period-four-years.md": (lambda t: replace(t, "2020年深入", "2020—2023年深入"),
                             "it must end in its first year or the next: 2020–2023"),
    "two-problems.md": (lambda t: replace(drop_task(t, 14), "出台《推进中央企业知识产权", "出台《推进中央企业知识产权》》"),
                        "task numbers have a gap: task_no 15 where 14 was expected (1.2.15); "
                        "a task has an unbalanced 《》: task 1.1.5"),
    "plan-page.html": (lambda t: _html_page(replace(t, *MARS)), "火星部 in 2020"),
    # hostile names: quotes and SQL in the file name reach the warehouse only as parameters
    "O'Brien's plan.txt": (lambda t: replace(t, *MARS), "a department name does not resolve"),
    "x'; drop table raw_tasks; --.md": (lambda t: with_year(t, 1999), "it starts before 2008"),
}


def invoke(*args):
    return CliRunner().invoke(app, [str(arg) for arg in args], env={"COLUMNS": "300"})


def _squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)  # rich may wrap long lines


def _write(tmp_path: Path, name: str) -> str:
    build, _ = CORPUS[name]
    if build is None:
        return name  # a URL
    data = build(plan_text())
    path = tmp_path / "in" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return str(path)


def test_the_corpus_is_large_enough():
    assert len(CORPUS) >= 25


@pytest.mark.parametrize("name", list(CORPUS))
def test_bad_input_is_refused_by_name_and_changes_nothing(prefect_server, preloaded_db, tmp_path, name):
    location = _write(tmp_path, name)
    before = data_checksums(preloaded_db)
    result = invoke("ingest", location, "--db", preloaded_db)
    assert result.exit_code == 1, result.output
    output = _squashed(result.output)
    assert _squashed(f"FAILED {name}: ") in output
    assert any(_squashed(problem) in output for problem in CORPUS[name][1].split("|")), result.output
    assert data_checksums(preloaded_db) == before


HUGE = 25_000_000  # above sources.fetch.FetchPolicy.max_bytes (20 MB)


class _HostileSite(http.server.BaseHTTPRequestHandler):
    """Pages a plan URL might lead to: too large (declared or streamed), or redirecting to a local file."""

    def do_GET(self):  # noqa: N802 (the http.server API)
        if self.path == "/redirect.htm":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        if self.path == "/declared.htm":
            self.send_header("Content-Length", str(HUGE))
        self.end_headers()  # otherwise the body simply runs until the connection closes
        try:
            for _ in range(HUGE // 65536 + 1):
                self.wfile.write(b"<p>" + b"x" * 65533)
        except OSError:
            pass  # the client hung up once it had read enough to refuse the page

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def hostile_site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _HostileSite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("page, problem", [
    ("declared.htm", "too large: Content-Length 25000000 exceeds the limit of 20000000 bytes"),
    ("streamed.htm", "too large: body exceeds the limit of 20000000 bytes"),
    ("redirect.htm", "redirect to file:///etc/passwd refused: scheme 'file' not allowed"),
])
def test_hostile_pages_are_refused_by_url_and_change_nothing(prefect_server, preloaded_db, hostile_site, page,
                                                             problem):
    url = f"{hostile_site}/{page}"
    before = data_checksums(preloaded_db)
    result = invoke("ingest", url, "--db", preloaded_db)
    assert result.exit_code == 1
    assert _squashed(f"FAILED {url}: {problem}") in _squashed(result.output), result.output
    assert data_checksums(preloaded_db) == before


def _loaded_sources(db: Path) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [row[0] for row in con.execute("select source_name from raw_sources order by source_name").fetchall()]
    finally:
        con.close()


WARNINGS = {
    "other-department.md": (lambda t: replace(t, "（海关总署负责）", "（海关总署、税务总局负责）"),
                            "departments named in tasks are not among the addressees (主送): 税务总局 (1.2.21)"),
    "abolished-department.md": (lambda t: replace(t, "（市场监管总局负责）", "（工商总局负责）"),
                                "a department named in a task did not exist in the plan's year: 工商总局 in 2020 "
                                "(1.1.11)"),
    "2021-short.md": (lambda t: with_year(first_sections(t, 2), 2021).replace("〔2021〕5号", "〔2021〕9号"),
                      "the plan's shape changed by more than 50 % from the previous plan: sections: 2 (plan 2020: 5)"),
}


@pytest.mark.parametrize("name", list(WARNINGS))
def test_warnings_do_not_stop_the_load(prefect_server, preloaded_db, tmp_path, name):
    text, warning = WARNINGS[name]
    path = tmp_path / name
    path.write_text(text(plan_text()), encoding="utf-8")
    result = invoke("ingest", path, "--db", preloaded_db)
    assert result.exit_code == 0, result.output
    assert _squashed(f"warning {name}: {warning}") in _squashed(result.output)
    assert name in _loaded_sources(preloaded_db)


def test_a_hostile_name_with_a_good_plan_is_stored_verbatim(prefect_server, preloaded_db, tmp_path):
    path = tmp_path / "x'; drop table raw_tasks; --.md"
    path.write_text(plan_text(), encoding="utf-8")
    assert invoke("ingest", path, "--db", preloaded_db).exit_code == 0
    assert _loaded_sources(preloaded_db) == ["2020.gov.md", "x'; drop table raw_tasks; --.md"]
    result = invoke("sources", "2020", "--db", preloaded_db, "--csv")
    assert "x'; drop table raw_tasks; --.md,2020" in result.output


def test_shared_plans_ingest_and_validate_cleanly_with_warnings_for_partial_copies(prefect_server, db_path,
                                                                                 shared_plans):
    files = sorted(p for p in shared_plans.iterdir() if p.suffix in (".md", ".txt") and p.name != "README.md")
    ingest = invoke("ingest", *files, "--db", db_path)
    assert ingest.exit_code == 0, ingest.output
    validate = invoke("validate", "--db", db_path)
    assert validate.exit_code == 0, validate.output
    output = _squashed(validate.output)
    for name, task in [("2015.law-bridge.txt", "1.10"), ("2016.showlaw.txt", "1.9"),
                       ("2021-2022.cnipa.txt", "1.1.1"), ("2021-2022.izubei.txt", "1.1.2")]:
        assert _squashed(f"{name} │ plan_header · document_complete │ warning │ partial document: "
                         f"ends inside task {task}") in output
    # the fifth: the 2016 excerpt names departments but has no addressee list to compare them with
    # (2015's tasks name none, so it gets no such warning)
    assert _squashed("2016.showlaw.txt │ plan_departments") in output
    assert _squashed("no blocking failures, 5 warning(s)") in output
    assert "FAILED" not in validate.output
