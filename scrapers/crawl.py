"""The crawl orchestrator: frontier -> polite fetch -> WARC -> discovery -> extraction -> archive.

Concurrency is across hosts, never within one: a worker takes a whole host (one connection, the
host's delay) and up to ``concurrency`` hosts run at once. The order of effects for each URL is
what makes ``kill -9`` safe: the WARC record is written and fsynced, then the record is ingested,
then the frontier marks the URL settled. Dying anywhere before the last step leaves the URL
``in-progress``; the next run puts it back in the queue and fetches it again (its earlier WARC
copy, if any, is harmless; ingest is idempotent).

Extraction runs in warm worker processes (:mod:`scrapers.workers`; ``extract_workers``, default:
one more than the cores, at most four), so parsing does not hold the event loop's GIL; with
``extract_workers=0`` (the default on one core) it runs in a thread of
this process. The pool lives as long as the process and is shared by successive crawls, so its
start-up (spaCy, gazetteer, underthesea: seconds) is paid once and overlaps the first robots.txt
and listing fetches.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import httpx

from models.errors import InputError, StoreError
from models.record import Record
from models.text import canonical_url
from scrapers import discover
from scrapers.fetch import (
    ANY_TYPE,
    CRAWLER_NAME,
    CRAWLER_VERSION,
    DEFAULT_USER_AGENT,
    HTML_TYPES,
    XML_TYPES,
    Fetcher,
    FetchResult,
)
from scrapers.frontier import Entry, Frontier, host_of
from scrapers.robots import RobotsCache
from scrapers.warc import Stored, WarcWriter, repair_tail
from scrapers.workers import ExtractPool, extract_page, shared_pool

SCOPES = ("same-host", "same-domain", "list")
_HOST_QUANTUM = 50  # URLs a worker takes from one host before letting another host in
_INLINE_WARC_BYTES = 256 * 1024  # bigger exchanges are compressed in the writer thread


@dataclass
class CrawlOptions:
    seeds: list[str]
    db: Path
    warc_dir: Path
    max_pages: int | None = None
    delay: float = 1.0
    concurrency: int = 4
    scope: str = "same-host"
    since: date | None = None
    user_agent: str = DEFAULT_USER_AGENT
    warc_max_mb: float = 1024.0
    max_bytes: int = 8 * 1024 * 1024
    timeout: float = 20.0  # per phase (connect/read/write); pool waits twice as long
    deadline: float = 60.0  # whole response, however slowly it drips
    retries: int = 3
    backoff: float = 1.0
    max_retry_after: float = 120.0
    max_depth: int = 4  # for non-article links (sections, listings) away from a seed
    resolve: dict[str, tuple[str, int]] | None = None
    transport: httpx.AsyncBaseTransport | None = field(default=None, repr=False)
    progress: bool | None = None  # None: when stderr is a TTY
    fsync: bool = True
    extract_workers: int | None = None  # processes; None: cores + 1 (at most 4; one core: 0), 0: in a thread

    def validate(self) -> None:
        if not self.seeds:
            raise InputError("give at least one seed URL")
        for s in self.seeds:
            if not s.startswith(("http://", "https://")):
                raise InputError(f"not an http(s) URL: {s}")
        if self.scope not in SCOPES:
            raise InputError(f"unknown scope {self.scope!r}; one of: {', '.join(SCOPES)}")
        if self.concurrency < 1 or self.delay < 0 or (self.max_pages is not None and self.max_pages < 0):
            raise InputError("--concurrency must be >= 1, --delay >= 0, --max-pages >= 0")
        if self.extract_workers is not None and self.extract_workers < 0:
            raise InputError("extract_workers must be >= 0")

    def public(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("transport", "db", "warc_dir", "seeds", "progress"):
            d.pop(k, None)
        return d


class Crawler:
    def __init__(self, opts: CrawlOptions, *, on_event: Callable[[str, str, str | None], None] | None = None
                 ) -> None:
        opts.validate()
        self.o = opts
        self.on_event = on_event
        self.seed_hosts = {host_of(canonical_url(s)) for s in opts.seeds}
        self.seed_domains = {discover.site_domain(s) for s in opts.seeds}
        self.queues: dict[str, deque[Entry]] = {}
        self.busy: set[str] = set()
        self.active = 0
        self.wake = asyncio.Event()
        self.budget = opts.max_pages
        self.hosts_seen: set[str] = set()
        self.errors = 0
        self.done = 0
        self.stop = False
        self.noted_files: set[str] = set()  # WARC files already in crawl_files
        self.fresh: set[str] = set()  # URLs first inserted into the frontier by this process
        self.extract_cpu = 0.0  # CPU seconds spent in the extractor (benchmarks separate it out)

    # -- scope and queue -----------------------------------------------------------------------

    def _in_scope(self, url: str) -> bool:
        if self.o.scope == "same-host":
            return host_of(url) in self.seed_hosts
        if self.o.scope == "same-domain":
            return discover.site_domain(url) in self.seed_domains
        return False  # list: only the seeds themselves

    def _host_in_scope(self, host: str) -> bool:
        """Whether this run owns a host's queued URLs (a re-crawl revisits only those)."""
        return self._in_scope(f"http://{host}/")

    def _enqueue(self, entries: list[Entry]) -> None:
        self._queue_new(self.frontier.add(entries))

    def _queue_new(self, added: list[Entry]) -> None:
        for e in added:
            if e.state == "queued":
                self.queues.setdefault(host_of(e.url), deque()).append(e)
                self.fresh.add(e.url)
        self.wake.set()

    def _links_to_entries(self, links: list[discover.Link], source: str, depth: int) -> list[Entry]:
        out: list[Entry] = []
        for link in links:
            listed = link.listed.isoformat() if link.listed else None
            if link.kind == "skip":
                out.append(Entry(link.url, "page", depth + 1, source, listed, "skipped", link.reason))
            elif not self._in_scope(link.url):
                # Off-site links are only worth a row when they looked like articles.
                if link.kind == "page":
                    out.append(Entry(link.url, link.kind, depth + 1, source, listed, "skipped", "scope"))
            elif link.kind == "listing" and depth + 1 > self.o.max_depth:
                continue
            else:
                out.append(Entry(link.url, link.kind, depth + 1, source, listed))
        return out

    def _seed_entries(self) -> list[Entry]:
        entries: list[Entry] = []
        for s in self.o.seeds:
            url = canonical_url(s)
            kind = "page" if discover.looks_like_article(url) else "listing"
            if url.endswith(".xml") or "sitemap" in url:
                kind = "sitemap"
            elif discover.filter_reason(url) is None and url.endswith((".rss", "/rss", "/feed")):
                kind = "feed"
            entries.append(Entry(url, kind, 0))
        return entries

    async def _host_setup(self, url: str) -> None:
        """First visit to a host: robots.txt sitemaps and the site profile's entry points."""
        host = host_of(url)
        if host in self.hosts_seen or self.o.scope == "list":
            return
        self.hosts_seen.add(host)
        extra: list[Entry] = []
        rules = await self.robots.rules(url)
        for sm in rules.sitemaps:
            sm_url = canonical_url(sm)
            if self._in_scope(sm_url):
                extra.append(Entry(sm_url, "sitemap", 1, f"{discover.urlsplit(url).scheme}://{host}/robots.txt"))
        profile = _site_profile(host)
        if profile is not None:
            for kind, urls in (("listing", profile.listings), ("sitemap", profile.sitemaps),
                               ("feed", profile.feeds)):
                for u in urls:
                    cu = canonical_url(u)
                    if self._in_scope(cu):
                        extra.append(Entry(cu, kind, 0, "site-profile"))
        if extra:
            self._enqueue(extra)

    # -- the run -------------------------------------------------------------------------------

    async def run(self) -> dict[str, Any]:
        """Crawl until the frontier is empty or --max-pages; returns the run summary."""
        try:  # floor 2; imported here so `vnnews frontier` stays light
            from archive import Archive
        except ImportError:
            from archive.store import Archive

        started = time.monotonic()
        self.frontier = Frontier(self.o.db)
        try:
            run_id, resumed = self.frontier.start_run(self.o.seeds, self.o.public(),
                                                      f"{CRAWLER_NAME}/{CRAWLER_VERSION}", self._host_in_scope)
            for path in self.frontier.open_files():
                if Path(path).exists():
                    repair_tail(path)
                self.frontier.close_file(path)
            if self.budget is not None:
                self.budget -= self._spent(run_id)
            self.archive = Archive(self.o.db)
            self.warc = WarcWriter(self.o.warc_dir, max_bytes=int(self.o.warc_max_mb * 1024 * 1024),
                                   info={"operator": self.o.user_agent, "robots": "obey",
                                         "description": f"vnnews crawl run {run_id}: {' '.join(self.o.seeds)}"},
                                   sync=self.o.fsync)
            self.io = ThreadPoolExecutor(1, thread_name_prefix="warc")
            self.pool = extraction_pool(self.o.extract_workers)
            self.cpu = ThreadPoolExecutor(1, thread_name_prefix="extract") if self.pool is None else None
            self.fetcher = Fetcher(
                user_agent=self.o.user_agent, delay=self.o.delay,
                timeout=httpx.Timeout(self.o.timeout, connect=min(10.0, self.o.timeout), pool=2 * self.o.timeout),
                deadline=self.o.deadline, max_bytes=self.o.max_bytes, retries=self.o.retries,
                backoff=self.o.backoff, max_retry_after=self.o.max_retry_after,
                max_connections=max(4, 2 * self.o.concurrency), transport=self.o.transport, resolve=self.o.resolve)
            self.robots = RobotsCache(self.fetcher, self.o.user_agent, on_fetch=self._keep_robots)
            try:
                seeds = self._seed_entries()
                self._enqueue(seeds)
                for e in seeds:
                    if self.frontier.requeue(e.url, e.kind):
                        self.queues.setdefault(host_of(e.url), deque()).append(e)
                have = {e.url for q in self.queues.values() for e in q}
                for row in self.frontier.queued():
                    if row["url"] not in have and self._host_in_scope(host_of(row["url"])):
                        e = Entry(row["url"], row["kind"], row["depth"], row["source"], row["listed_date"])
                        self.queues.setdefault(host_of(e.url), deque()).append(e)
                # Discovery before articles: listings, sitemaps and feeds feed the queue.
                for host, q in self.queues.items():
                    self.queues[host] = deque(sorted(q, key=lambda e: e.kind == "page"))
                with _Progress(self) as progress:
                    self.progress = progress
                    try:  # a worker that fails stops its siblings before anything is closed
                        async with asyncio.TaskGroup() as tg:
                            for _ in range(self.o.concurrency):
                                tg.create_task(self._worker())
                    except* StoreError as group:
                        raise group.exceptions[0] from None
            finally:
                await self.fetcher.aclose()
                if self.cpu is not None:
                    self.cpu.shutdown(wait=True)
                await asyncio.get_running_loop().run_in_executor(self.io, self.warc.close)
                self.io.shutdown(wait=True)
                for path in self.warc.files:
                    self.frontier.close_file(path)
                self.archive.close()
            summary = self.frontier.run_summary()
            summary.update(resumed=resumed, seconds=round(time.monotonic() - started, 2),
                           extract_cpu_seconds=round(self.extract_cpu, 3),
                           warc_files=self.warc.files,
                           queued=sum(len(q) for q in self.queues.values()))
            self.frontier.finish_run(summary)
            return summary
        finally:
            self.frontier.close()

    def _spent(self, run_id: int) -> int:
        row = self.frontier.db.execute(
            "SELECT count(*) FROM crawl_urls WHERE run_id=? AND state IN ('fetched','not-modified','failed')"
            " OR (run_id=? AND state='skipped' AND reason IN ('size','type'))", (run_id, run_id)).fetchone()
        return int(row[0])

    def _keep_robots(self, result: FetchResult) -> None:
        # robots.txt exchanges are part of the capture too (synchronously: rare and small).
        if result.exchanges:
            self.warc.write_exchanges(result.exchanges)
            self._note_files()

    def _note_files(self) -> None:
        # One row per WARC file, written once: the INSERT OR IGNORE per exchange it replaces cost a
        # WAL commit per request.
        current = self.warc.current
        if current and current not in self.noted_files:
            self.frontier.add_file(current)
            self.noted_files.add(current)

    def _pick_host(self) -> str | None:
        best, best_at = None, float("inf")
        for host, q in self.queues.items():
            if q and host not in self.busy:
                h = self.fetcher.hosts.get(host)
                at = h.next_at if h else 0.0
                if at < best_at:
                    best, best_at = host, at
        return best

    async def _worker(self) -> None:
        while True:
            if self.stop or (self.budget is not None and self.budget <= 0):
                return
            host = self._pick_host()
            if host is None:
                if self.active == 0:
                    self.wake.set()
                    return
                self.wake.clear()
                await self.wake.wait()
                continue
            self.busy.add(host)
            self.active += 1
            try:
                q = self.queues[host]
                for _ in range(_HOST_QUANTUM):
                    if not q or self.stop or (self.budget is not None and self.budget <= 0):
                        break
                    entry = q.popleft()
                    try:
                        await self._process(entry)
                    except (StoreError, asyncio.CancelledError):
                        raise  # the archive refused: stop, the run stays resumable
                    except Exception as e:  # noqa: BLE001 - one odd page must not end a long crawl
                        self._settle(entry.url, "failed", f"crawler-error: {type(e).__name__}: {e}"[:300],
                                     time.monotonic())
            finally:
                self.busy.discard(host)
                self.active -= 1
                self.wake.set()

    async def _check(self, url: str) -> str | None:
        """Vet a redirect target like a discovered link."""
        cu = canonical_url(url)
        if not self._in_scope(cu) and host_of(cu) not in self.seed_hosts:
            return "scope"
        if discover.filter_reason(cu):
            return "filter"
        if not await self.robots.allowed(cu):
            return "robots"
        return None

    async def _process(self, e: Entry) -> None:
        url = e.url
        t0 = time.monotonic()
        await self._host_setup(url)
        if not await self.robots.allowed(url):
            self._settle(url, "skipped", "robots", t0)
            return
        # No "in-progress" write here: a URL killed in flight is simply still queued, and one
        # transaction per URL (the settle) is all a crash-safe frontier needs.
        # A URL this run discovered has no earlier capture to revalidate: no need to look it up.
        row = None if url in self.fresh else self.frontier.get(url)
        if self.budget is not None:
            self.budget -= 1
        revisit = row is not None and row["payload_digest"] and row["warc_record_id"]
        accept = HTML_TYPES if e.kind in ("page", "listing") else (*XML_TYPES, *HTML_TYPES, "text/plain")
        result = await self.fetcher.fetch(
            url, accept=accept if e.kind != "other" else ANY_TYPE,
            etag=row["etag"] if revisit else None, last_modified=row["last_modified"] if revisit else None,
            check=self._check)
        loop = asyncio.get_running_loop()
        common: dict[str, Any] = {"attempts": result.attempts, "http_status": result.status,
                                  "final_url": result.final_url if result.final_url != url else None}
        stored: list[Stored] = []
        if result.outcome == "not-modified":
            exchanges, last = result.exchanges[:-1], result.exchanges[-1]
            if exchanges:
                await self._write(exchanges)
            ref = Stored(row["warc_path"], row["warc_offset"], row["warc_record_id"], row["warc_date"],
                         row["payload_digest"])
            self.warc.write_revisit(last, refers_to=ref, refers_to_uri=result.final_url,
                                    payload_digest=row["payload_digest"], sync=False)
            await self._durable()
            self._settle(url, "not-modified", None, t0, **common)
            return
        if result.exchanges:
            stored = await self._write(result.exchanges)
        if result.outcome != "fetched":
            self._settle(url, result.outcome, result.reason, t0, **common)
            return
        final = stored[-1]
        fields: dict[str, Any] = {
            **common, "etag": result.headers.get("etag"), "last_modified": result.headers.get("last-modified"),
            "payload_digest": final.payload_digest, "warc_path": final.path, "warc_offset": final.offset,
            "warc_record_id": final.record_id, "warc_date": final.date,
        }
        reason = None
        found: list[Entry] = []  # links it leads to: stored with its settle, in one transaction
        ctype = result.content_type
        is_html = ctype in HTML_TYPES or (not ctype and b"<html" in result.body[:2048].lower())
        if is_html and e.kind != "page" and self.o.scope != "list":
            # Articles are leaves: their sidebars and menus lead to more of the same portal, which
            # the listings, sitemaps and feeds already cover (and old sidebars to many dead links).
            links, _ = discover.links_from_html(result.body, result.final_url, since=self.o.since)
            found = self._links_to_entries(links, url, e.depth)
        elif not is_html:
            links = discover.parse_xml_links(result.body, result.final_url, since=self.o.since)
            found = self._links_to_entries(links, url, e.depth)
        if is_html and (e.kind == "page" or discover.is_article_page(result.body)):
            charset = _charset(result.headers.get("content-type"))
            fetched_at = _iso(final.date)
            try:
                if self.pool is not None:
                    doc, reason, cpu = await self.pool.run(result.body, result.final_url, charset, fetched_at)
                else:
                    doc, reason, cpu = await loop.run_in_executor(self.cpu, extract_page, result.body,
                                                                  result.final_url, charset, fetched_at)
                self.extract_cpu += cpu
                record = Record.model_validate_json(doc) if doc is not None else None
            except Exception as err:  # noqa: BLE001 - an extractor bug must not stop the crawl
                record, reason = None, f"extract: {type(err).__name__}: {err}"[:300]
            if record is not None:
                fields["ingest"] = self.archive.ingest(record, warc_path=final.path, warc_offset=final.offset)
                fields["record_id"] = record.id
                fields["facts"] = len(record.facts)
        self._settle(url, "fetched", reason, t0, found=found, **fields)

    async def _write(self, exchanges: list[Any]) -> list[Stored]:
        """Exchanges into the WARC, durable (fsynced, when the crawl syncs) before this returns.

        Pages are compressed and written right here (a fraction of a millisecond: cheaper than a
        hop to the writer thread); only the fsync, and a rare big body, go to that thread."""
        if sum(len(ex.raw_body) for ex in exchanges) > _INLINE_WARC_BYTES:
            stored = await asyncio.get_running_loop().run_in_executor(
                self.io, lambda: self.warc.write_exchanges(exchanges, sync=False))
        else:
            stored = self.warc.write_exchanges(exchanges, sync=False)
        await self._durable()
        return stored

    async def _durable(self) -> None:
        self._note_files()
        if self.o.fsync:
            await asyncio.get_running_loop().run_in_executor(self.io, self.warc.sync_through, self.warc.written)

    def _settle(self, url: str, state: str, reason: str | None, t0: float, found: list[Entry] | None = None,
                **fields: Any) -> None:
        added = self.frontier.settle(url, state, reason, ms=int((time.monotonic() - t0) * 1000), found=found,
                                     **fields)
        if found:
            self._queue_new(added)
        self.done += 1
        if state == "failed":
            self.errors += 1
        if self.on_event is not None:
            self.on_event(url, state, reason)
        if getattr(self, "progress", None) is not None:
            self.progress.update()


