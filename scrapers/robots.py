"""robots.txt per origin, parsed with protego, fetched once through the polite fetcher.

RFC 9309 decides what an unreadable robots.txt means: 4xx = no rules (crawl), 5xx or no answer =
"unreachable", which means complete disallow — a portal whose robots.txt is down gets no traffic
from us. A Crawl-delay raises the fetcher's gap for that host.

An origin the SSRF guard refuses is not "unreachable": its robots.txt was never asked for. The
guard's :class:`UnsafeAddressError` propagates from :meth:`RobotsCache.rules` and
:meth:`RobotsCache.allowed` (and is cached for the origin like any answer), so a caller reports the
refusal (403) instead of "disallowed by robots.txt".
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from protego import Protego

from models.errors import UnsafeAddressError
from scrapers.fetch import ANY_TYPE, Fetcher, FetchResult

ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309: parse at least 500 KiB


@dataclass(slots=True)
class RobotsRules:
    parser: Protego | None  # None: no usable file
    disallow_all: bool = False
    crawl_delay: float | None = None
    sitemaps: list[str] = field(default_factory=list)
    status: str = ""  # for logs: "200", "404", "unreachable (timeout)"
    error: BaseException | None = None  # why it was unreachable, when an exception says it


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _refusal(result: FetchResult) -> UnsafeAddressError | None:
    """The guard's refusal behind a failed fetch (httpx may wrap it), or None."""
    e: BaseException | None = result.error
    for _ in range(5):
        if e is None:
            break
        if isinstance(e, UnsafeAddressError):
            return e
        e = e.__cause__ or e.__context__
    if result.reason and result.reason.startswith("unsafe"):
        return UnsafeAddressError(f"{result.url}: {result.reason}")
    return None


def _agent_token(user_agent: str) -> str:
    return user_agent.split("/")[0].split()[0] or "*"


class RobotsCache:
    """One RobotsRules per origin; concurrent callers share one fetch."""

    def __init__(self, fetcher: Fetcher, user_agent: str,
                 on_fetch: Callable[[FetchResult], None] | None = None) -> None:
        self.fetcher = fetcher
        self.agent = _agent_token(user_agent)
        self.on_fetch = on_fetch
        self._rules: dict[str, asyncio.Future[RobotsRules]] = {}

    async def rules(self, url: str) -> RobotsRules:
        key = origin(url)
        fut = self._rules.get(key)
        if fut is None:
            fut = self._rules[key] = asyncio.get_running_loop().create_future()
            try:
                fut.set_result(await self._load(key))
            except BaseException as e:  # never leave waiters hanging
                fut.set_exception(e)
                fut.exception()  # raised right here: asyncio must not also log it as "never retrieved"
                raise
        return await asyncio.shield(fut)

    async def _load(self, key: str) -> RobotsRules:
        result = await self.fetcher.fetch(f"{key}/robots.txt", accept=ANY_TYPE, max_bytes=ROBOTS_MAX_BYTES)
        if self.on_fetch is not None:
            self.on_fetch(result)
        refused = _refusal(result)
        if refused is not None:
            raise refused
        if result.ok:
            text = result.body.decode("utf-8", "replace")
            parser = Protego.parse(text)
            delay = parser.crawl_delay(self.agent)
            rules = RobotsRules(parser, crawl_delay=float(delay) if delay is not None else None,
                                sitemaps=list(parser.sitemaps), status=str(result.status))
        elif result.status is not None and 400 <= result.status < 500:
            rules = RobotsRules(None, status=str(result.status))
        elif result.outcome == "skipped" and result.reason == "size":
            rules = RobotsRules(None, status="too large")
        else:
            rules = RobotsRules(None, disallow_all=True, status=f"unreachable ({result.reason})",
                                error=result.error)
        if rules.crawl_delay is not None:
            self.fetcher.set_host_delay(key, rules.crawl_delay)
        return rules

    async def allowed(self, url: str) -> bool:
        rules = await self.rules(url)
        if rules.disallow_all:
            return False
        if rules.parser is None:
            return True
        return bool(rules.parser.can_fetch(url, self.agent))
