"""The polite fetcher and robots.txt against a real local server: what each answer becomes."""

from __future__ import annotations

import asyncio
import gzip
import time

import httpx
import pytest
from helpers_http import LocalServer, Reply, lazy_bytes

from models.errors import FetchError
from scrapers.fetch import Fetcher, fetch_one, parse_retry_after
from scrapers.robots import RobotsCache


def _run(coro):
    return asyncio.run(coro)


@pytest.fixture
def server():
    routes: dict[str, Reply] = {}

    def handler(req):
        return routes.get(req.target) or routes.get(req.path) or Reply(status=404, body="no")

    with LocalServer(handler, host="127.0.0.8") as srv:
        srv.routes = routes
        yield srv


def _fetcher(**kw) -> Fetcher:
    base = {"delay": 0.0, "deadline": 2.0, "retries": 3, "backoff": 0.01, "max_bytes": 1 << 20}
    return Fetcher(**{**base, **kw})


def test_conditional_get_gives_not_modified(server):
    def handler(req):
        if req.headers.get("if-none-match") == '"v1"':
            return Reply(status=304, content_type=None, headers=[("ETag", '"v1"')])
        return Reply(body="<html>v1</html>", headers=[("ETag", '"v1"')])

    server.handler = handler

    async def go():
        async with _fetcher() as f:
            first = await f.fetch(server.url("/a-1.html"))
            second = await f.fetch(server.url("/a-1.html"), etag=first.headers["etag"])
            return first, second

    first, second = _run(go())
    assert first.outcome == "fetched" and first.body == b"<html>v1</html>"
    assert second.outcome == "not-modified" and second.exchanges[-1].status == 304


def test_a_session_cookie_set_by_the_portal_is_sent_back(server):
    """Some portals hand out a session cookie and expect it back (as a browser does); the WARC request
    record then shows the cookie that was sent."""
    def handler(req):
        if req.path == "/login-free.html":
            return Reply(body="<html>a</html>", headers=[("Set-Cookie", "ASP.NET_SessionId=abc123; path=/")])
        return Reply(body=f"<html>{req.headers.get('cookie', 'none')}</html>")

    server.handler = handler

    async def go():
        async with _fetcher() as f:
            await f.fetch(server.url("/login-free.html"))
            return await f.fetch(server.url("/b.html"))

    second = _run(go())
    assert second.body == b"<html>ASP.NET_SessionId=abc123</html>"
    assert ("Cookie", "ASP.NET_SessionId=abc123") in [(k.title(), v) for k, v in second.exchanges[-1].request_headers]


def test_gzip_body_is_decoded_but_kept_raw_for_the_warc(server):
    page = "<html><body>Đảng viên mới</body></html>".encode()
    server.routes["/gz"] = Reply(body=gzip.compress(page), headers=[("Content-Encoding", "gzip")])

    async def go():
        async with _fetcher() as f:
            return await f.fetch(server.url("/gz"))

    r = _run(go())
    assert r.body == page and r.exchanges[0].raw_body == gzip.compress(page)


def test_declared_oversize_body_is_skipped_without_reading(server):
    big = lazy_bytes(50 * 1024 * 1024)
    server.routes["/big"] = Reply(body=big, length=50 * 1024 * 1024)

    async def go():
        async with _fetcher() as f:
            return await f.fetch(server.url("/big"))

    r = _run(go())
    assert (r.outcome, r.reason) == ("skipped", "size")
    time.sleep(0.1)
    assert big.sent < 4 * 1024 * 1024


def test_retry_after_is_honoured_but_capped(server):
    server.routes["/busy"] = Reply(status=429, headers=[("Retry-After", "3600")], body="slow down")

    async def go():
        async with _fetcher(retries=2, max_retry_after=0.3) as f:
            return await f.fetch(server.url("/busy"))

    t = time.monotonic()
    r = _run(go())
    assert (r.outcome, r.reason, r.attempts) == ("failed", "status 429", 2)
    hits = server.hits_for("/busy")
    assert 0.28 <= hits[1].at - hits[0].at < 2.0 and time.monotonic() - t < 3.0
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert parse_retry_after("soon") is None


def test_redirect_chain_is_cut_and_each_hop_kept(server):
    for i in range(8):
        server.routes[f"/r{i}"] = Reply(status=301, headers=[("Location", f"/r{i + 1}")])

    async def go():
        async with _fetcher(max_redirects=5) as f:
            return await f.fetch(server.url("/r0"))

    r = _run(go())
    assert (r.outcome, r.reason) == ("failed", "too-many-redirects")
    assert [e.status for e in r.exchanges] == [301] * 6


def test_redirect_target_is_vetted(server):
    server.routes["/go"] = Reply(status=302, headers=[("Location", "/private/x")])

    async def check(url: str) -> str | None:
        return "robots" if "/private/" in url else None

    async def go():
        async with _fetcher() as f:
            return await f.fetch(server.url("/go"), check=check)

    r = _run(go())
    assert (r.outcome, r.reason, r.final_url) == ("skipped", "robots", server.url("/private/x"))
    assert not server.hits_for("/private/x")


def test_robots_rules_and_unreachable_robots(server):
    server.routes["/robots.txt"] = Reply(content_type="text/plain",
                                         body="User-agent: *\nDisallow: /an/\nCrawl-delay: 0.2\n"
                                              "Sitemap: http://127.0.0.8/s.xml\n")

    async def go():
        async with _fetcher() as f:
            robots = RobotsCache(f, "vnnews-crawler/0.1")
            verdicts = [await robots.allowed(server.url(p)) for p in ("/an/x", "/tin/y")]
            rules = await robots.rules(server.url("/"))
            return verdicts, rules, f.hosts

    verdicts, rules, hosts = _run(go())
    assert verdicts == [False, True]
    assert rules.crawl_delay == 0.2 and rules.sitemaps == ["http://127.0.0.8/s.xml"]
    assert next(iter(hosts.values())).delay == 0.2
    assert len(server.hits_for("/robots.txt")) == 1  # fetched once, shared

    server.routes["/robots.txt"] = Reply(status=503, body="down")

    async def down():
        async with _fetcher(retries=1) as f:
            return await RobotsCache(f, "vnnews").allowed(server.url("/tin/y"))

    assert _run(down()) is False  # RFC 9309: unreachable robots.txt means disallow all


def test_fetch_one_for_the_api(server):
    server.routes["/robots.txt"] = Reply(content_type="text/plain", body="User-agent: *\nDisallow: /cam/\n")
    server.routes["/bai-1.html"] = Reply(body="<html>ok</html>", content_type="text/html; charset=windows-1258")
    server.routes["/cam/bai-2.html"] = Reply(body="<html>no</html>")
    r = _run(fetch_one(server.url("/bai-1.html"), transport=httpx.AsyncHTTPTransport(), timeout=5))
    assert r.ok and r.body == b"<html>ok</html>" and r.headers["content-type"].endswith("windows-1258")
    with pytest.raises(FetchError, match="robots"):
        _run(fetch_one(server.url("/cam/bai-2.html"), timeout=5))
    with pytest.raises(FetchError, match="status 404"):
        _run(fetch_one(server.url("/khong-co.html"), timeout=5))
    with pytest.raises(FetchError, match="not an http"):
        _run(fetch_one("file:///etc/passwd"))
