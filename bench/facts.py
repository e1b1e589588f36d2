"""Fact extraction cost per article on the corpus, next to trafilatura.extract on the same pages.

Prints median and mean ms/article of ``find_facts`` (title + lead + text, cold: nothing cached
between articles), the share spent in underthesea (tokenizer + CRF), the windows tokenized and
CRF-segmented per article, trafilatura.extract's median on the same pages in the same run, and
peak RSS.

    .venv/bin/python bench/facts.py [--corpus corpus]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor import extract, facts_nlp  # noqa: E402
from extractor.facts import find_facts  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(ROOT / "corpus"))
    args = ap.parse_args()
    corpus = Path(args.corpus)
    pages = []
    for gold in sorted((corpus / "gold").glob("*.json")):
        g = json.loads(gold.read_text(encoding="utf-8"))
        body = (corpus / "pages" / f"{gold.stem}.html").read_bytes()
        pages.append((body, g.get("url"), extract(body, g.get("url"), http_charset=g.get("http_charset"))))
    if not pages:
        print(f"no pages under {corpus}", file=sys.stderr)
        return 2
    # underthesea: its regex tokenizer runs on every window around a figure; the CRF only on the
    # windows where a number word's word boundary decides a count (see facts_nlp._WordStarts).
    seg = {"calls": 0, "crf": 0, "words": 0, "s": 0.0}
    real_tok, real_seg = facts_nlp._tokenize, facts_nlp._segment_words

    def timed(real, key: str):
        def run(text: str) -> list[str]:
            t = time.perf_counter()
            out = real(text)
            seg["s"] += time.perf_counter() - t
            seg[key] += 1
            seg["words"] += len(text.split()) if key == "calls" else 0
            return out
        return run

    facts_nlp._tokenize = timed(real_tok, "calls")
    facts_nlp._segment_words = timed(real_seg, "crf")
    ours = []
    for _body, _url, rec in pages:
        t = time.perf_counter()
        find_facts(rec.text, title=rec.title, lead=rec.lead)
        ours.append((time.perf_counter() - t) * 1000)
    facts_nlp._tokenize, facts_nlp._segment_words = real_tok, real_seg
    n = len(pages)
    print(f"{n} articles")
    print(f"find_facts            median {statistics.median(ours):6.2f} ms  mean {statistics.mean(ours):6.2f} ms")
    print(f"  underthesea          {seg['s'] * 1000 / n:6.2f} ms/article, {seg['calls'] / n:.1f} windows "
          f"tokenized ({seg['words'] / n:.0f} words), {seg['crf'] / n:.2f} CRF-segmented")
    try:
        import trafilatura
    except ImportError:
        trafilatura = None
    if trafilatura is not None:
        theirs = []
        for body, url, _rec in pages:
            t = time.perf_counter()
            trafilatura.extract(body, url=url, with_metadata=True)
            theirs.append((time.perf_counter() - t) * 1000)
        print(f"trafilatura.extract   median {statistics.median(theirs):6.2f} ms")
    print(f"peak RSS              {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
