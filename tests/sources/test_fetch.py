"""fetch_url against a real HTTP server on 127.0.0.1, serving pages built here."""

from __future__ import annotations

import gzip
import hashlib
import json
import socket
import threading
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from sources.fetch import FetchError, FetchPolicy, fetch_url, source_name
from transforms.models import PlanError

FAST = FetchPolicy(timeout_s=2.0, retries=3, backoff_s=(0.0,))

PLAN_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>关于印发《2099年知识产权强国建设测试推进计划》的通知</title></head>
<body>
<div class="nav"><a href="/">首页</a> &gt; <a href="/zhengce/">政策</a></div>
<div class="article">
<h1>关于印发《2099年知识产权强国建设测试推进计划》的通知</h1>
<p>国知联办〔2099〕1号</p>
<p>各成员单位：</p>
<p>经联席会议同意，现将《2099年知识产权强国建设测试推进计划》印发给你们，请认真贯彻执行。</p>
<h2>一、完善知识产权制度</h2>
<h3>（一）健全法律法规</h3>
<p>1. 推进专利法实施细则修改配套工作，完善专利审查指南。（司法部、知识产权局按职责分别负责）</p>
<p>2. 完善商标审查标准，进一步压缩商标注册审查周期。（知识产权局负责）</p>
<p>3. 开展地理标志保护工程建设，加强地理标志产品专用标志使用管理。（知识产权局、农业农村部负责）</p>
</div>
<div class="footer">版权所有 测试网站</div>
</body></html>
"""

Handler = Callable[[BaseHTTPRequestHandler], None]


class PlanServer:
    """Routes are plain functions writing a response; every request is counted and its headers kept."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.hits: Counter[str] = Counter()
        self.headers: dict[str, list[dict[str, str]]] = {}
        self.release = threading.Event()  # bounds the "slow" handler; set at teardown
        server = self

        class RequestHandler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits[self.path] += 1
                server.headers.setdefault(self.path, []).append(dict(self.headers))
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                else:
                    route(self)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        # A client that gave up (timeout, size limit) makes the handler's writes fail; that is expected.
        self.httpd.handle_error = lambda request, address: None
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def server(monkeypatch):
    # httpx honours proxy variables; a proxy set on a CI machine must not swallow 127.0.0.1.
    for variable in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(variable, raising=False)
    plan_server = PlanServer()
    # A short poll interval keeps shutdown (and so each test's teardown) quick.
    thread = threading.Thread(target=plan_server.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield plan_server
    plan_server.release.set()
    plan_server.httpd.shutdown()
    plan_server.httpd.server_close()
    thread.join(timeout=5)


def respond(body: bytes | str = PLAN_PAGE, *, status: int = 200, content_type: str = "text/html; charset=utf-8",
            headers: dict[str, str] | None = None, content_length: bool = True) -> Handler:
    data = body.encode("utf-8") if isinstance(body, str) else body

    def handle(request: BaseHTTPRequestHandler) -> None:
        request.send_response(status)
        request.send_header("Content-Type", content_type)
        if content_length:
            request.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(data)

    return handle


def redirect(location: str, status: int = 302) -> Handler:
    return respond(b"", status=status, headers={"Location": location})


def etag_page(body: str, etag: str) -> Handler:
    """Answers 304 when the client already holds `etag`, else the page."""
    full = respond(body, headers={"ETag": etag})

    def handle(request: BaseHTTPRequestHandler) -> None:
        if request.headers.get("If-None-Match") == etag:
            respond(b"", status=304, headers={"ETag": etag})(request)
        else:
            full(request)

    return handle


def test_plan_page_is_fetched_and_read_into_text(server, tmp_path):
    server.routes["/zhengce/content_2099001.htm"] = respond()

    result = fetch_url(server.url("/zhengce/content_2099001.htm"), tmp_path, FAST)

    assert result.status == "fetched"
    assert result.final_url == result.url
    assert result.sha256 == hashlib.sha256(PLAN_PAGE.encode("utf-8")).hexdigest()
    source = result.source
    assert (source.name, source.format, source.location) == ("content_2099001.htm", "html", result.url)
    for line in ("一、完善知识产权制度", "（一）健全法律法规", "（司法部、知识产权局按职责分别负责）",
                 "2. 完善商标审查标准，进一步压缩商标注册审查周期。（知识产权局负责）",
                 "（知识产权局、农业农村部负责）"):
        assert line in source.text
    assert server.headers["/zhengce/content_2099001.htm"][0]["User-Agent"].startswith("ipplans/")


def test_page_without_a_path_is_named_by_host_and_read_by_content_type(server, tmp_path):
    server.routes["/"] = respond()

    result = fetch_url(server.url("/"), tmp_path, FAST)

    assert result.source.name == "127.0.0.1"
    assert result.source.format == "html"


def test_source_name_is_the_decoded_last_path_segment():
    assert source_name("http://www.gov.cn/zhengce/zhengceku/2020-05/15/content_5511913.htm") == "content_5511913.htm"
    assert source_name("https://example.org/plans/%E8%AE%A1%E5%88%92.pdf?x=1") == "计划.pdf"
    assert source_name("https://www.cnipa.gov.cn/") == "www.cnipa.gov.cn"


def test_relative_redirect_is_followed_and_names_the_final_page(server, tmp_path):
    server.routes["/old"] = redirect("/art/2099/1/5/art_1410_1.html", status=301)
    server.routes["/art/2099/1/5/art_1410_1.html"] = respond()

    result = fetch_url(server.url("/old"), tmp_path, FAST)

    assert result.url == server.url("/old")
    assert result.final_url == server.url("/art/2099/1/5/art_1410_1.html")
    assert result.source.name == "art_1410_1.html"
    assert result.source.location == result.final_url


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/plan.htm"])
def test_redirect_to_another_scheme_is_refused_without_retry(server, tmp_path, target):
    server.routes["/evil"] = redirect(target)

    with pytest.raises(FetchError, match="not allowed") as raised:
        fetch_url(server.url("/evil"), tmp_path, FAST)

    assert raised.value.source == server.url("/evil")
    assert target in str(raised.value)
    assert server.hits["/evil"] == 1


def test_redirect_loop_stops_at_the_limit(server, tmp_path):
    server.routes["/loop"] = redirect("/loop")

    with pytest.raises(FetchError, match="too many redirects"):
        fetch_url(server.url("/loop"), tmp_path, FetchPolicy(max_redirects=3, retries=0))

    assert server.hits["/loop"] == 4  # the first request and three redirects


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/plan.htm", "file:///etc/passwd", "javascript:alert(1)",
                                 "www.gov.cn/zhengce/content_1.htm"])
