"""Score extractions against gold answers (the corpus contract in corpus/gold/*.json).

Pure functions: a prediction and a gold dict in, per-field scores out. ``vnnews eval``, the corpus
test and the benchmark all score through here, so "how good is the extractor" means one thing.
A field scores ``None`` (not counted) when the gold has nothing to compare with.

Trafilatura is scored through the same functions (``run_trafilatura``) so both columns come
from one run over the same bytes; it is an optional dependency, imported only when asked for.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from models.text import normalize

FIELDS: tuple[tuple[str, str], ...] = (
    ("title", "title exact"),
    ("published_day", "published (day)"),
    ("published_minute", "published (minute)"),
    ("author", "author"),
    ("snippets_kept", "body snippets kept"),
    ("boilerplate_dropped", "boilerplate dropped"),
    ("text_f1", "text token F1"),
)
_WS = re.compile(r"\s+")
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Prediction:
    """The fields every extractor under comparison can give."""

    title: str | None = None
    published: str | None = None
    author: str | None = None
    text: str = ""


def canon(text: str | None) -> str:
    """Comparable form: NFC + tone placement + single spaces."""
    return _WS.sub(" ", normalize(text or "")).strip()


def token_f1(pred: str, gold: str) -> float:
    p = Counter(t.lower() for t in _TOKEN.findall(canon(pred)))
    g = Counter(t.lower() for t in _TOKEN.findall(canon(gold)))
    if not p or not g:
        return float(p == g)
    common = sum((p & g).values())
    if common == 0:
        return 0.0
    precision, recall = common / sum(p.values()), common / sum(g.values())
    return 2 * precision * recall / (precision + recall)


def _has_time(value: str) -> bool:
    return "T" in value


def score_page(pred: Prediction, gold: Mapping) -> dict[str, float | None]:
    """Per-field scores of one page (1.0 right, 0.0 wrong, None when not scorable)."""
    out: dict[str, float | None] = {}
    out["title"] = float(canon(pred.title) == canon(gold.get("title"))) if gold.get("title") else None
    gp = gold.get("published")
    pp = pred.published or ""
    if gp:
        out["published_day"] = float(pp[:10] == gp[:10])
        out["published_minute"] = float(pp[:10] == gp[:10] and _has_time(pp) == _has_time(gp)
                                        and pp[11:16] == gp[11:16])
    else:
        out["published_day"] = out["published_minute"] = None
    out["author"] = float(canon(pred.author) == canon(gold.get("author")))
    text = canon(pred.text)
    must = [canon(s) for s in gold.get("must_contain") or []]
    out["snippets_kept"] = float(all(s in text for s in must)) if must else None
    must_not = [canon(s) for s in gold.get("must_not_contain") or []]
    out["boilerplate_dropped"] = float(not any(s and s in text for s in must_not)) if must_not else None
    out["text_f1"] = token_f1(pred.text, gold["text"]) if gold.get("text") else None
    return out


def misses(pred: Prediction, gold: Mapping) -> list[str]:
    """Human-readable reasons a page lost points (for the eval's --verbose listing)."""
    s = score_page(pred, gold)
    why: list[str] = []
    if s["title"] == 0:
        why.append(f"title {pred.title!r} != {gold.get('title')!r}")
    if s["published_day"] == 0 or s["published_minute"] == 0:
        why.append(f"published {pred.published!r} != {gold.get('published')!r}")
    if s["author"] == 0:
        why.append(f"author {pred.author!r} != {gold.get('author')!r}")
    text = canon(pred.text)
    lost = [x for x in gold.get("must_contain") or [] if canon(x) not in text]
    if lost:
        why.append(f"missing snippet {lost[0][:60]!r}")
    leaked = [x for x in gold.get("must_not_contain") or [] if canon(x) and canon(x) in text]
    if leaked:
        why.append(f"leaked {leaked[0][:60]!r}")
    return why


def aggregate(scores: Iterable[Mapping[str, float | None]]) -> dict[str, float | None]:
    """Mean of each field over the pages where it is scorable."""
    sums: dict[str, float] = {}
    counts: dict[str, int] = {}
    for s in scores:
        for key, _ in FIELDS:
            v = s.get(key)
            if v is not None:
                sums[key] = sums.get(key, 0.0) + v
                counts[key] = counts.get(key, 0) + 1
    return {key: (sums[key] / counts[key] if counts.get(key) else None) for key, _ in FIELDS}


# --- runners: bytes in, Prediction out -----------------------------------------------------------

def run_ours(body: bytes, url: str | None, http_charset: str | None) -> Prediction:
    """Our clean + metadata stage (no facts/places: they are not scored here)."""
    from extractor.pipeline import read_page
    from models.record import format_published

    page = read_page(body, url, http_charset=http_charset)
    return Prediction(page.meta.title, format_published(page.meta.published), page.meta.author, page.text)


def run_trafilatura(body: bytes, url: str | None, http_charset: str | None) -> Prediction:
    """trafilatura's text and metadata on the same bytes (decoded the same way trafilatura would)."""
    import trafilatura

    doc = trafilatura.bare_extraction(body, url=url, with_metadata=True, include_comments=False,
                                      include_tables=True)
    if doc is None:
        return Prediction()
    get = doc.get if isinstance(doc, dict) else (lambda k: getattr(doc, k, None))
    return Prediction(get("title"), get("date"), get("author"), get("text") or "")


RUNNERS: dict[str, Callable[[bytes, str | None, str | None], Prediction]] = {
    "vnnews": run_ours,
    "trafilatura": run_trafilatura,
}
