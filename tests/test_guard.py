"""The SSRF guard. Private, link-local and metadata ranges are only ever fed to check_address with
the resolver stubbed, so nothing here can send a packet off this machine even if the guard breaks;
end-to-end attempts use loopback servers only."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from models.errors import FetchError, UnsafeAddressError
from scrapers.guard import GuardedTransport, check_address


def stub(*addresses: str):
    """A resolver that answers with ``addresses`` and records what it was asked."""
    asked: list[str] = []

    def resolve(host, port, *args, **kwargs):
        asked.append(host)
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                for a in addresses]

    resolve.asked = asked  # type: ignore[attr-defined]
    return resolve


def no_dns(*_a, **_k):
    raise AssertionError("the guard must not resolve an IP literal")


@pytest.mark.parametrize("literal", [
    "127.0.0.1", "127.1", "2130706433", "0x7f.1", "0x7f000001", "0177.0.0.1", "127.255.255.254",
    "::1", "[::1]", "::ffff:127.0.0.1", "0.0.0.0", "::",
])
def test_loopback_and_unspecified_literals_refused_without_dns(literal: str) -> None:
    with pytest.raises(UnsafeAddressError):
        check_address(literal, 80, resolve=no_dns)


@pytest.mark.parametrize("name", ["localhost", "LOCALHOST.", "api.localhost", "ip6-localhost"])
def test_localhost_names_refused_before_resolution(name: str) -> None:
    with pytest.raises(UnsafeAddressError, match="loopback"):
        check_address(name, 80, resolve=no_dns)


@pytest.mark.parametrize(("address", "why"), [
    ("10.0.0.1", "private"), ("10.255.255.255", "private"), ("172.16.0.1", "private"),
    ("172.31.255.254", "private"), ("192.168.1.1", "private"), ("169.254.169.254", "link-local"),
    ("169.254.0.1", "link-local"), ("100.64.0.1", "carrier-grade"), ("100.127.255.254", "carrier-grade"),
    ("fc00::1", "private"), ("fd12:3456::1", "private"), ("fe80::1", "link-local"), ("fe80::1%eth0", "link-local"),
    ("224.0.0.1", "multicast"), ("ff02::1", "multicast"), ("240.0.0.1", "reserved"), ("255.255.255.255", "reserved"),
    ("::ffff:10.0.0.1", "private"), ("::ffff:169.254.169.254", "link-local"), ("2002:a00:1::", "private"),
    ("64:ff9b::a9fe:a9fe", "link-local"), ("127.0.0.53", "loopback"),
])
def test_resolved_private_ranges_refused(address: str, why: str) -> None:
    resolve = stub(address)
    with pytest.raises(UnsafeAddressError, match=why):
        check_address("news.example", 80, resolve=resolve)
    assert resolve.asked == ["news.example"]


def test_every_resolved_address_is_checked() -> None:
    # A name with one public and one private answer: the client could connect to either.
    with pytest.raises(UnsafeAddressError, match="10.1.2.3"):
        check_address("rebind.example", 443, resolve=stub("93.184.216.34", "10.1.2.3"))


def test_public_addresses_pass_and_are_returned() -> None:
    assert check_address("news.example", 80, resolve=stub("93.184.216.34", "2606:2800:220:1::1")) == [
        "93.184.216.34", "2606:2800:220:1::1"]
    assert check_address("8.8.8.8", 53, resolve=no_dns) == ["8.8.8.8"]


def test_allow_private_lets_everything_through() -> None:
    assert check_address("intranet.example", 80, allow_private=True, resolve=stub("10.0.0.7")) == ["10.0.0.7"]
    assert check_address("127.1", 80, allow_private=True, resolve=no_dns) == ["127.0.0.1"]


def test_resolution_failure_is_a_fetch_error_not_a_crash() -> None:
    def fail(*_a, **_k):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(FetchError, match="cannot resolve") as info:
        check_address("nowhere.example", 80, resolve=fail)
    assert not isinstance(info.value, UnsafeAddressError)
    with pytest.raises(FetchError, match="no addresses"):
        check_address("empty.example", 80, resolve=stub())


# ---- the transport, against real loopback servers ------------------------------------------------

class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server API
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", self.server.redirect_to)  # type: ignore[attr-defined]
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b"<html><body><h1>hello</h1></body></html>"
        self.server.hits.append(self.path)  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def servers() -> Iterator[tuple[ThreadingHTTPServer, ThreadingHTTPServer]]:
    """Two loopback servers: ``first`` redirects to ``second``."""
    made = []
    for _ in range(2):
        srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        srv.hits = []  # type: ignore[attr-defined]
        srv.redirect_to = ""  # type: ignore[attr-defined]
        threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        made.append(srv)
    first, second = made
    first.redirect_to = f"http://127.0.0.1:{second.server_address[1]}/secret"  # type: ignore[attr-defined]
    yield first, second
    for srv in made:
        srv.shutdown()
        srv.server_close()


async def _get(transport: httpx.AsyncBaseTransport, url: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=transport, follow_redirects=True, trust_env=False) as client:
        return await client.get(url)


def test_transport_refuses_loopback_before_connecting(servers) -> None:
    first, _ = servers
    port = first.server_address[1]
    for url in (f"http://127.0.0.1:{port}/", f"http://localhost:{port}/", f"http://[::1]:{port}/",
                f"http://127.1:{port}/", f"http://2130706433:{port}/"):
        with pytest.raises(UnsafeAddressError):
            asyncio.run(_get(GuardedTransport(), url))
    assert first.hits == []  # nothing reached the server


def test_redirect_to_loopback_refused_at_the_second_hop(servers) -> None:
    first, second = servers
    transport = GuardedTransport(allow_hosts=[("127.0.0.1", first.server_address[1])])
    with pytest.raises(UnsafeAddressError, match="127.0.0.1"):
        asyncio.run(_get(transport, f"http://127.0.0.1:{first.server_address[1]}/redirect"))
    assert second.hits == []


def test_allowlisted_hop_and_allow_private_work(servers) -> None:
    first, second = servers
    transport = GuardedTransport(allow_hosts=[("127.0.0.1", first.server_address[1])])
    assert asyncio.run(_get(transport, f"http://127.0.0.1:{first.server_address[1]}/page")).status_code == 200
    resp = asyncio.run(_get(GuardedTransport(allow_private=True), f"http://127.0.0.1:{first.server_address[1]}/redirect"))
    assert resp.status_code == 200 and str(resp.url).endswith("/secret")
    assert second.hits == ["/secret"]


def test_transport_connects_to_the_checked_address_and_keeps_the_host_header(servers) -> None:
    """A name resolves once, in the guard; the socket goes to that address (no second DNS answer)."""
    first, _ = servers
    port = first.server_address[1]
    seen: list[str] = []

    class Recorder(_Handler):
        def do_GET(self) -> None:  # noqa: N802
            seen.append(self.headers["Host"])
            super().do_GET()

    first.RequestHandlerClass = Recorder
    resolve = stub("127.0.0.1")
    transport = GuardedTransport(allow_hosts=[("portal.test", port)], resolve=resolve)
    resp = asyncio.run(_get(transport, f"http://portal.test:{port}/x"))
    assert resp.status_code == 200
    assert str(resp.url) == f"http://portal.test:{port}/x"
    assert seen == [f"portal.test:{port}"]
    assert resolve.asked == ["portal.test"]


def test_non_http_schemes_refused() -> None:
    with pytest.raises(UnsafeAddressError):
        asyncio.run(GuardedTransport().handle_async_request(httpx.Request("GET", "file:///etc/passwd")))


# ---- robots.txt and fetch_one: a refusal is a refusal, not "robots.txt unreachable" -----------------

def test_robots_cache_lets_the_guard_refusal_through(servers) -> None:
    """robots.txt of a refused origin was never asked for: the refusal propagates (and is cached),
    instead of becoming "unreachable, disallow all"."""
    from scrapers.fetch import Fetcher
    from scrapers.robots import RobotsCache

    first, _ = servers
    url = f"http://127.0.0.1:{first.server_address[1]}/tin/x"

    async def go() -> list[str]:
        messages = []
        async with Fetcher(delay=0.0, retries=1, transport=GuardedTransport()) as fetcher:
            robots = RobotsCache(fetcher, "vnnews/1.0")
            for ask in (robots.allowed, robots.rules, robots.allowed):
                with pytest.raises(UnsafeAddressError) as info:
                    await ask(url)
                messages.append(info.value.message)
        return messages

    assert asyncio.run(go()) == ["refusing to fetch 127.0.0.1: 127.0.0.1 is loopback"] * 3
    assert first.hits == []


def test_fetch_one_reports_the_refusal_not_robots(servers) -> None:
    from scrapers.fetch import fetch_one

    first, second = servers
    port = first.server_address[1]
    with pytest.raises(UnsafeAddressError, match="loopback") as info:
        asyncio.run(fetch_one(f"http://127.0.0.1:{port}/a.html", transport=GuardedTransport(), timeout=5))
    assert "robots" not in info.value.message
    # Allowed first hop, refused redirect target: the redirect's robots.txt check meets the guard first.
    guard = GuardedTransport(allow_hosts=[("127.0.0.1", port)])
    with pytest.raises(UnsafeAddressError, match=f"127.0.0.1:{second.server_address[1]}|127.0.0.1 is loopback"):
        asyncio.run(fetch_one(f"http://127.0.0.1:{port}/redirect", transport=guard, timeout=5))
    assert first.hits == ["/robots.txt"] and second.hits == []
