"""Hostile local inputs at the `sources` boundary: every file the system cannot read, every bad
catalogue or overrides file, is a PlanError naming the file (and the line) and the problem.

Each input is made here, in tmp_path. Files that cannot be read even as root are made with what
the kernel offers: a folder or a FIFO given as a plan, a dangling link, a link to /proc/self/mem
(reading it fails with EIO), a name longer than NAME_MAX. A file without read permission is read
in a child process that gave up root's right to ignore permissions.
"""

from __future__ import annotations

import io
import os
import re
import struct
import zipfile
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from sources.catalogue import COLUMNS, load_catalogue
from sources.fetch import FetchError, FetchPolicy, fetch_url
from sources.inbox import REASON_SUFFIX, pending, settle
from sources.overrides import read_overrides_file
from sources.read import MAX_SOURCE_BYTES, file_sha256, read_bytes, read_file_bytes, read_source
from transforms.models import PlanError

SAMPLE = Path(__file__).resolve().parents[2] / "sources" / "samples" / "2020.gov.md"
TOO_LONG = "长" * 100 + ".md"  # 302 bytes in UTF-8: over NAME_MAX (255) on every common file system


def _fifo(tmp_path: Path) -> Path:
    os.mkfifo(tmp_path / "pipe.md")
    return tmp_path / "pipe.md"


def _folder(tmp_path: Path) -> Path:
    (tmp_path / "folder.md").mkdir()
    return tmp_path / "folder.md"


def _link(tmp_path: Path, target: str, name: str) -> Path:
    (tmp_path / name).symlink_to(target)
    return tmp_path / name


def _under_a_file(tmp_path: Path) -> Path:
    (tmp_path / "plain").write_text("x")
    return tmp_path / "plain" / "plan.md"


UNREADABLE = {
    "folder": (_folder, "a folder, not a regular file"),
    "fifo": (_fifo, "a named pipe (FIFO), not a regular file"),
    "dangling link": (lambda t: _link(t, str(t / "gone.md"), "dangling.md"), "broken symbolic link to"),
    "proc mem": (lambda t: _link(t, "/proc/self/mem", "mem.md"), "input/output error while reading"),
    "name too long": (lambda t: t / TOO_LONG, "the path or file name is too long for the file system"),
    "under a file": (_under_a_file, "a part of the path is a file, not a folder"),
    "missing": (lambda t: t / "nope.md", "no such file"),
    "device": (lambda t: _link(t, "/dev/zero", "zero.md"), "a character device, not a regular file"),
}


@pytest.mark.parametrize("case", list(UNREADABLE))
def test_a_file_that_cannot_be_read_is_refused_by_name(tmp_path, case):
    make, problem = UNREADABLE[case]
    path = make(tmp_path)
    with pytest.raises(PlanError) as raised:
        read_source(path)
    assert raised.value.source == path.name
    assert any(part in raised.value.problem for part in problem.split("|")), raised.value.problem
    assert file_sha256(path) is None  # the run record notes no hash; the read step says why


