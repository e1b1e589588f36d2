"""Title, publication date, author, source, views and lead of an article page.

Metadata is read from the parsed tree *before* cleaning mutates it. Where a portal gives the same
thing twice the machine-readable form wins (JSON-LD, ``<meta>``), then what a reader sees next to
the title, then the URL. Dates are never taken from link lists: a sidebar of "Tin mới nhất" holds a
dozen dates and none is the article's, so the visible date is the *date line nearest the title*.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from itertools import islice

from bs4 import BeautifulSoup, NavigableString, Tag

from extractor.clean import (
    TEXT_TYPE,
    Index,
    class_tokens,
    patterns,
    squash,
    text_of,
)
from extractor.folding import fold
from extractor.meta_bylines import bylines, leading, parse_byline, signature, top_byline
from extractor.meta_dates import (
    Moment,
    date_from_url,
    dates,
    in_list,
    line_of,
    norm_line,
    parse_iso,
    visible_date,
)
from models.text import normalize

__all__ = ["Meta", "date_from_url", "leading", "parse_byline", "read_meta", "signature"]


@dataclass(slots=True)
class Meta:
    title: str | None = None
    title_el: Tag | None = None
    published: Moment | None = None
    published_how: str | None = None
    updated: Moment | None = None
    author: str | None = None
    source: str | None = None
    views: int | None = None
    lead: str | None = None
    warnings: list[str] = field(default_factory=list)


# --- the tree ---------------------------------------------------------------------------------

def _meta_content(index: Index) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in index.by_name.get("meta", []):
        key = m.get("property") or m.get("name") or m.get("itemprop") or m.get("http-equiv")
        val = m.get("content")
        if isinstance(key, str) and isinstance(val, str) and val.strip():
            out.setdefault(key.strip().lower(), val.strip())
    return out


def _jsonld(index: Index) -> list[dict]:
    """Article-like objects of every JSON-LD block (flattening @graph and lists)."""
    out: list[dict] = []
    for s in index.by_name.get("script", []):
        if "ld+json" not in str(s.get("type", "")).lower():
            continue
        try:
            data = json.loads(s.string or "")
        except (ValueError, TypeError):
            continue
        stack = [data]
        while stack:
            d = stack.pop()
            if isinstance(d, list):
                stack.extend(d)
            elif isinstance(d, dict):
                if "@graph" in d:
                    stack.append(d["@graph"])
                if any(k in d for k in ("datePublished", "headline", "author")):
                    out.append(d)
    return out


def _jsonld_author(obj: dict) -> tuple[str | None, bool]:
    """(name, is_person) of a JSON-LD author field."""
    a = obj.get("author")
    if isinstance(a, list):
        a = a[0] if a else None
    if isinstance(a, str):
        return a, True
    if isinstance(a, dict):
        name = a.get("name")
        return (name if isinstance(name, str) else None), a.get("@type", "Person") == "Person"
    return None, False


def _select_first(index: Index, selectors: list[str], *, max_len: int = 400, min_len: int = 1) -> Tag | None:
    for css in selectors:
        for el in index.select(css, limit=5):
            if in_list(el):
                continue
            t = text_of(el, limit=max_len + 1)
            if min_len <= len(t) <= max_len:
                return el
    return None


# --- title -------------------------------------------------------------------------------------

@cache
def _site_words() -> tuple[str, ...]:
    return tuple(fold(w) for w in patterns().meta["site_words"])


def _strip_site(title: str) -> str:
    """'Article - Cổng thông tin điện tử huyện X' -> 'Article' (also 'Báo X | Article')."""
    site_words = _site_words()
    seps = patterns().meta["title_separators"]
    changed = True
    while changed:
        changed = False
        for sep in seps:
            if sep not in title:
                continue
            head, _, tail = title.rpartition(sep)
            if fold(tail.strip()).startswith(site_words) and len(head.strip()) >= 10:
                title, changed = head.strip(), True
                break
            first, _, rest = title.partition(sep)
            if fold(first.strip()).startswith(site_words) and len(rest.strip()) >= 10:
                title, changed = rest.strip(), True
                break
    return title


def _title_parts(title: str) -> list[str]:
    """Ways to cut a site name off a <title>: 'A - Site' -> ['A'], 'Site :: A' -> ['A'], both tried."""
    out: list[str] = []
    for sep in patterns().meta["title_separators"]:
        if sep in title:
            head, _, _ = title.rpartition(sep)
            _, _, tail = title.partition(sep)
            out.extend(x.strip() for x in (head, tail) if len(x.strip()) >= 10)
    return out


def _title(soup: BeautifulSoup, index: Index, metas: dict[str, str], ld: list[dict]) -> tuple[str | None, Tag | None]:
    title_el = _first(index, "title")  # soup.title, from the index
    raw_title = normalize(squash(title_el.get_text(" ", strip=True))) if title_el else ""
    page_title = _strip_site(raw_title) if raw_title else ""
    og = normalize(squash(metas.get("og:title", "") or metas.get("twitter:title", "")))
    og = _strip_site(og) if og else ""
    ld_head = next((normalize(squash(o["headline"])) for o in ld if isinstance(o.get("headline"), str)), "")
    known = {fold(x) for x in (page_title, og, ld_head, raw_title, *_title_parts(raw_title)) if x}

    h1s = [h for h in index.select("h1") if not _is_site_heading(h)]
    sel = _select_first(index, patterns().meta["title"])
    candidates: list[Tag] = []
    # An h1/title element that agrees with <title>/og:title is certain; else the first plausible one.
    for el in [*h1s, *([sel] if sel is not None else [])]:
        t = normalize(text_of(el))
        if t and fold(t) in known:
            return t, el
        if 5 <= len(t) <= 400:
            candidates.append(el)
    if ld_head:
        return ld_head, _locate(soup, index, ld_head, candidates)
    if og:
        return og, _locate(soup, index, og, candidates)
    if sel is not None:
        return normalize(text_of(sel)), sel
    if candidates:
        return normalize(text_of(candidates[0])), candidates[0]
    # No heading element: the part of <title> that the page also shows as a line of its own.
    for part in sorted(_title_parts(raw_title), key=len, reverse=True):
        el = _locate(soup, index, part, [], exact=True)
        if el is not None:
            return part, el
    return (page_title or None), _locate(soup, index, page_title, []) if page_title else None


def _is_site_heading(h: Tag) -> bool:
    el: Tag | None = h
    for _ in range(6):
        if el is None or el.name in ("body", "html"):
            break
        if el.name in ("header", "nav", "footer", "aside") or class_tokens(el) & {"logo", "header", "banner", "brand",
                                                                              "sitename", "site"}:
            return True
        el = el.parent
    return False


def _first(index: Index, name: str) -> Tag | None:
    """``soup.<name>`` (the first such tag in document order) from the index of the untouched tree."""
    found = index.by_name.get(name)
    return found[0] if found else None


def _first_string(el: Tag) -> NavigableString | None:
    """``el.find(string=True, recursive=False)``: its first direct string (comments included)."""
    for child in el.contents:
        if isinstance(child, NavigableString):
            return child
    return None


def _locate(soup: BeautifulSoup, index: Index, title: str, candidates: list[Tag], *,
            exact: bool = False) -> Tag | None:
    """The element showing ``title`` on the page (anchor for the date search)."""
    if exact:
        want = fold(title)
        body = _first(index, "body") or soup
        strings = (n for n in body.descendants if isinstance(n, NavigableString))
        for node in islice(strings, 3000):  # body.find_all(string=True, limit=3000)
            if len(node) < len(title) + 20 and fold(squash(str(node))) == want and not in_list(node):
                return node.parent
        return None
    key = fold(title)[:60]
    for el in candidates:
        if fold(text_of(el)).startswith(key[:30]):
            return el
    for tag in ("h1", "h2", "h3", "p", "div", "td", "span", "strong", "b"):
        for el in index.by_name.get(tag, ())[:400]:  # soup.find_all(tag, limit=400)
            own = _first_string(el)
            if own and fold(squash(str(own))).startswith(key[:30]) and len(key) >= 10:
                return el
    return None


# --- the whole header --------------------------------------------------------------------------

def read_meta(soup: BeautifulSoup, url: str | None, index: Index | None = None, body: Tag | None = None) -> Meta:
    """Everything but the signature, from the untouched tree."""
    meta = Meta()
    index = index or Index(soup)
    metas = _meta_content(index)
    ld = _jsonld(index)
    meta.title, meta.title_el = _title(soup, index, metas, ld)
    if not meta.title:
        meta.warnings.append("title: no <h1>, og:title or <title> found")

    dd = dates()
    for o in ld:
        v = o.get("datePublished")
        if isinstance(v, str) and (mo := parse_iso(v)):
            meta.published, meta.published_how = mo, "json-ld"
            break
    if meta.published is None:
        for key in dd.meta_published:
            v = metas.get(key)
            if v and (mo := parse_iso(v)):
                meta.published, meta.published_how = mo, f"meta:{key}"
                break
    if meta.published is None:
        for el in index.select("time[datetime]"):
            v = el.get("datetime")
            if isinstance(v, str) and not in_list(el) and (mo := parse_iso(v)):
                meta.published, meta.published_how = mo, "time[datetime]"
                break
    if meta.published is None:
        vis = visible_date(soup, meta.title_el, body)
        if vis:
            meta.published, meta.published_how = vis[0], f"visible:{vis[1]}"
    if meta.published is None and (d := date_from_url(url)):
        meta.published, meta.published_how = d, "url"
    for o in ld:
        v = o.get("dateModified")
        if isinstance(v, str) and (mo := parse_iso(v)):
            meta.updated = mo
            break
    if meta.updated is None:
        for key in dd.meta_updated:
            if (v := metas.get(key)) and (mo := parse_iso(v)):
                meta.updated = mo
                break

    # author from machine-readable places (a visible byline, read later, takes precedence)
    for o in ld:
        name, person = _jsonld_author(o)
        if name and person:
            parsed = parse_byline(name)
            if parsed and parsed[0]:
                meta.author = parsed[0]
                break
    if meta.author is None and (v := metas.get("author") or metas.get("article:author") or metas.get("dc.creator")):
        parsed = parse_byline(v)
        if parsed and parsed[0] and not v.startswith("http"):
            meta.author = parsed[0]
    top_a, top_s = top_byline(meta.title_el)
    if top_a:
        meta.author = top_a
    if top_s:
        meta.source = top_s
    meta.views = _views(soup, meta.title_el)
    meta.lead = _lead(index)
    return meta


def _views(soup: BeautifulSoup, anchor: Tag | None) -> int | None:
    rx = bylines().views
    start = anchor if anchor is not None else (soup.body or soup)
    n = 0
    memo: dict[int, str] = {}
    for node in start.next_elements:
        if not TEXT_TYPE[type(node)]:
            continue
        s = str(node)
        if not s.strip():
            continue
        n += 1
        if n > 400:
            break
        if "xem" not in s.lower() and "view" not in s.lower() and "đọc" not in s.lower() \
                and "Đã" not in s:
            continue
        m = rx.search(norm_line(line_of(node, memo)))
        if m and not in_list(node):
            return int(re.sub(r"[.,]", "", m.group(1)))
    return None


def _lead(index: Index) -> str | None:
    """The sapo as the page shows it (a visible element); None when the page shows none."""
    el = _select_first(index, patterns().meta["lead"], max_len=2000, min_len=20)
    if el is not None:
        t = normalize(text_of(el))
        if len(t) >= 20:
            return t
    return None
