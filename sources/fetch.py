"""Fetching official plan pages over HTTP(S).

This module owns the network edge of `sources`: which URLs may be fetched, how
long and how much we are willing to wait for and read, retries, redirects, and
a local cache of validators (ETag / Last-Modified) and body hashes so that an
unchanged page is reported as "not_modified" and not parsed again.  Turning the
bytes into text is left to `sources.read.read_bytes`.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import httpx

from sources.read import read_bytes
from transforms.models import PlanError, SourceText

ALLOWED_SCHEMES = ("http", "https")
_REDIRECT_STATUSES = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class FetchPolicy:
    timeout_s: float = 20.0  # each network wait, and also the whole of one attempt, headers included
    total_timeout_s: float = 60.0  # every attempt of one URL and the pauses between them
    max_bytes: int = 20_000_000
    retries: int = 3  # further attempts after the first, on transient failures only
    backoff_s: tuple[float, ...] = (0.5, 1.0, 2.0)  # pause before retry n; the last value repeats
    max_redirects: int = 5
    user_agent: str = "ipplans/0.1 (+https://github.com/)"


@dataclass(frozen=True)
class FetchResult:
    url: str
    final_url: str
    status: str  # "fetched" | "not_modified"
    source: SourceText | None  # None when not_modified
    etag: str | None
    last_modified: str | None
    sha256: str | None


class FetchError(PlanError):
    """A URL that could not be fetched; `retryable` marks transient failures."""

    def __init__(self, url: str, problem: str, *, retryable: bool = False):
        super().__init__(url, problem)
        self.retryable = retryable


@dataclass(frozen=True)
class _Response:
    final_url: str
    status_code: int
    body: bytes
    etag: str | None
    last_modified: str | None
    content_type: str | None
    location: str | None  # of a redirect


def fetch_url(url: str, cache_dir: Path, policy: FetchPolicy = FetchPolicy()) -> FetchResult:
    """Fetch `url`, or report that it has not changed since the copy in `cache_dir`."""
    _check_scheme(url, url)
    cache_dir = Path(cache_dir)
    cached = _load_cache(cache_dir, url)
    response = _with_retries(url, policy, lambda seconds: _exchange(url, cached, policy, seconds))
    if response.status_code == 304:
        if cached is None:
            raise FetchError(url, "HTTP 304 Not Modified but there is no cached copy")
        return _not_modified(url, cached, response)
    sha256 = hashlib.sha256(response.body).hexdigest()
    if cached is not None and cached["sha256"] == sha256:
        _store_cache(cache_dir, url, response, sha256)
        return _not_modified(url, cached, response)
    # Read before caching: a page that cannot be read must not be reported unchanged next time.
    source = read_bytes(source_name(response.final_url), response.final_url, response.body,
                        content_type=response.content_type)
    _store_cache(cache_dir, url, response, sha256)
    return FetchResult(url=url, final_url=response.final_url, status="fetched", source=source,
                       etag=response.etag, last_modified=response.last_modified, sha256=sha256)


def source_name(url: str) -> str:
    """The last path segment of a URL (e.g. content_5511913.htm), or its host when empty."""
    parsed = httpx.URL(url)
    segment = unquote(parsed.path.rstrip("/").rsplit("/", 1)[-1])
    return segment or parsed.host


def _not_modified(url: str, cached: dict, response: _Response) -> FetchResult:
    return FetchResult(url=url, final_url=response.final_url, status="not_modified", source=None,
                       etag=response.etag or cached["etag"],
                       last_modified=response.last_modified or cached["last_modified"],
                       sha256=cached["sha256"])


def _check_scheme(url: str, target: str, refused: str = "") -> None:
    try:
        scheme = httpx.URL(target).scheme
    except httpx.InvalidURL as exc:
        raise FetchError(url, f"{refused}invalid URL {target!r}: {exc}") from exc
    if scheme not in ALLOWED_SCHEMES:
        raise FetchError(url, f"{refused}scheme {scheme or '(none)'!r} not allowed (only http/https)")


def _with_retries(url: str, policy: FetchPolicy, attempt: Callable[[float], _Response]) -> _Response:
    """Run `attempt(seconds it may take)` until it succeeds, fails permanently, the retries are used
    up, or the URL's total deadline has passed."""
    deadline = time.monotonic() + policy.total_timeout_s
    for number in range(policy.retries + 1):
        seconds = min(policy.timeout_s, deadline - time.monotonic())
        try:
            return attempt(seconds)
        except FetchError as exc:
            last_try = number == policy.retries or time.monotonic() >= deadline
            if not exc.retryable or (last_try and not policy.retries):
                raise
            if last_try:
                raise FetchError(url, f"{exc.problem} (after {number + 1} attempts"
                                      f"{'' if number == policy.retries else f'; {policy.total_timeout_s} s in all'})",
                                 retryable=True) from exc
        pause = policy.backoff_s[min(number, len(policy.backoff_s) - 1)] if policy.backoff_s else 0.0
        time.sleep(max(0.0, min(pause, deadline - time.monotonic())))
    raise AssertionError("unreachable: the last attempt returns or raises")


