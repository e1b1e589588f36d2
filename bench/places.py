"""Benchmark place resolution: ms per article for extractor.places.resolve_locality on the corpus
gold fields (title, lead, text, url, date), after warm-up, plus the one-time load cost.

Run: .venv/bin/python bench/places.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    golds = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "corpus" / "gold").glob("*.json"))]
    if not golds:
        sys.exit("corpus/gold is empty: run corpus/build.py")
    calls = [dict(title=g["title"], lead=g["lead"], text=g["text"], site=urlsplit(g["url"]).hostname,
                  published=date.fromisoformat(g["published"][:10])) for g in golds]

    t0 = time.perf_counter()
    from extractor.places import _finder, resolve_locality
    from models.gazetteer import gazetteer

    gazetteer()
    t1 = time.perf_counter()
    _finder()
    t2 = time.perf_counter()
    for c in calls:
        resolve_locality(**c)

    wall, cpu = [], []
    for _ in range(args.repeat):
        for c in calls:
            w, p = time.perf_counter(), time.process_time()
            resolve_locality(**c)
            wall.append(time.perf_counter() - w)
            cpu.append(time.process_time() - p)
    ms = 1000
    print(f"articles: {len(calls)} x {args.repeat}")
    print(f"load: gazetteer {ms * (t1 - t0):.0f} ms, matcher {ms * (t2 - t1):.0f} ms (once per process)")
    print(f"resolve_locality wall: mean {ms * statistics.fmean(wall):.3f} ms, median {ms * statistics.median(wall):.3f} ms,"
          f" p95 {ms * sorted(wall)[int(0.95 * len(wall))]:.3f} ms")
    print(f"resolve_locality cpu:  mean {ms * statistics.fmean(cpu):.3f} ms")


if __name__ == "__main__":
    main()