def test_non_http_urls_are_refused(tmp_path, url):
    with pytest.raises(FetchError, match="not allowed"):
        fetch_url(url, tmp_path, FAST)
    assert list(tmp_path.iterdir()) == []


def test_404_fails_at_once(server, tmp_path):
    with pytest.raises(FetchError, match="HTTP 404") as raised:
        fetch_url(server.url("/missing.htm"), tmp_path, FAST)

    assert raised.value.retryable is False
    assert server.hits["/missing.htm"] == 1


def test_500_then_200_is_retried(server, tmp_path):
    page = respond()
    error = respond("busy", status=500)
    server.routes["/flaky.htm"] = lambda request: (error if server.hits["/flaky.htm"] == 1 else page)(request)

    result = fetch_url(server.url("/flaky.htm"), tmp_path, FAST)

    assert result.status == "fetched"
    assert server.hits["/flaky.htm"] == 2


def test_persistent_5xx_gives_up_after_the_retries(server, tmp_path):
    server.routes["/down.htm"] = respond("down", status=503)

    with pytest.raises(FetchError, match=r"HTTP 503 .*after 3 attempts"):
        fetch_url(server.url("/down.htm"), tmp_path, FetchPolicy(retries=2, backoff_s=(0.0,)))

    assert server.hits["/down.htm"] == 3


def test_connection_refused_is_a_fetch_error(tmp_path):
    with socket.socket() as probe:  # a port that was just free and has no listener
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    with pytest.raises(FetchError, match="connection failed") as raised:
        fetch_url(f"http://127.0.0.1:{port}/plan.htm", tmp_path, FetchPolicy(retries=1, backoff_s=(0.0,)))

    assert raised.value.retryable


def test_declared_content_length_over_the_limit_is_refused_before_reading(server, tmp_path):
    server.routes["/huge.htm"] = respond(b"x" * 5000)

    with pytest.raises(FetchError, match="Content-Length 5000 exceeds"):
        fetch_url(server.url("/huge.htm"), tmp_path, FetchPolicy(max_bytes=1000))

    assert server.hits["/huge.htm"] == 1


def test_body_without_content_length_is_cut_off_at_the_limit(server, tmp_path):
    server.routes["/endless.htm"] = respond(b"x" * 50_000, content_length=False)

    with pytest.raises(FetchError, match="body exceeds the limit of 1000 bytes"):
        fetch_url(server.url("/endless.htm"), tmp_path, FetchPolicy(max_bytes=1000))


def test_limit_applies_to_the_decompressed_body(server, tmp_path):
    bomb = gzip.compress(b"\0" * 200_000)
    server.routes["/bomb.htm"] = respond(bomb, headers={"Content-Encoding": "gzip"})

    assert len(bomb) < 1000
    with pytest.raises(FetchError, match="body exceeds the limit"):
        fetch_url(server.url("/bomb.htm"), tmp_path, FetchPolicy(max_bytes=1000))


def test_slow_response_times_out_and_is_retried(server, tmp_path):
    def slow(request: BaseHTTPRequestHandler) -> None:
        server.release.wait(timeout=10)  # returns at teardown at the latest
        respond()(request)

    server.routes["/slow.htm"] = slow

    with pytest.raises(FetchError, match="timed out after 0.5 s") as raised:
        fetch_url(server.url("/slow.htm"), tmp_path, FetchPolicy(timeout_s=0.5, retries=1, backoff_s=(0.0,)))

    assert raised.value.retryable
    assert server.hits["/slow.htm"] == 2


