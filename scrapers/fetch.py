"""The polite HTTP client: one request path for the crawler, robots.txt and ``GET /extract``.

Politeness and robustness live here so no caller can forget them: one connection per host with a
minimum gap between requests, an identifying User-Agent, retries with exponential backoff and
jitter that honour Retry-After, redirects followed by hand (every hop kept, loops and chains cut),
bodies streamed under a byte cap, and a total deadline per response so a server that drips one
byte a second cannot hold a worker forever (httpx's read timeout restarts on every byte).

A fetch never raises for the remote side's failures: it returns a :class:`FetchResult` whose
``outcome`` and ``reason`` say what happened, because the frontier must record *why* for every URL.
Only :func:`fetch_one` (a one-off fetch for the HTTP API) turns failures into :class:`FetchError`.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import ssl
import time
import zlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpx

from models.errors import FetchError, UnsafeAddressError
from models.text import canonical_url

CRAWLER_NAME = "vnnews-crawler"
CRAWLER_VERSION = "0.1"
DEFAULT_USER_AGENT = (
    f"{CRAWLER_NAME}/{CRAWLER_VERSION} (+https://github.com/vnnews/vnnews; research archive; "
    "contact: vnnews-crawler@proton.me)"
)
HTML_TYPES = ("text/html", "application/xhtml+xml")
XML_TYPES = ("application/xml", "text/xml", "application/rss+xml", "application/atom+xml", "application/rdf+xml")
ANY_TYPE: tuple[str, ...] = ()
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_KEEP_BODY_OF_ERRORS = 256 * 1024  # error pages are kept in WARC, but only their head

# A hop check returns None to allow a URL, or the skip reason ("robots", "scope", ...).
HopCheck = Callable[[str], Awaitable[str | None]]


@dataclass(slots=True)
class Exchange:
    """One complete HTTP request/response pair, as it goes into the WARC."""

    url: str
    date: datetime
    request_headers: list[tuple[str, str]]
    status: int
    reason: str
    http_version: str
    response_headers: list[tuple[str, str]]
    raw_body: bytes  # as transferred (content-encoding kept, chunking removed)
    truncated: bool = False
    request_target: str = "/"
    ip: str | None = None  # the address that answered (WARC-IP-Address)


@dataclass(slots=True)
class FetchResult:
    url: str
    final_url: str
    outcome: str  # fetched | not-modified | skipped | failed
    reason: str | None = None  # "size", "type", "robots", "status 404", "timeout", "redirect-loop", ...
    status: int | None = None
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    body: bytes = b""  # content-decoded payload of the final response
    exchanges: list[Exchange] = field(default_factory=list)
    attempts: int = 0
    elapsed: float = 0.0
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == "fetched"

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass(slots=True)
class _Host:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_at: float = 0.0
    delay: float | None = None  # per-host override (robots Crawl-delay), else the fetcher's default
    last_end: float = 0.0  # when the last response to this host ended


class _Cutoff(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


class _ResolveTransport(httpx.AsyncBaseTransport):
    """Send requests for named hosts to fixed addresses, like ``curl --resolve``.

    The URL, Host header and everything recorded keep the real name; only the socket goes to the
    given address (over plain HTTP). The demo uses it to serve portals from loopback addresses.
    """

    def __init__(self, inner: httpx.AsyncBaseTransport, mapping: dict[str, tuple[str, int]]) -> None:
        self.inner = inner
        self.mapping = mapping

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        target = self.mapping.get(request.url.host)
        if target is not None:
            request.url = request.url.copy_with(scheme="http", host=target[0], port=target[1])
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


class _PerHostPools(httpx.AsyncBaseTransport):
    """A pool of one connection per host: one connection per host by construction, and httpcore's
    scan of idle connections on every request stays O(1) however many hosts a crawl visits (one
    shared pool costs a getpeername() per idle connection per request). The least recently used
    pools are closed past ``max_hosts`` so a crawl over thousands of portals keeps few sockets."""

    def __init__(self, max_hosts: int = 64) -> None:
        self.max_hosts = max_hosts
        self.pools: OrderedDict[tuple[bytes, str, int | None], httpx.AsyncHTTPTransport] = OrderedDict()
        self._ssl: ssl.SSLContext | None = None  # loading CA certificates costs ~0.1 s: once, shared

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        key = (request.url.raw_scheme, request.url.host, request.url.port)
        pool = self.pools.get(key)
        if pool is None:
            if self._ssl is None:  # httpx builds one per transport, even for plain http
                self._ssl = httpx.create_ssl_context()
            pool = self.pools[key] = httpx.AsyncHTTPTransport(
                verify=self._ssl, limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
                retries=0)
            while len(self.pools) > self.max_hosts:
                _, old = self.pools.popitem(last=False)
                await old.aclose()
        else:
            self.pools.move_to_end(key)
        return await pool.handle_async_request(request)

    async def aclose(self) -> None:
        for pool in self.pools.values():
            await pool.aclose()
        self.pools.clear()


def _host_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname or ''}:{parts.port or ''}"


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def _decode_content(raw: bytes, encoding: str, max_bytes: int) -> bytes:
    """Undo gzip/deflate under the same byte cap (a small gzip can hide a huge page)."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return raw
    if encoding in ("gzip", "x-gzip", "deflate"):
        wbits = 47 if encoding != "deflate" else 15
        try:
            d = zlib.decompressobj(wbits)
            out = d.decompress(raw, max_bytes + 1)
        except zlib.error:
            if encoding != "deflate":
                raise
            d = zlib.decompressobj(-15)  # raw deflate, as some servers send it
            out = d.decompress(raw, max_bytes + 1)
        if len(out) > max_bytes:
            raise _Cutoff("size")
        return out
    raise _Cutoff(f"encoding {encoding}")


