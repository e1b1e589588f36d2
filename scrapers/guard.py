"""The SSRF guard: refuse to connect anywhere but the public Internet unless told otherwise.

``GET /extract?url=`` lets anyone on the network make the server fetch a URL. Without this guard
that is a door into the loopback interface, the LAN and the cloud metadata service
(169.254.169.254). The check runs on every *resolved* address (a public name can point at 10.x),
and :class:`GuardedTransport` runs it for every request the client sends — redirects produce new
requests through the transport, so every hop is checked. Plain HTTP then connects to the very
address it checked, so a DNS answer that changes between check and connect (rebinding) gains
nothing; HTTPS connects by name and the certificate check refuses a rebound internal host.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Callable, Collection
from typing import Any

import httpx

from models.errors import FetchError, UnsafeAddressError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[..., list[tuple[Any, ...]]]

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


def _literal(host: str) -> IPAddress | None:
    """The address a host spelled as an IP literal denotes, including the legacy inet_aton forms
    ("127.1", "2130706433", "0x7f.1", "0177.0.0.1") that resolvers accept and naive checks miss."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if host and all(c in "0123456789abcdefxABCDEFX." for c in host) and not host.endswith(".."):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def _why_unsafe(ip: IPAddress) -> str | None:
    """The reason an address must not be contacted, or None when it is a public unicast address."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            why = _why_unsafe(embedded)
            return f"{why} (embedded in {ip})" if why else None
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local (cloud metadata lives here)"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_multicast:
        return "multicast"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT:
        return "carrier-grade NAT (shared address space)"
    if ip.is_reserved:
        return "reserved"
    if ip.is_private:
        return "private"
    if not ip.is_global:
        return "reserved"
    return None


def check_address(host: str, port: int, *, allow_private: bool = False,
                  resolve: Resolver = socket.getaddrinfo) -> list[str]:
    """Resolve ``host`` and return its addresses, raising UnsafeAddressError if *any* of them is
    loopback, private, link-local, CGNAT, multicast, unspecified or reserved.

    Every address counts, not just the first: the connecting code may pick any of them.
    ``resolve`` is injectable so tests can feed private answers without touching the network.
    """
    name = host.strip().strip("[]").rstrip(".").lower()
    if "%" in name:  # IPv6 zone index: only meaningful for link-local addresses
        name = name.split("%", 1)[0]
    if not name:
        raise FetchError("URL has no host")
    if not allow_private and (name in _LOCAL_NAMES or name.endswith(".localhost")):
        raise UnsafeAddressError(f"refusing to fetch {host}: loopback name", detail=f"{host}:{port}")
    literal = _literal(name)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            infos = resolve(name, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as e:
            raise FetchError(f"cannot resolve {host}", detail=str(e)) from e
        addresses = []
        for info in infos:
            raw = str(info[4][0]).split("%", 1)[0]
            try:
                ip = ipaddress.ip_address(raw)
            except ValueError as e:
                raise FetchError(f"cannot resolve {host}: odd address {raw!r}") from e
            if ip not in addresses:
                addresses.append(ip)
        if not addresses:
            raise FetchError(f"cannot resolve {host}: no addresses")
    if not allow_private:
        for ip in addresses:
            why = _why_unsafe(ip)
            if why:
                raise UnsafeAddressError(f"refusing to fetch {host}: {ip} is {why}", detail=f"{host}:{port}")
    return [str(ip) for ip in addresses]


class GuardedTransport(httpx.AsyncHTTPTransport):
    """An httpx transport that checks every request's destination before connecting.

    ``allow_hosts`` exempts exact ``(host, port)`` pairs — for a test server or an operator's
    known-good mirror; it is deliberately not a pattern, so it cannot widen by accident.
    """

    def __init__(self, *, allow_private: bool = False, allow_hosts: Collection[tuple[str, int]] = (),
                 resolve: Resolver = socket.getaddrinfo, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.allow_private = allow_private
        self.allow_hosts = {(h.lower().strip("[]"), int(p)) for h, p in allow_hosts}
        self._resolve = resolve

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if url.scheme not in ("http", "https"):
            raise UnsafeAddressError(f"refusing to fetch {url.scheme}: URLs", detail=str(url))
        host = url.host
        port = url.port or (443 if url.scheme == "https" else 80)
        exempt = self.allow_private or (host.lower(), port) in self.allow_hosts
        addresses = await asyncio.to_thread(check_address, host, port, allow_private=exempt,
                                            resolve=self._resolve)
        if url.scheme == "http" and _literal(host.strip("[]")) is None:
            # Connect to the address we checked, not to a fresh DNS answer (rebinding); the Host
            # header keeps the name. A copy, not a mutation: the client resolves relative redirects
            # against the original. HTTPS keeps the name so the certificate is checked against
            # it, which defeats rebinding there and keeps pooled TLS connections per name.
            request = httpx.Request(request.method, url.copy_with(host=addresses[0]),
                                    headers=request.headers, stream=request.stream,
                                    extensions=request.extensions)
        return await super().handle_async_request(request)