def test_trickling_body_times_out_as_a_whole(server, tmp_path):
    def trickle(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        request.end_headers()
        for _ in range(20):  # each pause is below the timeout; all of them together are not
            request.wfile.write(b"<p>x</p>")
            request.wfile.flush()
            if server.release.wait(timeout=0.1):
                return

    server.routes["/trickle.htm"] = trickle

    with pytest.raises(FetchError, match="body still arriving"):
        fetch_url(server.url("/trickle.htm"), tmp_path, FetchPolicy(timeout_s=0.5, retries=0))


def test_unchanged_page_with_etag_is_not_modified(server, tmp_path):
    server.routes["/plan.htm"] = etag_page(PLAN_PAGE, '"v1"')

    first = fetch_url(server.url("/plan.htm"), tmp_path, FAST)
    second = fetch_url(server.url("/plan.htm"), tmp_path, FAST)

    assert (first.status, first.etag) == ("fetched", '"v1"')
    assert server.headers["/plan.htm"][1]["If-None-Match"] == '"v1"'
    assert (second.status, second.source, second.etag, second.sha256) == ("not_modified", None, '"v1"', first.sha256)


def test_changed_page_with_new_etag_is_fetched_again(server, tmp_path):
    server.routes["/plan.htm"] = etag_page(PLAN_PAGE, '"v1"')
    first = fetch_url(server.url("/plan.htm"), tmp_path, FAST)
    changed = PLAN_PAGE.replace("（知识产权局负责）", "（知识产权局、市场监管总局负责）")
    server.routes["/plan.htm"] = etag_page(changed, '"v2"')

    second = fetch_url(server.url("/plan.htm"), tmp_path, FAST)
    third = fetch_url(server.url("/plan.htm"), tmp_path, FAST)

    assert (second.status, second.etag) == ("fetched", '"v2"')
    assert second.sha256 != first.sha256
    assert "（知识产权局、市场监管总局负责）" in second.source.text
    assert (third.status, third.sha256) == ("not_modified", second.sha256)


def test_last_modified_is_sent_back(server, tmp_path):
    stamp = "Wed, 13 May 2099 08:00:00 GMT"
    full = respond(headers={"Last-Modified": stamp})

    def handle(request: BaseHTTPRequestHandler) -> None:
        if request.headers.get("If-Modified-Since") == stamp:
            respond(b"", status=304)(request)
        else:
            full(request)

    server.routes["/plan.htm"] = handle
    fetch_url(server.url("/plan.htm"), tmp_path, FAST)

    second = fetch_url(server.url("/plan.htm"), tmp_path, FAST)

    assert (second.status, second.last_modified) == ("not_modified", stamp)


def test_same_body_without_validators_is_not_modified(server, tmp_path):
    server.routes["/plain.htm"] = respond()

    first = fetch_url(server.url("/plain.htm"), tmp_path, FAST)
    second = fetch_url(server.url("/plain.htm"), tmp_path, FAST)

    assert server.hits["/plain.htm"] == 2
    assert (second.status, second.source, second.sha256) == ("not_modified", None, first.sha256)


def test_cache_is_written_as_metadata_and_body_without_leftovers(server, tmp_path):
    url = server.url("/plan.htm")
    server.routes["/plan.htm"] = etag_page(PLAN_PAGE, '"v1"')

    fetch_url(url, tmp_path / "cache", FAST)

    key = hashlib.sha256(url.encode("utf-8")).hexdigest()
    assert sorted(path.name for path in (tmp_path / "cache").iterdir()) == [f"{key}.body", f"{key}.json"]
    meta = json.loads((tmp_path / "cache" / f"{key}.json").read_text(encoding="utf-8"))
    assert (meta["url"], meta["etag"]) == (url, '"v1"')
    assert (tmp_path / "cache" / f"{key}.body").read_bytes() == PLAN_PAGE.encode("utf-8")


def test_damaged_cache_is_ignored(server, tmp_path):
    url = server.url("/plan.htm")
    server.routes["/plan.htm"] = etag_page(PLAN_PAGE, '"v1"')
    fetch_url(url, tmp_path, FAST)
    key = hashlib.sha256(url.encode("utf-8")).hexdigest()
    (tmp_path / f"{key}.body").write_bytes(b"truncated")

    result = fetch_url(url, tmp_path, FAST)

    assert result.status == "fetched"
    assert "If-None-Match" not in server.headers["/plan.htm"][1]


def test_unreadable_page_is_not_cached_as_seen(server, tmp_path):
    server.routes["/plan.pdf"] = respond(b"not a pdf at all", content_type="application/pdf")

    for _ in range(2):  # the second fetch must fail the same way, not report "not_modified"
        with pytest.raises(PlanError, match="not a readable PDF"):
            fetch_url(server.url("/plan.pdf"), tmp_path, FAST)
    assert list(tmp_path.iterdir()) == []