def _in_child_without_root_rights(function, *args) -> str:
    """Call `function` in a forked child that cannot bypass file permissions; its outcome as text."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: give up root, report, exit without running pytest's cleanup
        try:
            os.close(read_end)
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            try:
                outcome = f"returned {function(*args)!r}"
            except PlanError as exc:
                outcome = f"PlanError {exc}"
            os.write(write_end, outcome.encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        outcome = pipe.read()
    os.waitpid(pid, 0)
    return outcome


def test_a_file_without_read_permission_is_refused_by_name():
    folder = Path(tempfile.mkdtemp())  # not under tmp_path: pytest's base folder is closed to other users
    try:
        folder.chmod(0o755)
        secret = folder / "secret.md"
        secret.write_bytes(SAMPLE.read_bytes())
        secret.chmod(0)
        assert _in_child_without_root_rights(read_source, secret) == (
            f"PlanError secret.md: permission denied: the file cannot be read by this user: {secret}")
        assert _in_child_without_root_rights(file_sha256, secret) == "returned None"
    finally:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()


def test_a_file_larger_than_the_limit_is_neither_read_nor_hashed(tmp_path):
    sparse = tmp_path / "sparse.md"
    with open(sparse, "wb") as file:
        file.truncate(6 * 1024**3)  # 6 GB of holes: no disk used, but reading it whole would need 6 GB
    with pytest.raises(PlanError, match=f"file is too large \\(6442450944 bytes; the limit is {MAX_SOURCE_BYTES}\\)"):
        read_source(sparse)
    assert file_sha256(sparse) is None


def test_a_file_that_grows_past_its_stated_size_is_cut_off(tmp_path):
    # /proc files state size 0 whatever they hold: the limit holds on what is read, not on what stat says
    with pytest.raises(PlanError, match="file is too large \\(more than 100 bytes\\)"):
        read_file_bytes(Path("/proc/self/maps"), limit=100)


def test_hashing_reads_in_chunks_and_matches_the_whole_file_hash(tmp_path):
    import hashlib

    data = os.urandom(3 * (1 << 20) + 17)
    (tmp_path / "plan.md").write_bytes(data)
    assert file_sha256(tmp_path / "plan.md") == hashlib.sha256(data).hexdigest()


# ---- the catalogue file --------------------------------------------------------------------

HEADER = ",".join(COLUMNS)
GOOD_ROW = "2026,2026年推进计划,,2026-05-01,,https://www.gov.cn/x.htm,,"

CATALOGUES = {
    "missing": (None, "cannot read catalogue: no such file"),
    "folder": ("folder", "cannot read catalogue: a folder, not a regular file"),
    "wrong columns": ("period,title\n2026,x\n", "catalogue columns must be period, title"),
    "bad date": (f"{HEADER}\n2026,t,,2026-02-30,,,,\n", "line 2: issued_on '2026-02-30' is not an ISO date"),
    "non-UTF-8": (f"{HEADER}\n{GOOD_ROW}\n".encode("gb18030"), "catalogue is not UTF-8 text (invalid byte at"),
    "file URL": (f"{HEADER}\n2026,t,,,,file:///etc/passwd,,\n", "line 2: official_url 'file:///etc/passwd' is not an http(s) URL"),
    "ftp URL": (f"{HEADER}\n2026,t,,,,ftp://example.org/plan.txt,,\n", "official_url 'ftp://example.org/plan.txt' is not"),
    "short row": (f"{HEADER}\n2026,t\n", "line 2: expected 8 cells"),
}


@pytest.mark.parametrize("case", list(CATALOGUES))
def test_a_bad_catalogue_file_is_refused_naming_the_file_and_line(tmp_path, case):
    content, problem = CATALOGUES[case]
    path = tmp_path / "catalogue.csv"
    if content == "folder":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    with pytest.raises(PlanError) as raised:
        load_catalogue(path)
    assert raised.value.source.startswith(str(path))
    assert problem in str(raised.value), str(raised.value)


def test_a_good_catalogue_file_adds_its_period(tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_text(f"{HEADER}\n{GOOD_ROW}\n", encoding="utf-8")
    assert load_catalogue(path)[-1].period == "2026"


# ---- the overrides file --------------------------------------------------------------------

OVERRIDES_HEADER = "from_plan,from_task,to_plan,to_task,decision,note"
KNOWN = {"2016", "2020", "2021-2022"}

OVERRIDES = {
    "short row": ("2016,3,2020\n", "line 2: short row: no to_task, decision (3 of 6 cells)"),
    "long row": ("2016,3,2020,5,confirm,note,extra\n", "line 2: 7 cells, the header has 6"),
    "bad decision": ("2016,3,2020,5,maybe,\n", "line 2: decision 'maybe' must be one of confirm, reject"),
    "unknown plan": ("2016,3,2031,5,confirm,\n", "line 2: unknown plan '2031' in to_plan"),
    "not a plan id": ("2016,3,next year,5,confirm,\n", "line 2: to_plan 'next year' is not a plan id"),
    "bad task": ("2016,three,2020,5,reject,\n", "line 2: from_task 'three' is not a task number"),
    "one plan": ("2020,3,2020,5,confirm,\n", "line 2: from_plan and to_plan are both 2020"),
    "confirm and reject": ("# reviewed\n2016,3,2020,5,confirm,same\n\n2020,5,2016,3,reject,\n",
                           "line 5: reject of 2020/5 → 2016/3 contradicts the confirm on line 3"),
    "lacks columns": (None, "line 1: the header lacks decision"),
}


@pytest.mark.parametrize("case", list(OVERRIDES))
def test_a_bad_overrides_file_is_refused_naming_the_file_and_line(tmp_path, case):
    rows, problem = OVERRIDES[case]
    path = tmp_path / "link_overrides.csv"
    path.write_text("from_plan,from_task,to_plan,to_task\n2016,3,2020,5\n" if rows is None
                    else f"{OVERRIDES_HEADER}\n{rows}", encoding="utf-8")
    with pytest.raises(PlanError) as raised:
        read_overrides_file(path, KNOWN)
    assert raised.value.source == str(path)
    assert problem in raised.value.problem, raised.value.problem


def test_an_overrides_file_that_is_not_utf8_or_not_a_file_is_refused(tmp_path):
    path = tmp_path / "link_overrides.csv"
    path.write_bytes(f"{OVERRIDES_HEADER}\n2016,3,2020,5,confirm,复核\n".encode("gb18030"))
    with pytest.raises(PlanError, match="not UTF-8 text"):
        read_overrides_file(path)
    path.unlink()
    path.mkdir()
    with pytest.raises(PlanError, match="a folder, not a regular file"):
        read_overrides_file(path)


def test_a_sound_overrides_file_passes_and_a_missing_one_means_none(tmp_path):
    path = tmp_path / "link_overrides.csv"
    text = f"\ufeff{OVERRIDES_HEADER}\n2016,3,2020,5,confirm,同一任务\n2016,1.1.4,2021-2022,7,reject,\n"
    path.write_text(text, encoding="utf-8")
    assert read_overrides_file(path, KNOWN) == text.lstrip("\ufeff")
    assert read_overrides_file(tmp_path / "absent.csv", KNOWN) == ""



# ---- the inbox -----------------------------------------------------------------------------

LONG_NAME = "计" * 83 + ".md"  # 252 bytes: fits, but not with "-1" or ".reason.txt" added


def test_a_long_name_is_shortened_to_fit_when_processed_twice_or_rejected(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for content in ("first", "second"):
        (inbox / LONG_NAME).write_text(content, encoding="utf-8")
        moved, _ = settle(inbox / LONG_NAME, inbox)
        assert moved.read_text(encoding="utf-8") == content
    (inbox / LONG_NAME).write_text("bad", encoding="utf-8")
    rejected, reason = settle(inbox / LONG_NAME, inbox, "the file is empty")
    names = {path.name for path in (inbox / "processed").iterdir()}
    shortened = (names - {LONG_NAME}).pop()
    assert LONG_NAME in names and shortened.endswith("-1.md") and len(shortened.encode()) <= 255
    assert reason == "the file is empty" and rejected.read_text(encoding="utf-8") == "bad"
    reason_file = rejected.with_name(rejected.name + REASON_SUFFIX)
    assert len(reason_file.name.encode()) <= 255 and reason_file.read_text(encoding="utf-8") == "the file is empty\n"
    assert pending(inbox) == []


def test_a_loaded_file_goes_to_rejected_with_a_reason_when_processed_is_a_file(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "processed").write_text("someone's notes")
    (inbox / "2020.md").write_text("plan", encoding="utf-8")
    moved, reason = settle(inbox / "2020.md", inbox)
    assert moved == inbox / "rejected" / "2020.md"
    assert reason == f"2020.md: loaded, but it could not be moved to processed/: {inbox / 'processed'} is a file, not a folder"
    assert pending(inbox) == []


def test_when_neither_folder_can_take_a_file_it_stays_and_the_reason_says_why(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "processed").write_text("")
    (inbox / "rejected").write_text("")
    (inbox / "2020.md").write_text("plan", encoding="utf-8")
    moved, reason = settle(inbox / "2020.md", inbox)
    assert moved is None and (inbox / "2020.md").exists()
    assert f"it also could not be moved to rejected/: {inbox / 'processed'} is a file" in reason


# ---- HTTP: deadlines that cover headers, and a total per URL --------------------------------

class _DrippingHeaders(BaseHTTPRequestHandler):
    """Sends a status line, then header bytes one at a time, each well within any read timeout."""

    stop = threading.Event()

    def do_GET(self):  # noqa: N802 (the http.server API)
        try:
            self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Drip: ")
            while not self.stop.wait(0.05):
                self.wfile.write(b"x")
                self.wfile.flush()
        except OSError:
            pass  # the client shut the connection at its deadline

    def log_message(self, *args):
        pass


@pytest.fixture
def dripping_site():
    _DrippingHeaders.stop.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _DrippingHeaders)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/plan.htm"
    _DrippingHeaders.stop.set()
    server.shutdown()
    server.server_close()


def test_headers_dripping_in_are_cut_off_at_the_attempt_deadline(dripping_site, tmp_path):
    with pytest.raises(FetchError) as raised:
        fetch_url(dripping_site, tmp_path, FetchPolicy(timeout_s=0.5, retries=0))
    assert raised.value.source == dripping_site and raised.value.retryable
    assert raised.value.problem.startswith("timed out after 0.5 s (the whole attempt, headers included")


def test_all_attempts_of_one_url_share_a_total_deadline(dripping_site, tmp_path):
    policy = FetchPolicy(timeout_s=0.4, retries=20, backoff_s=(0.0,), total_timeout_s=1.0)
    with pytest.raises(FetchError, match=r"timed out after .* s \(the whole attempt.*; 1.0 s in all\)") as raised:
        fetch_url(dripping_site, tmp_path, policy)
    attempts = int(re.search(r"after (\d+) attempts", raised.value.problem).group(1))
    assert 2 <= attempts <= 4  # not the 21 the retries would allow


# ---- .docx bombs ---------------------------------------------------------------------------

WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx(document_xml: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", document_xml)
    return buffer.getvalue()


def _lying_about_its_size(data: bytes, member: str, declared: int) -> bytes:
    """The package with `member`'s uncompressed size in the zip directory replaced by `declared`."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo(member)
    patched = bytearray(data)
    central = data.rindex(b"PK\x01\x02")  # the last central directory entry: the member written last
    assert data[central + 46:central + 46 + len(member)] == member.encode()
    struct.pack_into("<I", patched, central + 24, declared)  # central directory: uncompressed size
    struct.pack_into("<I", patched, info.header_offset + 22, declared)  # local header too
    return bytes(patched)