def _exchange(url: str, cached: dict | None, policy: FetchPolicy, seconds: float) -> _Response:
    """One attempt of at most `seconds`: follow redirects by hand so that every hop is checked and counted."""
    deadline = time.monotonic() + seconds
    hop = url
    with _SocketDeadline(seconds) as watchdog, httpx.Client(
            timeout=max(min(policy.timeout_s, seconds), 0.001), follow_redirects=False,
            headers={"User-Agent": policy.user_agent}) as client:
        for _ in range(policy.max_redirects + 1):
            try:
                response = _get(client, url, hop, _conditional_headers(cached, hop), policy, deadline, watchdog)
            except FetchError:
                if watchdog.expired:
                    raise _timed_out(url, seconds) from None
                raise
            if watchdog.expired:  # a shut socket can look like the end of a body sent without a length
                raise _timed_out(url, seconds)
            if response.status_code not in _REDIRECT_STATUSES:
                return response
            hop = _next_hop(url, hop, response)
    raise FetchError(url, f"too many redirects (more than {policy.max_redirects})")


def _timed_out(url: str, seconds: float) -> FetchError:
    return FetchError(url, f"timed out after {seconds:.3g} s (the whole attempt, headers included; "
                           f"body still arriving or not begun)", retryable=True)


class _SocketDeadline:
    """Shuts the attempt's sockets when its time is up. httpx's timeouts bound each network wait,
    not their sum, so a server dripping header bytes slower than nothing but faster than the
    timeout would otherwise hold an attempt for minutes; the shut socket ends the wait at once."""

    def __init__(self, seconds: float):
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(seconds, 0.0), self._expire)
        self._timer.daemon = True

    def trace(self, event: str, info: dict) -> None:  # httpx's "trace" request extension
        if event == "connection.connect_tcp.complete":
            sock = info["return_value"].get_extra_info("socket")
            with self._lock:
                self._sockets.append(sock)
                if self.expired:
                    _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def __enter__(self) -> _SocketDeadline:
        self._timer.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._timer.cancel()


def _shut(sock: socket.socket | None) -> None:
    try:
        if sock is not None:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed


def _next_hop(url: str, hop: str, response: _Response) -> str:
    if not response.location:
        raise FetchError(url, f"HTTP {response.status_code} redirect from {hop} without a Location")
    refused = f"redirect to {response.location} refused: "
    try:
        target = str(httpx.URL(hop).join(response.location))
    except httpx.InvalidURL as exc:
        raise FetchError(url, f"{refused}invalid URL: {exc}") from exc
    _check_scheme(url, target, refused)
    return target


