"""Crawler throughput: pages/s and CPU ms/page against local portals with no delay.

The corpus is served K times over (``/ban-sao-K/...`` copies) by the demo portals, in a separate
process so the server's CPU is not billed to the crawler. Figures printed:
  - wall pages/s (articles) and requests/s (everything fetched: robots, listings, sitemaps, feeds)
  - crawler process CPU ms per article, split into extraction and the rest (fetch, WARC, frontier,
    archive ingest, discovery)
The extractor's one-time start-up (model and gazetteer loading) is done before timing and printed.

    .venv/bin/python bench/crawl.py [--copies 6] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scrapers.crawl import Crawler, CrawlOptions  # noqa: E402
from scrapers.demo import DemoServer, load_portals  # noqa: E402


def _serve(copies: int, conn) -> None:  # in the server process
    portals = load_portals(copies=copies)
    with DemoServer(portals) as server:
        conn.send((server.seeds(), server.addresses, sum(len(p.articles) for p in portals)))
        conn.recv()  # until told to stop
        conn.send(server.requests)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=6)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--fsync", action="store_true", help="fsync every WARC write (the crawl default)")
    args = ap.parse_args()

    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_serve, args=(args.copies, child), daemon=True)
    proc.start()
    seeds, addresses, n_articles = parent.recv()

    from extractor import extract

    t = time.perf_counter()
    extract(b"<html><body><h1>Tin</h1><p>Chi b\xe1\xbb\x99 h\xe1\xbb\x8dp.</p></body></html>", "http://127.0.0.1/a")
    warmup = time.perf_counter() - t

    with tempfile.TemporaryDirectory() as tmp:
        opts = CrawlOptions(seeds=seeds, db=Path(tmp) / "archive.db", warc_dir=Path(tmp) / "warc", delay=0.0,
                            concurrency=args.concurrency, resolve=addresses, progress=False, fsync=args.fsync)
        r0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        summary = asyncio.run(Crawler(opts).run())
        wall = time.perf_counter() - t0
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        cpu = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
    parent.send("stop")
    requests = parent.recv()
    proc.join(5)

    fetched = sum(summary["states"].get("fetched", {}).values())
    records = sum(summary["records"].values())
    ext = summary["extract_cpu_seconds"]
    print(f"articles served            {n_articles} ({args.copies} copies of the corpus), requests served {requests}")
    print(f"fetched                    {fetched} (records stored: {records}); wall {wall:.2f} s")
    print(f"articles/s (wall)          {records / wall:.1f}")
    print(f"requests/s (wall)          {fetched / wall:.1f}")
    print(f"CPU ms/article, total      {1000 * cpu / max(records, 1):.2f}")
    print(f"CPU ms/article, extraction {1000 * ext / max(records, 1):.2f}")
    print(f"CPU ms/article, crawler    {1000 * (cpu - ext) / max(records, 1):.2f}  (fetch, WARC, frontier, ingest)")
    print(f"CPU ms/request, crawler    {1000 * (cpu - ext) / max(fetched, 1):.2f}")
    print(f"extractor start-up         {warmup:.2f} s (once per process, not in the figures above)")


if __name__ == "__main__":
    main()
