"""``extract(html, url) -> Record``: the one entry point of the extractor.

decode -> parse once (BeautifulSoup + lxml) -> metadata from the untouched tree -> main text ->
facts -> places -> summary. Each stage is pure; everything a stage could not determine is said in
``Record.warnings`` instead of being silently left empty.
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit

from extractor.clean import Index, extract_body, find_container
from extractor.decode import decode
from extractor.meta import Meta, fold, leading, read_meta, signature
from extractor.soup import parse_html
from models.errors import DecodeError
from models.record import ExtractorInfo, Record, format_published, record_id
from models.text import normalize

EXTRACTOR_VERSION = "0.1.0"


@dataclass(slots=True)
class Page:
    """What cleaning + metadata give, before facts and places."""

    meta: Meta
    text: str
    method: str
    warnings: list[str] = field(default_factory=list)


def read_page(html: bytes | str, url: str | None = None, *, http_charset: str | None = None) -> Page:
    """Decode, parse once, read metadata and the main text. Raises DecodeError for non-pages."""
    decoded = decode(html, http_charset=http_charset)
    warnings = [f"decode: {w}" for w in decoded.warnings]
    markup = _slim(decoded.text)
    try:
        soup = parse_html(markup)  # BeautifulSoup + lxml, with a leaner builder
    except RecursionError as e:  # pragma: no cover - lxml builds iteratively; kept as a guard
        raise DecodeError("page too deeply nested to parse") from e
    if soup.find(True) is None:
        raise DecodeError("no HTML elements found: not an HTML page")
    index = Index(soup)
    found = find_container(soup, index)  # read-only; metadata uses it to bound the date search
    meta = read_meta(soup, url, index, body=found[0])
    body = extract_body(soup, index, found)
    paras = body.paragraphs
    author, source, used = signature(paras)
    if used:
        paras = paras[: len(paras) - used]
    if author:
        meta.author = author
    if source:
        meta.source = source
    top_author, top_source, dateline, used = leading(paras)
    if used:
        paras = paras[used:]
    if top_author and not author:
        meta.author = top_author
    if top_source and not source:
        meta.source = top_source
    if dateline is not None and meta.published is None:
        meta.published, meta.published_how = dateline, "dateline"
    texts = [normalize(p.text) for p in paras]
    texts = _drop_repeats(texts, meta.title)
    if meta.lead and not (texts and fold(texts[0]).strip(" .") == fold(meta.lead).strip(" .")):
        # The sapo opens the article: text carries it too, whether the template put it inside the
        # body container or above it.
        texts.insert(0, meta.lead)
    text = "\n\n".join(texts)
    if not text:
        warnings.append("text: no article body found")
    elif body.method == "density":
        warnings.append("text: no known body container; chosen by text-density scoring")
    elif body.method == "none":
        warnings.append("text: no body container found; the whole page was used")
    warnings.extend(meta.warnings)
    return Page(meta, text, body.method, warnings)


_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]{512,}")
_BIG_SCRIPT = re.compile(r"(<script\b(?![^>]*ld\+json)[^>]*>)(.{65536,}?)(</script>)", re.I | re.S)


def _slim(markup: str) -> str:
    """Drop inline base64 images and huge scripts before parsing: they carry no text, cost parse
    time, and past libxml2's 10 MB attribute limit they derail the parse of everything after."""
    if len(markup) < 200_000:
        return markup
    markup = _DATA_URI.sub("data:,", markup)
    return _BIG_SCRIPT.sub(r"\1\3", markup)


def _drop_repeats(texts: list[str], title: str | None) -> list[str]:
    """The title repeated as the first body paragraph is not body text."""
    out = list(texts)
    if title and out and fold(out[0]).strip(" .") == fold(title).strip(" ."):
        out.pop(0)
    return out


def extract(html: bytes | str, url: str | None = None, *, http_charset: str | None = None,
            fetched_at: str | None = None) -> Record:
    """One page -> one Record. Raises :class:`models.errors.DecodeError` for input that is no page."""
    raw = html.encode("utf-8") if isinstance(html, str) else bytes(html)
    sha = hashlib.sha256(raw).hexdigest()
    try:
        page = read_page(html, url, http_charset=http_charset)
    except RecursionError as e:  # every traversal here is iterative; this guards library internals
        raise DecodeError("page too deeply nested to extract") from e
    meta = page.meta
    warnings = list(page.warnings)

    published = meta.published
    day: date | None = published.date() if isinstance(published, datetime) else published
    if published is None:
        warnings.append("published: no date in metadata, near the title or in the URL")
    elif meta.published_how == "url":
        warnings.append("published: only the URL gives a date")
    if meta.author is None:
        warnings.append("author: no person credited" + (f" (source: {meta.source})" if meta.source else ""))

    # Imported here: facts/places load NLP models and the gazetteer, which clean+metadata users
    # (benchmarks, `vnnews eval`) do not need to pay for.
    from extractor import facts as facts_mod
    from extractor import places as places_mod

    _load_models_once()

    site = (urlsplit(url).hostname or None) if url else None
    found = facts_mod.read_facts(page.text, title=meta.title, lead=meta.lead, published=day)
    facts = found.facts
    locality = places_mod.resolve_locality(title=meta.title, lead=meta.lead, text=page.text, site=site,
                                           published=day)
    for fact in facts:
        if fact.place is not None and fact.place.mention:
            resolved = places_mod.resolve_place(fact.place.mention, context=locality, published=day)
            if resolved is not None:
                fact.place = resolved
    summary = facts_mod.summarise(facts, locality, headline_only=found.headline_only)
    return Record(
        id=record_id(url, sha),
        url=url,
        site=site,
        fetched_at=fetched_at,
        content_sha256=sha,
        title=meta.title,
        published=format_published(published),
        updated=format_published(meta.updated),
        author=meta.author,
        source=meta.source,
        views=meta.views,
        text=page.text,
        lead=meta.lead,
        locality=locality,
        facts=facts,
        summary=summary,
        extractor=ExtractorInfo(version=EXTRACTOR_VERSION),
        warnings=warnings,
    )


_MODELS_LOCK = threading.Lock()
_models_loaded = False


def _load_models_once() -> None:
    """Load the lazy NLP models under a lock before the first extraction uses them.

    underthesea's word_tokenize publishes its global model before loading it, so two threads making
    their first call at once (a fresh API server's first concurrent requests) crash with
    "'NoneType' object has no attribute 'process'". It is loaded here, with the phrase matcher, once
    per process; later calls only read a flag.
    """
    global _models_loaded
    if _models_loaded:
        return
    with _MODELS_LOCK:
        if not _models_loaded:
            from extractor import facts as facts_mod
            from extractor.facts_nlp import load_segmenter

            load_segmenter()
            facts_mod.read_facts("Đảng bộ đã kết nạp 5 đảng viên mới.")
            _models_loaded = True
