"""Crawler throughput: pages/s and CPU ms/page against local portals with no delay.

The corpus is served K times over (``/ban-sao-K/...`` copies) by the demo portals, in a separate
process so the server's CPU is not billed to the crawler. Figures printed:
  - wall pages/s (articles) and requests/s (everything fetched: robots, listings, sitemaps, feeds)
  - CPU ms per article, split into extraction (measured inside the extraction workers) and the
    crawler process (fetch, WARC, frontier, archive ingest, discovery, unpickling records)
  - peak RSS of the crawler process and of each extraction worker
The extraction workers' one-time start-up (spaCy, gazetteer, underthesea) is done before timing
and printed; so is the serving process's CPU, which shares the same cores. The crawler process's
own one-time costs (lazy imports: archive, site registry, httpcore, protego; first connections)
are paid by a short warm-up crawl of one portal into a throwaway archive, timed and printed apart.
WARC files are not fsynced unless --fsync is given (the crawl itself fsyncs by default): fsync
costs wall time on a loaded disk, little CPU.

    .venv/bin/python bench/crawl.py [--copies 6] [--concurrency 8] [--extract-workers N]
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

from scrapers.crawl import Crawler, CrawlOptions, extraction_pool  # noqa: E402
from scrapers.demo import DemoServer, load_portals  # noqa: E402


def _serve(copies: int, conn) -> None:  # in the server process
    portals = load_portals(copies=copies)
    with DemoServer(portals) as server:
        conn.send((server.seeds(), server.addresses, sum(len(p.articles) for p in portals)))
        while True:  # "count": requests served and CPU so far; "stop": the same, then stop
            what = conn.recv()
            r = resource.getrusage(resource.RUSAGE_SELF)
            conn.send((server.requests, r.ru_utime + r.ru_stime))
            if what == "stop":
                break


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=6)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--fsync", action="store_true", help="fsync every WARC write (the crawl default)")
    ap.add_argument("--extract-workers", type=int, default=None,
                    help="extraction processes (default: the crawl default; 0: a thread in the crawler)")
    args = ap.parse_args()

    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_serve, args=(args.copies, child), daemon=True)
    proc.start()
    seeds, addresses, n_articles = parent.recv()

    t = time.perf_counter()
    pool = extraction_pool(args.extract_workers)
    if pool is not None:  # wait until every worker has loaded the extractor
        pool.wait_ready()
    else:
        from extractor import extract

        extract(b"<html><body><h1>Tin</h1><p>Chi b\xe1\xbb\x99 h\xe1\xbb\x8dp.</p></body></html>", "http://127.0.0.1/a")
    warmup = time.perf_counter() - t

    with tempfile.TemporaryDirectory() as tmp:  # the crawler process's one-time costs, apart
        r0, t = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        asyncio.run(Crawler(CrawlOptions(seeds=seeds[:1], db=Path(tmp) / "warm.db", warc_dir=Path(tmp) / "warc",
                                         delay=0.0, max_pages=10, resolve=addresses, progress=False,
                                         fsync=args.fsync, extract_workers=args.extract_workers)).run())
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        crawler_warmup = (time.perf_counter() - t, (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime))

    with tempfile.TemporaryDirectory() as tmp:
        opts = CrawlOptions(seeds=seeds, db=Path(tmp) / "archive.db", warc_dir=Path(tmp) / "warc", delay=0.0,
                            concurrency=args.concurrency, resolve=addresses, progress=False, fsync=args.fsync,
                            extract_workers=args.extract_workers)
        parent.send("count")
        requests0, server_cpu0 = parent.recv()
        r0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        summary = asyncio.run(Crawler(opts).run())
        wall = time.perf_counter() - t0
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        cpu = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
    parent.send("stop")
    requests, server_cpu = parent.recv()
    requests, server_cpu = requests - requests0, server_cpu - server_cpu0
    proc.join(5)
    workers_rss = [_hwm_mb(pid) for pid in pool.pids] if pool is not None else []

    fetched = sum(summary["states"].get("fetched", {}).values())
    records = sum(summary["records"].values())
    ext = summary["extract_cpu_seconds"]
    print(f"articles served            {n_articles} ({args.copies} copies of the corpus), requests served {requests}")
    print(f"URLs fetched               {fetched} (records stored: {records}); wall {wall:.2f} s")
    print(f"articles/s (wall)          {records / wall:.1f}")
    print(f"requests/s (wall)          {requests / wall:.1f}  (as the server counted them: robots.txt included)")
    inproc = pool is None  # extraction CPU is inside the crawler process
    crawler_cpu = cpu - ext if inproc else cpu
    print(f"CPU ms/article, total      {1000 * (crawler_cpu + ext) / max(records, 1):.2f}")
    print(f"CPU ms/article, extraction {1000 * ext / max(records, 1):.2f}")
    print(f"CPU ms/article, crawler    {1000 * crawler_cpu / max(records, 1):.2f}  (fetch, WARC, frontier, ingest)")
    print(f"CPU ms/request, crawler    {1000 * crawler_cpu / max(requests, 1):.2f}")
    print(f"server CPU ms/request      {1000 * server_cpu / max(requests, 1):.2f}  (same cores, separate process)")
    print(f"extractor start-up         {warmup:.2f} s (workers load in parallel; once per process, not above)")
    print(f"crawler warm-up            {crawler_warmup[0]:.2f} s, {crawler_warmup[1]:.2f} s CPU (10-page crawl:"
          " imports, first connections; once per process, not above)")
    print(f"WARC fsync                 {'on' if args.fsync else 'off (the crawl default is on: --fsync)'}")
    print(f"peak RSS crawler           {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    if workers_rss:
        print(f"peak RSS per worker        {', '.join(f'{m:.0f}' for m in workers_rss)} MB")


def _hwm_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


if __name__ == "__main__":
    main()
