"""Throughput and latency of the HTTP service under a bounded local load.

Builds a throw-away archive from the corpus pages (extracted, then copied ``--copies`` times so
search has something to rank), starts ``vnnews``'s app on a real uvicorn in a *separate process* on
127.0.0.1 (so the load generator does not share the server's GIL), then drives /search, /stats and
POST /extract with an httpx async loop: ``--concurrency`` requests in flight, at most ``--requests``
per endpoint and at most ``--seconds`` each. Prints requests/s and p50/p95/p99 latency.

    .venv/bin/python bench/service.py [--requests 2000] [--concurrency 8] [--seconds 15]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEARCHES = [
    {"q": "dang vien"},
    {"q": "kết nạp đảng viên mới"},
    {"q": "ket nap", "province": "Bắc Ninh"},
    {"q": '"huy hieu dang"'},
    {"q": "chuyen dang chinh thuc", "from": "2020-01-01"},
    {"q": "chi bo*"},
    {"q": "Dong Cuu"},
    {"q": "", "province": "Nghệ An"},
]
# Filtering on a fact kind/value goes through another query path in the archive: timed apart.
KIND_SEARCHES = [
    {"q": "dang vien", "kind": "new_members", "min": 10},
    {"q": "", "kind": "badges"},
]
STATS = [
    {"kind": "new_members", "by": "province", "per": "year"},
    {"kind": "new_members", "by": "district", "per": "year", "province": "Bắc Ninh"},
    {"kind": "badges", "by": "province", "per": "month"},
]


def build_archive(db: Path, copies: int) -> tuple[int, list[bytes]]:
    from archive import Archive
    from extractor import extract

    pages = [p.read_bytes() for p in sorted((ROOT / "corpus" / "pages").glob("*.html"))]
    base = []
    for i, body in enumerate(pages):
        try:
            base.append(extract(body, f"https://bench{i}.example.vn/a.html"))
        except Exception as e:  # a page the extractor refuses is not the service's concern here
            print(f"  (skipped corpus page {i}: {e})", file=sys.stderr)
    records = [rec.model_copy(update={"id": f"{c:04d}{rec.id[4:]}", "url": f"{rec.url}?copy={c}"})
               for c in range(copies) for rec in base]
    with Archive(db) as archive:
        archive.ingest_many(records)
    return len(records), pages


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen:
    code = ("import uvicorn; from service.api import create_app; "
            f"uvicorn.run(create_app({str(db)!r}), host='127.0.0.1', port={port}, log_level='warning', "
            "access_log=False)")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("server exited during start-up") from None
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit("server did not start within 60 s")


def percentile(values: list[float], p: float) -> float:
    lat = sorted(values)
    return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float("nan")


async def load(client: httpx.AsyncClient, make_request, *, total: int, concurrency: int,
               seconds: float, kinds: int = 1) -> dict:
    """Run up to ``total`` requests, ``concurrency`` at a time, stopping new ones after ``seconds``.
    Request ``n`` is of kind ``n % kinds``; latencies are also kept per kind."""
    latencies: list[float] = []
    by_kind: dict[int, list[float]] = {}
    errors = 0
    counter = itertools.count()
    stop_at = time.monotonic() + seconds

    async def worker() -> None:
        nonlocal errors
        while time.monotonic() < stop_at:
            n = next(counter)
            if n >= total:
                return
            t0 = time.perf_counter()
            try:
                resp = await make_request(n)
                ok = resp.status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies.append(time.perf_counter() - t0)
            by_kind.setdefault(n % kinds, []).append(latencies[-1])
            errors += not ok

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {"requests": len(latencies), "errors": errors, "seconds": elapsed, "rps": len(latencies) / elapsed,
            "p50": percentile(latencies, 0.50), "p95": percentile(latencies, 0.95),
            "p99": percentile(latencies, 0.99), "by_kind": by_kind,
            "mean": statistics.fmean(latencies) * 1000 if latencies else float("nan")}


async def run(base: str, pages: list[bytes], args: argparse.Namespace) -> list[tuple[str, dict[str, float]]]:
    limits = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=args.concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60, trust_env=False) as client:
        # Warm-up: first search and first extraction load indexes and NLP models.
        await client.get("/search", params={"q": "dang vien"})
        await client.post("/extract", content=pages[0], headers={"Content-Type": "text/html"})
        out = []
        out.append(("GET /search", await load(
            client, lambda n: client.get("/search", params=SEARCHES[n % len(SEARCHES)]),
            total=args.requests, concurrency=args.concurrency, seconds=args.seconds, kinds=len(SEARCHES))))
        out.append(("/search+kind", await load(
            client, lambda n: client.get("/search", params=KIND_SEARCHES[n % len(KIND_SEARCHES)]),
            total=args.requests, concurrency=args.concurrency, seconds=args.seconds, kinds=len(KIND_SEARCHES))))
        out.append(("GET /stats", await load(
            client, lambda n: client.get("/stats", params=STATS[n % len(STATS)]),
            total=args.requests, concurrency=args.concurrency, seconds=args.seconds)))
        out.append(("POST /extract", await load(
            client, lambda n: client.post("/extract", content=pages[n % len(pages)],
                                          params={"url": f"https://bench.example.vn/{n}.html"},
                                          headers={"Content-Type": "text/html"}),
            total=args.extract_requests, concurrency=args.concurrency, seconds=args.seconds)))
        return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=2000, help="max requests per query endpoint")
    ap.add_argument("--extract-requests", type=int, default=400, help="max POST /extract requests")
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=15.0, help="max seconds per endpoint")
    ap.add_argument("--copies", type=int, default=20, help="copies of the corpus in the archive")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="vnnews-bench-") as tmp:
        db = Path(tmp) / "archive.db"
        t0 = time.perf_counter()
        n, pages = build_archive(db, args.copies)
        print(f"archive: {n} records from {len(pages)} corpus pages x {args.copies} "
              f"({time.perf_counter() - t0:.1f} s to build)")
        port = free_port()
        server = start_server(db, port)
        try:
            results = asyncio.run(run(f"http://127.0.0.1:{port}", pages, args))
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
    print(f"uvicorn on 127.0.0.1, 1 worker process, {os.cpu_count()} cores, concurrency {args.concurrency}")
    print(f"{'endpoint':<15}{'requests':>9}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for name, r in results:
        print(f"{name:<15}{r['requests']:>9}{r['errors']:>8}{r['rps']:>9.1f}{r['p50']:>9.1f}"
              f"{r['p95']:>9.1f}{r['p99']:>9.1f}")
    print("\n/search latency by query (under the same load):")
    for name, queries in (("GET /search", SEARCHES), ("/search+kind", KIND_SEARCHES)):
        for i, params in enumerate(queries):
            lat = dict(results)[name]["by_kind"].get(i, [])
            print(f"  {len(lat):>5} x {str(params):<62} p50 {percentile(lat, 0.5):>8.1f} ms   "
                  f"p95 {percentile(lat, 0.95):>8.1f} ms")


if __name__ == "__main__":
    main()
