"""kill -9 in the middle of a crawl, then resume: nothing lost, nothing stored twice, nothing refetched.

The crawler runs in a forked child process (so it starts with the extractor already loaded) and is
killed with SIGKILL while pages are in flight; the same crawl then resumes in this process.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

from helpers_crawl import Portal, serve, warm_extractor

from scrapers.crawl import Crawler, CrawlOptions

ROOT = Path(__file__).resolve().parents[1]


def _opts(servers: list, tmp: Path) -> CrawlOptions:
    return CrawlOptions(seeds=[s.url("/") for s in servers], db=tmp / "archive.db", warc_dir=tmp / "warc",
                        delay=0.01, concurrency=2, timeout=2.0, deadline=5.0, retries=2, backoff=0.05,
                        progress=False)


def _child(opts: CrawlOptions) -> None:
    asyncio.run(Crawler(opts).run())
    os._exit(0)


def _fetched(db_path: Path) -> int:
    try:
        with sqlite3.connect(db_path, timeout=5) as db:
            return db.execute("SELECT count(*) FROM crawl_urls WHERE state='fetched' AND kind='page'").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def _stat(pid: int) -> list[str] | None:
    try:  # "pid (comm) state ppid ...": comm may hold spaces and parentheses
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _alive(pid: int) -> bool:
    fields = _stat(pid)
    return fields is not None and fields[0] not in ("Z", "X")


def _live_children(pid: int) -> list[int]:
    if not Path("/proc").is_dir():
        return []
    return [int(d.name) for d in Path("/proc").iterdir()
            if d.name.isdigit() and (f := _stat(int(d.name))) and f[1] == str(pid) and f[0] not in ("Z", "X")]


def test_kill_9_then_resume_loses_nothing_and_refetches_nothing(tmp_path):
    warm_extractor()  # loaded before the fork, so the child crawls at once
    portals = [Portal("xa-e", 60, cp1258_every=9), Portal("xa-f", 60)]
    servers = [serve(p, f"127.0.0.{6 + i}") for i, p in enumerate(portals)]
    try:
        opts = _opts(servers, tmp_path)
        child = multiprocessing.get_context("fork").Process(target=_child, args=(opts,))
        child.start()
        deadline = time.monotonic() + 60
        while _fetched(tmp_path / "archive.db") < 25 and time.monotonic() < deadline and child.is_alive():
            time.sleep(0.02)
        assert child.is_alive(), "the crawl finished before it could be killed"
        helpers = _live_children(child.pid)  # the extraction worker processes
        assert helpers or not Path("/proc").is_dir() or (os.cpu_count() or 1) < 2
        os.kill(child.pid, signal.SIGKILL)
        child.join(10)
        assert child.exitcode == -signal.SIGKILL
        # the orphaned extraction workers notice and leave: a killed crawl leaves no processes behind
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in helpers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in helpers if _alive(pid)]

        with sqlite3.connect(tmp_path / "archive.db") as db:
            stored = {u for (u,) in db.execute("SELECT url FROM crawl_urls WHERE state='fetched'")}
        assert len(stored) >= 25
        hits_before = {s.base: dict(p.hits) for s, p in zip(servers, portals, strict=True)}

        summary = asyncio.run(Crawler(_opts(servers, tmp_path)).run())
        assert summary["resumed"]

        db = sqlite3.connect(tmp_path / "archive.db")
        states = dict(db.execute("SELECT state, count(*) FROM crawl_urls GROUP BY state").fetchall())
        assert "queued" not in states and "in-progress" not in states
        # every article is in the archive exactly once
        want = {s.url(a.path) for s, p in zip(servers, portals, strict=True) for a in p.articles}
        rows = db.execute("SELECT url, state, record_id FROM crawl_urls WHERE kind='page'").fetchall()
        by_url = {u: (st, rid) for u, st, rid in rows}
        assert all(by_url[u][0] == "fetched" and by_url[u][1] for u in want)
        record_ids = {by_url[u][1] for u in want}
        assert len(record_ids) == len(want)
        assert db.execute("SELECT count(*) FROM records").fetchone()[0] == len(want)
        titles = {r[0] for r in db.execute("SELECT title FROM records")}
        assert titles == {a.title for p in portals for a in p.articles}
        # pages stored before the kill were never requested again; only the few in flight at the
        # kill (at most one per host) were requested twice
        twice = []
        for s, p in zip(servers, portals, strict=True):
            for a in p.articles:
                url = s.url(a.path)
                if url in stored:
                    assert p.hits[a.path] == 1, (url, hits_before[s.base].get(a.path))
                else:
                    assert p.hits[a.path] - hits_before[s.base].get(a.path, 0) == 1, url
                    if p.hits[a.path] == 2:
                        twice.append(url)
        assert len(twice) <= len(servers)
        # the WARC file the killed run was writing was cut back to whole records
        files = sorted(str(f) for f in (tmp_path / "warc").glob("*.warc.gz"))
        assert len(files) >= 2
        out = subprocess.run([str(ROOT / ".venv/bin/warcio"), "check", *files], capture_output=True, text=True)
        assert out.returncode == 0, out.stdout[-2000:]
    finally:
        for s in servers:
            s.stop()


def test_max_pages_stops_early_and_the_next_run_carries_on(tmp_path):
    warm_extractor()
    portal = Portal("xa-g", 30)
    server = serve(portal, "127.0.0.9")
    try:
        opts = _opts([server], tmp_path)
        opts.max_pages = 8
        first = asyncio.run(Crawler(opts).run())
        settled = sum(n for state in ("fetched", "failed", "not-modified") for n in first["states"].get(state, {}).values())
        assert settled == 8 and first["queued"] > 0
        article_hits = sum(n for path, n in portal.hits.items() if path.startswith("/tin-tuc/xa-g"))
        second = asyncio.run(Crawler(_opts([server], tmp_path)).run())
        assert not second["resumed"] and second["queued"] == 0
        db = sqlite3.connect(tmp_path / "archive.db")
        assert db.execute("SELECT count(*) FROM records").fetchone()[0] == 30
        # pages fetched in the first run were asked again only conditionally (If-None-Match)
        again = [h for h in server.hits if h.path.startswith("/tin-tuc/xa-g") and "if-none-match" in h.headers]
        assert len(again) == article_hits
    finally:
        server.stop()
