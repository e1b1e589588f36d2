"""Extraction speed on the corpus pages: ours vs trafilatura, same pages, same run.

Prints median ms/page and pages/s for
  * vnnews clean+metadata (extractor.pipeline.read_page: decode, parse, metadata, main text),
  * vnnews full extract (extractor.extract: + facts, places, summary),
  * the same with the string memos (folded labels, normalised lines, class tokens) emptied before
    every call: what a page from a site never seen before costs,
  * trafilatura.extract with metadata,
and the peak RSS of the process. Each page is timed ``--repeat`` times and its best time kept
(other processes share the machine); the median is over pages. A warm-up pass runs first so
imports, caches and models are loaded before timing.

    .venv/bin/python bench/extract.py [--corpus corpus] [--repeat 3]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor import extract  # noqa: E402
from extractor.pipeline import read_page  # noqa: E402
from scrapers.inputs import iter_corpus  # noqa: E402


def _time(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def _clear_memos() -> None:
    from extractor import clean, folding, meta_dates

    for memo in (folding._fold_short, meta_dates._norm_line, meta_dates._dated_line, clean._tokens):
        memo.cache_clear()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(ROOT / "corpus"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    pages = list(iter_corpus(args.corpus))
    if not pages:
        print(f"no gold pages under {args.corpus}", file=sys.stderr)
        return 2
    runners: dict[str, Callable] = {
        "vnnews clean+metadata": lambda p: read_page(p.body, p.url, http_charset=p.http_charset),
        "vnnews full extract": lambda p: extract(p.body, p.url, http_charset=p.http_charset),
        "vnnews full extract, cold memos": lambda p: (_clear_memos(), extract(p.body, p.url, http_charset=p.http_charset)),
    }
    try:
        import trafilatura

        runners["trafilatura.extract (+metadata)"] = lambda p: trafilatura.extract(
            p.body, url=p.url, with_metadata=True, include_comments=False, include_tables=True)
    except ImportError as e:
        print(f"trafilatura not importable ({e}); timing vnnews only", file=sys.stderr)

    for fn in runners.values():  # warm-up: imports, models, caches
        for p in pages:
            fn(p)
    results: dict[str, list[float]] = {name: [] for name in runners}
    for p in pages:  # interleaved so machine load hits every runner alike
        for name, fn in runners.items():
            results[name].append(_time(lambda fn=fn, p=p: fn(p), args.repeat))

    kb = statistics.median(len(p.body) for p in pages) / 1024
    print(f"{len(pages)} corpus pages (median {kb:.0f} kB), best of {args.repeat} per page\n")
    print(f"{'extractor':34} {'median ms/page':>15} {'mean ms/page':>13} {'pages/s':>9}")
    medians = {}
    for name, times in results.items():
        med = statistics.median(times) * 1000
        medians[name] = med
        total = sum(times)
        print(f"{name:34} {med:15.2f} {total / len(times) * 1000:13.2f} {len(times) / total:9.1f}")
    traf = medians.get("trafilatura.extract (+metadata)")
    if traf:
        print(f"\nclean+metadata / trafilatura: {medians['vnnews clean+metadata'] / traf:.2f}x (target <= 1.0)")
        print(f"full extract   / trafilatura: {medians['vnnews full extract'] / traf:.2f}x (target <= 2.0)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak RSS: {peak / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