@lru_cache(maxsize=256)
def _charset(content_type: str | None) -> str | None:
    # Cached: a portal sends the same few Content-Type values, and parsing one with the email
    # package costs more than the rest of the page's bookkeeping.
    from scrapers.inputs import charset_of

    return charset_of(content_type)


# -- the extraction pool -----------------------------------------------------------------------

def extraction_pool(workers: int | None) -> ExtractPool | None:
    """The warm worker processes pages are extracted in (None: extract in a thread of this
    process). Default: one more than the cores, at most four; one core: a thread. The event loop
    waits on sockets and the disk part of the time, so a worker per core left a core idle: on two
    cores, 1 worker gave 50 articles/s, 2 gave 64-69 and 3 gave 73 (bench/crawl.py), for about 2 s
    more start-up (the workers load spaCy and underthesea at the same time) and 235 MB each."""
    if workers is None:
        cores = os.cpu_count() or 1
        workers = 0 if cores < 2 else min(4, cores + 1)
    return shared_pool(workers) if workers > 0 else None


def _iso(warc_date: str) -> str:
    dt = datetime.fromisoformat(warc_date.removesuffix("Z")).replace(tzinfo=UTC)
    return dt.replace(microsecond=0).isoformat()


def _site_profile(host: str) -> Any:
    try:
        from extractor.sites import profile_for
    except ImportError:  # registry not shipped: generic discovery only
        return None
    return profile_for(host.split(":")[0])