def _conditional_headers(cached: dict | None, hop: str) -> dict[str, str]:
    # Validators belong to the page that issued them, so they are only sent to that URL.
    if cached is None or cached["final_url"] != hop:
        return {}
    headers = {}
    if cached["etag"]:
        headers["If-None-Match"] = cached["etag"]
    if cached["last_modified"]:
        headers["If-Modified-Since"] = cached["last_modified"]
    return headers


def _get(client: httpx.Client, url: str, hop: str, headers: dict[str, str],
         policy: FetchPolicy, deadline: float, watchdog: _SocketDeadline) -> _Response:
    try:
        with client.stream("GET", hop, headers=headers, extensions={"trace": watchdog.trace}) as response:
            code = response.status_code
            if code in _REDIRECT_STATUSES:
                return _Response(hop, code, b"", None, None, None, response.headers.get("location"))
            if code >= 500:
                raise FetchError(url, f"HTTP {code} {response.reason_phrase} from {hop}", retryable=True)
            if code != 304 and code != 200:
                raise FetchError(url, f"HTTP {code} {response.reason_phrase} from {hop}")
            body = b"" if code == 304 else _read_body(response, url, policy, deadline)
            return _Response(hop, code, body, response.headers.get("etag"),
                             response.headers.get("last-modified"), response.headers.get("content-type"), None)
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise FetchError(url, f"cannot request {hop}: {exc}") from exc
    except httpx.TimeoutException as exc:
        raise FetchError(url, f"timed out after {policy.timeout_s} s ({type(exc).__name__})",
                         retryable=True) from exc
    except httpx.TransportError as exc:
        raise FetchError(url, f"connection failed: {type(exc).__name__}: {exc}", retryable=True) from exc


def _read_body(response: httpx.Response, url: str, policy: FetchPolicy, deadline: float) -> bytes:
    """Stream the body, never holding more than `max_bytes` and never past the deadline."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > policy.max_bytes:
        raise FetchError(url, f"too large: Content-Length {declared} exceeds the limit of {policy.max_bytes} bytes")
    chunks, size = [], 0
    # iter_bytes yields decoded content, so a small gzip body that inflates hugely is caught too.
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > policy.max_bytes:
            raise FetchError(url, f"too large: body exceeds the limit of {policy.max_bytes} bytes")
        if time.monotonic() > deadline:
            raise FetchError(url, f"timed out after {policy.timeout_s} s (body still arriving)", retryable=True)
        chunks.append(chunk)
    return b"".join(chunks)


def _cache_paths(cache_dir: Path, url: str) -> tuple[Path, Path]:
    key = hashlib.sha256(url.encode("utf-8")).hexdigest()
    return cache_dir / f"{key}.json", cache_dir / f"{key}.body"


def _load_cache(cache_dir: Path, url: str) -> dict | None:
    """The cached metadata, or None when absent, unreadable or not matching its body."""
    meta_path, body_path = _cache_paths(cache_dir, url)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        body_sha = hashlib.sha256(body_path.read_bytes()).hexdigest()
    except (OSError, ValueError):
        return None
    keys = ("final_url", "etag", "last_modified", "sha256")
    if not isinstance(meta, dict) or any(key not in meta for key in keys) or meta["sha256"] != body_sha:
        return None
    return meta


def _store_cache(cache_dir: Path, url: str, response: _Response, sha256: str) -> None:
    # Body first, then metadata: a crash in between leaves metadata that fails the hash check.
    cache_dir.mkdir(parents=True, exist_ok=True)
    meta_path, body_path = _cache_paths(cache_dir, url)
    _write_atomic(body_path, response.body)
    meta = {"url": url, "final_url": response.final_url, "etag": response.etag,
            "last_modified": response.last_modified, "sha256": sha256}
    _write_atomic(meta_path, json.dumps(meta, ensure_ascii=False, indent=2).encode("utf-8"))


def _write_atomic(path: Path, data: bytes) -> None:
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temp, path)
    except BaseException:
        os.unlink(temp)
        raise
