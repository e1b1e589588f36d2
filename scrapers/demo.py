"""The demo: the bundled corpus served as local portals, crawled into an archive, summarised.

Every corpus page keeps the URL it was written for (its gold ``url``). Pages are grouped by that
URL's host; each host becomes a portal on its own loopback address (127.0.0.2, .3, ...) with a home
page, paginated listing pages, ``sitemap.xml``, ``rss.xml`` and a ``robots.txt`` with a Disallow
and ``Crawl-delay: 0``, all generated on the fly from ``corpus/demo_site/layout.toml``. Pages go
out byte for byte with their real charset (windows-1258 included) and answer conditional GETs, so
a second run produces revisit records. The crawler reaches the portals under their real names
through a ``--resolve``-style map (name -> local address), so records carry the original URLs and
the site registry places them as it would on the real web; the WARC records name the loopback
address they were served from.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from models.errors import InputError
from models.text import canonical_url

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@dataclass(slots=True)
class Article:
    url: str  # the original URL, scheme included (a portal may mix http and https links)
    path: str  # path + query, as in the original URL
    title: str
    published: str  # ISO date(-time)
    body: bytes
    charset: str
    etag: str = ""
    last_modified: str = ""


@dataclass(slots=True)
class Portal:
    host: str
    scheme: str
    name: str
    listing_path: str
    articles: list[Article] = field(default_factory=list)
    by_path: dict[str, Article] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.host}"


def _layout() -> dict[str, Any]:
    return tomllib.loads((CORPUS / "demo_site" / "layout.toml").read_text("utf-8"))


def load_portals(corpus: Path = CORPUS, *, copies: int = 1) -> list[Portal]:
    """Portals built from ``corpus/gold/*.json`` + ``corpus/pages/*.html``.

    ``copies`` > 1 serves each page again under ``/ban-sao-K/...`` paths (benchmarks need volume)."""
    from extractor.sites import profile_for

    layout = _layout()
    portals: dict[str, Portal] = {}
    for gold_path in sorted((corpus / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text("utf-8"))
        page = corpus / "pages" / f"{gold_path.stem}.html"
        if not page.exists() or not gold.get("url"):
            continue
        parts = urlsplit(gold["url"])
        host = (parts.hostname or "").lower()
        portal = portals.get(host)
        if portal is None:
            profile = profile_for(host)
            listing = next((urlsplit(u).path for u in (profile.listings if profile else [])
                            if (urlsplit(u).hostname or "").lower() == host and urlsplit(u).path not in ("", "/")),
                           layout["listing_path"])
            name = profile.name if profile and profile.host == host and profile.name else host
            portal = portals[host] = Portal(host, parts.scheme or "https", name, listing)
        body = page.read_bytes()
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        for k in range(copies):
            p = path if k == 0 else f"/ban-sao-{k}{path}"
            art = Article(f"{parts.scheme}://{parts.netloc}{p}", p, gold.get("title") or p, gold.get("published") or "2020-01-01", body,
                          gold.get("encoding") or "utf-8")
            art.etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
            when = datetime.fromisoformat(art.published if "T" in art.published else art.published + "T00:00:00+07:00")
            art.last_modified = _http_date(when)
            portal.articles.append(art)
            portal.by_path[_key(p)] = art
    if not portals:
        raise InputError(f"{corpus}: no corpus pages with gold URLs to serve")
    for portal in portals.values():
        portal.articles.sort(key=lambda a: a.published, reverse=True)
    return list(portals.values())


def _key(target: str) -> str:
    """Path and query as a crawler may respell them (query sorted, characters escaped)."""
    return canonical_url("http://h" + target)[len("http://h"):]


def _http_date(when: datetime) -> str:
    from datetime import UTC

    return format_datetime(when.astimezone(UTC), usegmt=True)


def _day(iso: str) -> str:
    y, m, d = iso[:10].split("-")
    return f"{d}/{m}/{y}"


class DemoServer:
    """All portals, each listening on its own 127.0.0.x address, served from one background loop."""

    def __init__(self, portals: list[Portal], *, port: int = 0) -> None:
        self.portals = portals
        self.port = port
        self.layout = _layout()
        self.by_host = {p.host: p for p in portals}
        self.addresses: dict[str, tuple[str, int]] = {}
        self.requests = 0
        self._first = 2  # 127.0.0.1 stays free for whatever else runs here
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True, name="demo-portals")
        self._servers: list[asyncio.Server] = []

    def __enter__(self) -> DemoServer:
        self._thread.start()
        try:
            asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(30)
        except OSError as e:
            self.__exit__()
            raise InputError(f"cannot serve the demo portals on port {self.port}: {e.strerror or e}") from None
        return self

    def __exit__(self, *exc: object) -> None:
        async def _stop() -> None:
            for s in self._servers:
                s.close()

        asyncio.run_coroutine_threadsafe(_stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    async def _start(self) -> None:
        for i, portal in enumerate(self.portals):
            high, low = divmod(i, 253)
            addr = f"127.0.{high}.{low + self._first}"
            server = await asyncio.start_server(self._conn, addr, self.port, reuse_address=True)
            self._servers.append(server)
            self.addresses[portal.host] = (addr, server.sockets[0].getsockname()[1])

    def seeds(self) -> list[str]:
        return [f"{p.origin}/" for p in self.portals]

    async def _conn(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                line = await reader.readline()
                if not line.strip():
                    break
                method, target, _ = line.decode("latin-1").split(" ", 2)
                headers: dict[str, str] = {}
                while (h := await reader.readline()) not in (b"\r\n", b"\n", b""):
                    k, _, v = h.decode("latin-1").partition(":")
                    headers[k.strip().lower()] = v.strip()
                self.requests += 1
                status, ctype, body, extra = self.route(headers.get("host", ""), target, headers)
                head = [f"HTTP/1.1 {status} {_REASON.get(status, 'OK')}", "Server: vnnews-demo",
                        f"Content-Length: {len(body)}"]
                if ctype:
                    head.append(f"Content-Type: {ctype}")
                head += [f"{k}: {v}" for k, v in extra]
                writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + (b"" if method == "HEAD" else body))
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    break
        except (ConnectionError, ValueError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    def route(self, host_header: str, target: str, headers: dict[str, str]
              ) -> tuple[int, str | None, bytes, list[tuple[str, str]]]:
        portal = self.by_host.get(host_header.split(":")[0].lower())
        if portal is None:
            return 404, "text/plain; charset=utf-8", b"unknown portal", []
        parts = urlsplit(target)
        path = parts.path
        lay = self.layout
        art = portal.by_path.get(_key(target))
        if art is not None:
            extra = [("ETag", art.etag), ("Last-Modified", art.last_modified)]
            if headers.get("if-none-match") == art.etag or (
                    "if-none-match" not in headers and headers.get("if-modified-since") == art.last_modified):
                return 304, None, b"", extra
            return 200, f"text/html; charset={art.charset}", art.body, extra
        if path == "/robots.txt":
            return 200, "text/plain; charset=utf-8", lay["robots"].format(origin=portal.origin).encode(), []
        if path == "/":
            items = "".join(self._item(a) for a in portal.articles[: lay["per_page"]])
            return self._page(lay["home"].format(site_name=escape(portal.name), items=items,
                                                 listing_path=portal.listing_path), headers)
        if path == portal.listing_path:
            return self._listing(portal, parts.query, headers)
        if path == "/sitemap.xml":
            urls = "".join(f"<url><loc>{escape(a.url)}</loc><lastmod>{a.published[:10]}</lastmod></url>"
                           for a in portal.articles)
            xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                   f"{urls}</urlset>")
            return self._page(xml, headers, "application/xml; charset=utf-8")
        if path == "/rss.xml":
            items = "".join(f"<item><title>{escape(a.title)}</title><link>{escape(a.url)}</link>"
                            f"<pubDate>{_http_date(datetime.fromisoformat(a.published if 'T' in a.published else a.published + 'T00:00:00+07:00'))}</pubDate></item>"
                            for a in portal.articles[:20])
            xml = (f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>{escape(portal.name)}'
                   f"</title><link>{portal.origin}/</link>{items}</channel></rss>")
            return self._page(xml, headers, "application/rss+xml; charset=utf-8")
        return 404, "text/html; charset=utf-8", b"<html><body><h1>404 - Kh\xc3\xb4ng t\xc3\xacm th\xe1\xba\xa5y trang</h1></body></html>", []

    def _item(self, a: Article) -> str:
        return self.layout["item"].format(url=escape(a.url), path=escape(a.path), title=escape(a.title),
                                          day=_day(a.published))

    def _listing(self, portal: Portal, query: str, headers: dict[str, str]
                 ) -> tuple[int, str | None, bytes, list[tuple[str, str]]]:
        per = self.layout["per_page"]
        pages = max(1, -(-len(portal.articles) // per))
        try:
            page = int(parse_qs(query).get("page", ["1"])[0])
        except ValueError:
            page = 0
        if not 1 <= page <= pages:
            return 404, "text/html; charset=utf-8", b"<html><body>404</body></html>", []
        items = "".join(self._item(a) for a in portal.articles[(page - 1) * per: page * per])
        lp = portal.listing_path
        pager = " ".join(f"<a href=\"{lp}?page={n}\">{n}</a>" if n != page else f"<b>{n}</b>"
                         for n in range(1, pages + 1))
        if page < pages:
            pager += f' <a href="{lp}?page={page + 1}">Trang sau</a>'
        html = self.layout["listing"].format(site_name=escape(portal.name), page=page, items=items, pager=pager,
                                             origin=portal.origin, listing_path=lp)
        return self._page(html, headers)

    @staticmethod
    def _page(text: str, headers: dict[str, str], ctype: str = "text/html; charset=utf-8"
              ) -> tuple[int, str | None, bytes, list[tuple[str, str]]]:
        body = text.encode("utf-8")
        etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
        if headers.get("if-none-match") == etag:
            return 304, None, b"", [("ETag", etag)]
        return 200, ctype, body, [("ETag", etag)]


_REASON = {200: "OK", 304: "Not Modified", 404: "Not Found"}


def run_demo(*, db: Path, warc_dir: Path, port: int = 0, console: Any = None,
             corpus: Path = CORPUS) -> dict[str, Any]:
    """Serve the corpus portals, crawl them with no delay, print the summary and figures."""
    from rich.console import Console

    from scrapers.crawl import Crawler, CrawlOptions, summary_table

    console = console or Console()
    portals = load_portals(corpus)
    with DemoServer(portals, port=port) as server:
        console.print(f"[bold]demo:[/] {sum(len(p.articles) for p in portals)} corpus pages as "
                      f"{len(portals)} portals on 127.0.0.2-{server.addresses[portals[-1].host][0]}")
        opts = CrawlOptions(seeds=server.seeds(), db=db, warc_dir=warc_dir, delay=0.0, concurrency=8,
                            resolve=server.addresses, timeout=10.0, deadline=30.0, retries=2, backoff=0.2)
        summary = asyncio.run(Crawler(opts).run())
    console.print(summary_table(summary))
    console.print(figures_table(db))
    console.print(f"\nBrowse and search the archive:\n  vnnews serve --db {db}")
    return summary


def figures_table(db: Path) -> Any:
    """Headline figures per district and year, from the archive's aggregates."""
    from rich.table import Table

    try:
        from archive import Archive
    except ImportError:
        from archive.store import Archive

    table = Table(title="figures per place and year (new members / transfers / badges)")
    for col in ("province", "district", "year", "new_members", "transfers", "badges"):
        table.add_column(col, justify="right" if col not in ("province", "district") else "left")
    merged: dict[tuple[str, str, str], dict[str, Any]] = defaultdict(dict)
    with Archive(db) as archive:
        for kind in ("new_members", "transfers", "badges"):
            result = archive.stats(kind, by="district", per="year")
            for row in getattr(result, "rows", result):
                r = row if isinstance(row, dict) else dict(row)
                key = (str(r.get("province") or ""), str(r.get("district") or ""), str(r.get("year") or ""))
                merged[key][kind] = r.get("total")
    for (prov, dist, year), vals in sorted(merged.items()):
        table.add_row(prov, dist, year, *(str(vals.get(k, "")) for k in ("new_members", "transfers", "badges")))
    return table