def _type_ok(content_type: str, accept: Sequence[str]) -> bool:
    if not accept:
        return True
    ctype = content_type.split(";")[0].strip().lower()
    return ctype in accept or (not ctype and "text/html" in accept)


class Fetcher:
    """Async polite fetcher shared by every request of a crawl.

    ``delay`` is the default gap per host between the end of one response and the next request;
    :meth:`set_host_delay` raises it for a host (robots.txt Crawl-delay). ``transport`` lets the
    service plug in its SSRF guard; ``resolve`` maps host names to local addresses (demo).
    """

    def __init__(
        self,
        *,
        user_agent: str = DEFAULT_USER_AGENT,
        delay: float = 1.0,
        timeout: httpx.Timeout | None = None,
        deadline: float = 60.0,
        max_bytes: int = 8 * 1024 * 1024,
        max_redirects: int = 5,
        retries: int = 3,
        backoff: float = 1.0,
        max_retry_after: float = 120.0,
        max_connections: int = 32,
        transport: httpx.AsyncBaseTransport | None = None,
        resolve: dict[str, tuple[str, int]] | None = None,
    ) -> None:
        self.user_agent = user_agent
        self.delay = delay
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.retries = max(1, retries)
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.hosts: dict[str, _Host] = {}
        inner = transport or _PerHostPools(max_hosts=max(64, max_connections))
        if resolve:
            inner = _ResolveTransport(inner, resolve)
        self.transport = inner  # requests go straight to it: see _one
        self.client = httpx.AsyncClient(
            transport=inner,
            timeout=timeout or httpx.Timeout(connect=10.0, read=20.0, write=10.0, pool=30.0),
            follow_redirects=False,
            trust_env=False,
            headers={
                "User-Agent": user_agent,
                "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5",
                "Accept-Language": "vi,en;q=0.5",
                "Accept-Encoding": "gzip, deflate",
            },
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.client.aclose()

    def _host(self, url: str) -> _Host:
        key = _host_key(url)
        host = self.hosts.get(key)
        if host is None:
            host = self.hosts[key] = _Host()
        return host

    def set_host_delay(self, url: str, seconds: float) -> None:
        host = self._host(url)
        host.delay = max(self.delay, seconds)
        # robots.txt itself was just fetched under the default gap: the next request waits the new one
        host.next_at = max(host.next_at, host.last_end + host.delay)

    async def fetch(
        self,
        url: str,
        *,
        accept: Sequence[str] = HTML_TYPES,
        etag: str | None = None,
        last_modified: str | None = None,
        check: HopCheck | None = None,
        max_bytes: int | None = None,
    ) -> FetchResult:
        """GET ``url`` politely, following redirects; ``check`` vets every redirect target."""
        started = time.monotonic()
        result = FetchResult(url=url, final_url=url, outcome="failed")
        seen = {canonical_url(url)}
        current = url
        cond: dict[str, str] = {}
        if etag:
            cond["If-None-Match"] = etag
        if last_modified:
            cond["If-Modified-Since"] = last_modified
        cap = max_bytes or self.max_bytes
        try:
            for hop in range(self.max_redirects + 1):
                status, headers, body = await self._attempts(current, cond if hop == 0 else {}, accept, cap, result)
                result.final_url = current
                if status is None:
                    break  # outcome and reason already set
                result.status, result.headers = status, headers
                if status in REDIRECT_STATUSES and headers.get("location"):
                    target = urljoin(current, headers["location"].strip())
                    if urlsplit(target).scheme not in ("http", "https"):
                        result.outcome, result.reason = "failed", "redirect-scheme"
                        break
                    key = canonical_url(target)
                    if key in seen:
                        result.outcome, result.reason = "failed", "redirect-loop"
                        break
                    seen.add(key)
                    if hop == self.max_redirects:
                        result.outcome, result.reason = "failed", "too-many-redirects"
                        break
                    if check is not None and (why := await check(target)):
                        result.final_url = target
                        result.outcome, result.reason = "skipped", why
                        break
                    current = target
                    continue
                if status == 304 and cond:
                    result.outcome = "not-modified"
                elif 200 <= status < 300:
                    result.outcome, result.body = "fetched", body
                else:
                    result.outcome, result.reason = "failed", f"status {status}"
                break
        finally:
            result.elapsed = time.monotonic() - started
        return result

    async def _attempts(
        self, url: str, cond: dict[str, str], accept: Sequence[str], cap: int, result: FetchResult
    ) -> tuple[int | None, httpx.Headers, bytes]:
        """One hop with retries. Returns (status, headers, decoded body) or (None, ...) when the
        hop ended without a usable response (result.outcome/reason set)."""
        host = self._host(url)
        loop = asyncio.get_running_loop()
        for attempt in range(1, self.retries + 1):
            result.attempts += 1
            wait_after: float | None = None
            async with host.lock:
                pause = host.next_at - loop.time()
                if pause > 0:
                    await asyncio.sleep(pause)
                try:
                    status, headers, body = await self._one(url, cond, accept, cap, result)
                except _Cutoff as cut:
                    result.outcome, result.reason = "skipped", cut.reason
                    return None, httpx.Headers(), b""
                except UnsafeAddressError as e:
                    result.outcome, result.reason, result.error = "failed", f"unsafe: {e.message}", e
                    return None, httpx.Headers(), b""
                except (httpx.TimeoutException, TimeoutError) as e:
                    result.reason, result.error = ("timeout" if isinstance(e, httpx.TimeoutException)
                                                   else "deadline"), e
                    status = None
                except (httpx.TransportError, httpx.StreamError) as e:
                    if _is_unsafe(e):
                        result.outcome, result.reason, result.error = "failed", f"unsafe: {e}", e
                        return None, httpx.Headers(), b""
                    result.reason, result.error = _error_reason(e), e
                    status = None
                finally:
                    host.last_end = loop.time()
                    host.next_at = host.last_end + (host.delay if host.delay is not None else self.delay)
                if status is not None and status not in RETRY_STATUSES:
                    return status, headers, body
                if status is not None:
                    result.reason = f"status {status}"
                    wait_after = parse_retry_after(headers.get("retry-after"))
                if attempt == self.retries:
                    result.outcome = "failed"
                    if status is not None:
                        return status, headers, body  # the caller records "status N"
                    return None, httpx.Headers(), b""
                backoff = self.backoff * 2 ** (attempt - 1) + random.uniform(0, self.backoff)
                if wait_after is not None:
                    backoff = max(backoff, min(wait_after, self.max_retry_after))
                # The whole host waits: a 503/429 speaks for the server, not for one URL.
                host.next_at = max(host.next_at, loop.time() + backoff)
        return None, httpx.Headers(), b""

    async def _one(
        self, url: str, cond: dict[str, str], accept: Sequence[str], cap: int, result: FetchResult
    ) -> tuple[int, httpx.Headers, bytes]:
        date = datetime.now(UTC)
        request = self.client.build_request("GET", url, headers=cond)
        async with asyncio.timeout(self.deadline):
            # Not client.send(): its auth, redirect and event-hook machinery costs more CPU than the
            # rest of a request, and redirects are followed by hand here anyway (every hop kept).
            # Cookies a portal sets are still kept and sent back, as a browser would.
            response = await self.transport.handle_async_request(request)
            response.request = request
            try:
                status = response.status_code
                headers = response.headers
                if "set-cookie" in headers:
                    self.client.cookies.extract_cookies(response)
                stream = response.extensions.get("network_stream")
                peer = stream.get_extra_info("server_addr") if stream is not None else None
                limit = cap if 200 <= status < 300 else _KEEP_BODY_OF_ERRORS
                if 200 <= status < 300 and not _type_ok(headers.get("content-type", ""), accept):
                    raise _Cutoff("type")
                length = headers.get("content-length", "")
                if 200 <= status < 300 and length.isdigit() and int(length) > cap:
                    raise _Cutoff("size")
                chunks: list[bytes] = []
                size = 0
                truncated = False
                async for chunk in response.aiter_raw():
                    size += len(chunk)
                    if size > limit:
                        if 200 <= status < 300:
                            raise _Cutoff("size")
                        truncated = True
                        break
                    chunks.append(chunk)
                raw = b"".join(chunks)
            finally:
                await response.aclose()
        result.exchanges.append(Exchange(
            url=url,
            date=date,
            request_headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw],
            status=status,
            reason=response.reason_phrase or "",
            http_version=response.http_version or "HTTP/1.1",
            response_headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in headers.raw],
            raw_body=raw,
            truncated=truncated,
            request_target=request.url.raw_path.decode("ascii", "replace") or "/",
            ip=str(peer[0]) if isinstance(peer, tuple) and peer else None,
        ))
        body = _decode_content(raw, headers.get("content-encoding", ""), cap) if 200 <= status < 300 else raw
        return status, headers, body