def test_a_docx_of_a_million_empty_paragraphs_is_refused_before_it_is_parsed():
    body = (f'<w:document xmlns:w="{WORD}"><w:body>'.encode() + b"<w:p/>" * 1_400_000
            + b"</w:body></w:document>")
    with pytest.raises(PlanError, match="^padded.docx: not a plan document: word/document.xml has more than "
                                        "500000 elements"):
        read_bytes("padded.docx", "test", _docx(body))


def test_a_docx_that_lies_about_its_size_is_refused_as_damaged():
    data = _lying_about_its_size(_docx(b"<w:document>" + b"\0" * 40_000_000 + b"</w:document>"),
                                 "word/document.xml", 1000)
    with pytest.raises(PlanError, match="not a valid .docx document: not a zip package, or a damaged one"):
        read_bytes("liar.docx", "test", data)


def test_streamed_docx_text_keeps_runs_links_and_cells_and_leaves_out_deletions_and_text_boxes():
    body = f"""<w:document xmlns:w="{WORD}"><w:body>
      <w:p><w:r><w:t xml:space="preserve">1. 完善</w:t></w:r><w:hyperlink><w:r><w:t>专利法</w:t></w:r></w:hyperlink>
           <w:del><w:r><w:delText>商标法</w:delText></w:r></w:del><w:r><w:tab/><w:t>（知识产权局负责）</w:t></w:r></w:p>
      <w:p><w:r><w:br w:type="page"/></w:r></w:p>
      <w:p><w:r><w:t>2. 加强保护。</w:t><w:drawing><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p>
           </w:txbxContent></w:drawing></w:r></w:p>
      <w:sdt><w:sdtContent><w:p><w:r><w:t>3. 内容控件中的任务。</w:t></w:r></w:p></w:sdtContent></w:sdt>
      <w:tbl><w:tr><w:tc><w:p><w:r><w:t>4. 表格中的任务。</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
    </w:body></w:document>""".encode()
    text = read_bytes("plan.docx", "test", _docx(body)).text
    assert text.split("\n") == ["1. 完善专利法\t（知识产权局负责）", "2. 加强保护。", "3. 内容控件中的任务。", "4. 表格中的任务。"]