class _Progress:
    """A rich progress line on stderr (pages, pages/s, queue per host, errors) when it is a TTY."""

    def __init__(self, crawler: Crawler) -> None:
        self.c = crawler
        enabled = crawler.o.progress if crawler.o.progress is not None else sys.stderr.isatty()
        self.bar = None
        self.started = time.monotonic()
        if enabled:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("[bold]crawl[/]"), BarColumn(), TextColumn("{task.completed} done"),
                                TextColumn("{task.fields[rate]} p/s"), TextColumn("errors {task.fields[errors]}"),
                                TextColumn("{task.fields[queues]}"), TimeElapsedColumn(),
                                console=Console(stderr=True), transient=False)
            self.task = self.bar.add_task("crawl", total=None, rate="0", errors=0, queues="")
        self.last = 0.0

    def __enter__(self) -> _Progress:
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.update(force=True)
            self.bar.stop()

    def update(self, force: bool = False) -> None:
        if self.bar is None:
            return
        now = time.monotonic()
        if not force and now - self.last < 0.2:
            return
        self.last = now
        queued = sorted(((len(q), h) for h, q in self.c.queues.items() if q), reverse=True)[:3]
        total = sum(len(q) for q in self.c.queues.values())
        rate = self.c.done / max(now - self.started, 1e-6)
        self.bar.update(self.task, completed=self.c.done, rate=f"{rate:.0f}", errors=self.c.errors,
                        queues=f"queued {total}: " + ", ".join(f"{h} {n}" for n, h in queued))


def crawl(opts: CrawlOptions) -> dict[str, Any]:
    """Run a crawl to completion (or --max-pages) and return its summary."""
    return asyncio.run(Crawler(opts).run())


def summary_table(summary: dict[str, Any]) -> Any:
    """The end-of-crawl table: URLs by state and reason, records, facts."""
    from rich.table import Table

    t = Table(title=f"crawl run {summary['run']}" + (" (resumed)" if summary.get("resumed") else ""))
    t.add_column("what")
    t.add_column("reason")
    t.add_column("count", justify="right")
    states = summary["states"]
    for state in ("fetched", "not-modified", "skipped", "failed", "queued", "in-progress"):
        for reason, n in sorted(states.get(state, {}).items()):
            t.add_row(state, reason or "", str(n))
    records = summary.get("records", {})
    for k in ("new", "updated", "unchanged"):
        t.add_row("records", k, str(records.get(k, 0)))
    if summary.get("queued"):
        t.add_row("queued", "left for the next run", str(summary["queued"]))
    t.add_row("facts found", "", str(summary.get("facts", 0)))
    t.add_row("seconds", "", str(summary.get("seconds", "")))
    return t