def _is_unsafe(e: BaseException) -> bool:
    """The SSRF guard may surface as an UnsafeAddressError wrapped by httpx."""
    seen = 0
    while e is not None and seen < 5:
        if isinstance(e, UnsafeAddressError):
            return True
        e = e.__cause__ or e.__context__  # type: ignore[assignment]
        seen += 1
    return False


def _error_reason(e: BaseException) -> str:
    if isinstance(e, httpx.ConnectError):
        return "connect-error"
    if isinstance(e, httpx.RemoteProtocolError):
        return "protocol-error"
    if isinstance(e, httpx.ReadError):
        return "read-error"
    if isinstance(e, httpx.WriteError):
        return "write-error"
    return type(e).__name__.lower()


async def fetch_one(
    url: str,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: float = 20.0,
    max_bytes: int = 8 * 1024 * 1024,
    user_agent: str = DEFAULT_USER_AGENT,
    respect_robots: bool = True,
) -> FetchResult:
    """Fetch one page politely (robots.txt, UA, retries) for callers outside a crawl.

    Raises :class:`FetchError` (or :class:`UnsafeAddressError` from a guard transport) when the
    page cannot be had; returns the result only when it holds a page.
    """
    from scrapers.robots import RobotsCache

    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        raise FetchError(f"not an http(s) URL: {url}")
    fetcher = Fetcher(
        user_agent=user_agent,
        delay=0.0,
        timeout=httpx.Timeout(timeout / 2, read=timeout / 2),
        deadline=timeout,
        max_bytes=max_bytes,
        retries=2,
        backoff=0.5,
        max_retry_after=min(5.0, timeout / 4),
        transport=transport,
    )
    async with fetcher:
        check: HopCheck | None = None
        if respect_robots:
            robots = RobotsCache(fetcher, user_agent)

            async def check(target: str) -> str | None:
                return None if await robots.allowed(target) else "robots"

            if await check(url):
                rules = await robots.rules(url)
                if isinstance(rules.error, UnsafeAddressError):
                    raise rules.error  # the host itself is refused, robots.txt was just the first ask
                raise FetchError(f"{url}: disallowed by robots.txt ({rules.status or 'rules'})")
        result = await fetcher.fetch(url, check=check)
    if isinstance(result.error, UnsafeAddressError):
        raise result.error
    if result.reason and result.reason.startswith("unsafe"):
        raise UnsafeAddressError(f"{url}: {result.reason}")
    if not result.ok:
        what = {"size": f"larger than {max_bytes // 2**20} MB", "type": f"not an HTML page ({result.content_type})",
                "robots": "redirect target disallowed by robots.txt"}.get(result.reason or "", result.reason)
        raise FetchError(f"{url}: {what or result.outcome}", detail=repr(result.error) if result.error else None)
    return result
