"""A real HTTP server on 127.0.0.1 serving plan pages built from the bundled sample.

`plan_site` starts a fresh server per test; a test changes what a page says through
`site.pages[path]`, and `site.hits` counts the requests each path received. Pages:

    /plans/2020.html   the text of sources/samples/2020.gov.md in <p> paragraphs, ETag "v1"
    /plans/2019.html   a small second-year plan (3 tasks)
    /moved             302 → /plans/2019.html
    /missing.html      404
    /flaky/2019.html   500 on the first request, then the 2019 page
    /huge.html         a body larger than FAST_POLICY allows
    /slow.html         answers after SLOW_SECONDS, beyond FAST_POLICY's timeout
"""

from __future__ import annotations

import html
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from sources.fetch import FetchPolicy

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sources" / "samples" / "2020.gov.md"
SLOW_SECONDS = 1.5
# Short waits so the failure modes finish quickly; the limits are what the flows enforce.
FAST_POLICY = FetchPolicy(timeout_s=0.5, max_bytes=200_000, retries=1, backoff_s=(0.05,))

PLAN_2019 = """国务院知识产权战略实施工作部际联席会议办公室关于印发《2019年深入实施国家知识产权战略加快建设知识产权强国推进计划》的通知
国知战联办〔2019〕9号
2019年深入实施国家知识产权战略加快建设知识产权强国推进计划
一、完善知识产权制度
（一）健全法律法规
1. 推动专利法修改，完善配套法规和规章。（司法部、知识产权局负责）
2. 研究制定地理标志保护的法律制度。（知识产权局、市场监管总局负责）
二、加强知识产权保护
（一）强化执法
3. 开展打击侵权假冒专项行动，加大对重点领域的执法力度。（市场监管总局、公安部按职责分别负责）
"""


def html_page(text: str) -> bytes:
    """A plan text as an HTML page: one <p> per line (Markdown heading marks dropped), with some chrome."""
    paragraphs = "\n".join(f"<p>{html.escape(line.lstrip('#').strip())}</p>"
                           for line in text.splitlines() if line.strip())
    return (f"<html><head><meta charset='utf-8'><title>推进计划</title></head><body>"
            f"<div class='nav'>首页 &gt; 政策</div><article>{paragraphs}</article></body></html>").encode()


@dataclass
class Page:
    body: bytes
    etag: str | None = None
    status: int = 200
    location: str | None = None
    fail_first: int = 0  # answer 500 to this many requests first
    delay: float = 0.0


class PlanSite:
    def __init__(self):
        self.pages: dict[str, Page] = {
            "/plans/2020.html": Page(html_page(SAMPLE.read_text(encoding="utf-8")), etag='"v1"'),
            "/plans/2019.html": Page(html_page(PLAN_2019), etag='"a"'),
            "/moved": Page(b"", status=302, location="/plans/2019.html"),
            "/missing.html": Page(b"not here", status=404),
            "/flaky/2019.html": Page(html_page(PLAN_2019), fail_first=1),
            "/huge.html": Page(html_page("x" * 300_000)),
            "/slow.html": Page(html_page(PLAN_2019), delay=SLOW_SECONDS),
        }
        self.hits: dict[str, int] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        # a client that gave up on /slow.html leaves a broken pipe behind; not worth a traceback
        self.server.handle_error = lambda request, client_address: None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def _handler(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 — the name http.server calls
                site.hits[self.path] = site.hits.get(self.path, 0) + 1
                page = site.pages.get(self.path)
                if page is None:
                    return self._send(404, b"")
                if site.hits[self.path] <= page.fail_first:
                    return self._send(500, b"try again")
                time.sleep(page.delay)
                if page.etag and self.headers.get("If-None-Match") == page.etag:
                    return self._send(304, b"", page.etag)
                self._send(page.status, page.body, page.etag, page.location)

            def _send(self, status, body, etag=None, location=None):
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                for name, value in (("ETag", etag), ("Location", location)):
                    if value:
                        self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # keep the test output quiet
                pass

        return Handler


@pytest.fixture
def plan_site():
    site = PlanSite()
    thread = threading.Thread(target=site.server.serve_forever, daemon=True)
    thread.start()
    yield site
    site.server.shutdown()
    site.server.server_close()


def task_runs_of(state, wait_for: str, count: int, timeout: float = 20.0) -> list[str]:
    """Names of the task runs in a flow run (incl. subflows' own: no), once `count` runs named
    `wait_for…` are visible: task run records reach the API asynchronously, so poll (bounded)."""
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    flow_run_id = state.state_details.flow_run_id
    deadline = time.monotonic() + timeout
    with get_client(sync_client=True) as client:
        while True:
            runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
            names = [run.name for run in runs]
            if sum(name.startswith(wait_for) for name in names) >= count or time.monotonic() > deadline:
                return names
            time.sleep(0.2)
