"""Finding article URLs: links in listing pages (with pagination), sitemaps, RSS/Atom feeds.

Each discovered link gets a *kind* — ``page`` (an article: fetched and extracted), ``listing``
(fetched for its links), ``sitemap`` or ``feed`` — or a skip reason (``filter``, ``since``). The
rules (asset extensions, login/print/share paths, pagination words, article URL shapes) live in
``crawl_rules.toml``. Listing items usually show a date next to the link; with ``since`` those
older items are skipped and the listing stops paging at the first page that reaches them.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

from courlan import extract_domain
from lxml import etree, html

from models.text import canonical_url, fold

_DATE_DMY = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)")
_DATE_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})")
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")


@dataclass(slots=True, frozen=True)
class Link:
    url: str  # canonical
    kind: str  # page | listing | sitemap | feed | skip
    listed: date | None = None
    reason: str | None = None  # why skipped


@dataclass(slots=True, frozen=True)
class _Rules:
    extensions: frozenset[str]
    segments: frozenset[str]
    query_keys: frozenset[str]
    hosts: frozenset[str]
    next_texts: frozenset[str]
    page_keys: frozenset[str]
    page_paths: tuple[re.Pattern[str], ...]
    article: tuple[re.Pattern[str], ...]
    id_keys: frozenset[str]


@cache
def rules() -> _Rules:
    data = tomllib.loads((Path(__file__).with_name("crawl_rules.toml")).read_text("utf-8"))
    f, p, a = data["filter"], data["pagination"], data["article"]
    return _Rules(
        extensions=frozenset(f["skip_extensions"]),
        segments=frozenset(f["skip_segments"]),
        query_keys=frozenset(f["skip_query_keys"]),
        hosts=frozenset(f["skip_hosts"]),
        next_texts=frozenset(p["next_texts"]),
        page_keys=frozenset(p["query_keys"]),
        page_paths=tuple(re.compile(x, re.I) for x in p["path_patterns"]),
        article=tuple(re.compile(x, re.I) for x in a["patterns"]),
        id_keys=frozenset(a["id_query_keys"]),
    )


def parse_day(text: str) -> date | None:
    """The first dd/mm/yyyy or yyyy-mm-dd date in ``text``."""
    for rx, order in ((_DATE_DMY, (2, 1, 0)), (_DATE_ISO, (0, 1, 2))):
        m = rx.search(text)
        if m:
            g = [int(x) for x in m.groups()]
            try:
                return date(g[order[0]], g[order[1]], g[order[2]])
            except ValueError:
                continue
    return None


def site_domain(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return extract_domain(url, fast=True) or host


@lru_cache(maxsize=65536)
def filter_reason(url: str) -> str | None:
    """Why a URL is not worth fetching as a page, or None.

    Cached, like :func:`looks_like_article`: a portal repeats its menus and its pager's page
    numbers on every listing page, so most links a crawl classifies it has classified before."""
    r = rules()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return "filter"
    if (parts.hostname or "") in r.hosts:
        return "filter"
    path = parts.path.lower()
    last = path.rsplit("/", 1)[-1]
    if "." in last and last.rsplit(".", 1)[-1] in r.extensions:
        return "filter"
    for seg in path.split("/"):
        if seg in r.segments or seg.split(".")[0] in r.segments:
            return "filter"
    if any(k.lower() in r.query_keys for k, _ in parse_qsl(parts.query, keep_blank_values=True)):
        return "filter"
    return None


@lru_cache(maxsize=65536)
def looks_like_article(url: str) -> bool:
    r = rules()
    parts = urlsplit(url)
    last = parts.path.rstrip("/").rsplit("/", 1)[-1] if parts.path.rstrip("/") else ""
    if last and any(rx.search(last) for rx in r.article):
        return True
    return any(k.lower() in r.id_keys and v.isdigit() for k, v in parse_qsl(parts.query))


def looks_like_pagination(url: str, text: str = "", rel: str = "") -> bool:
    if "next" in rel.lower().split() or _paged_url(url):
        return True
    t = fold(" ".join(text.split()))
    return bool(t) and (t in rules().next_texts or t.isdigit())


@lru_cache(maxsize=65536)
def _paged_url(url: str) -> bool:
    r = rules()
    parts = urlsplit(url)
    if any(k.lower() in r.page_keys and v.isdigit() for k, v in parse_qsl(parts.query)):
        return True
    return any(rx.search(parts.path) for rx in r.page_paths)


@lru_cache(maxsize=65536)
def _absolute(base: str, href: str) -> str:
    """The canonical URL an href names (ValueError when it names none)."""
    return canonical_url(urljoin(base, href))


def _item_date(a: html.HtmlElement) -> date | None:
    """The date shown with a listing item: in the link's block, if that block holds one item."""
    node = a
    for _ in range(3):
        node = node.getparent()
        if node is None or node.tag in ("body", "html", "ul", "ol", "table", "tbody"):
            return None
        if len(node.findall(".//a")) > 3:
            return None
        found = parse_day(node.text_content())
        if found is not None:
            return found
    return None


def links_from_html(body: bytes | str, base_url: str, *, since: date | None = None,
                    is_listing: bool = True) -> tuple[list[Link], bool]:
    """Links of an HTML page, classified. Returns (links, reached_since): the second is True when a
    dated item older than ``since`` was seen, so the caller stops following pagination."""
    try:
        doc = html.fromstring(body if isinstance(body, bytes) else body.encode("utf-8"))
    except (etree.ParserError, ValueError):
        return [], False
    base = base_url
    for b in doc.iter("base"):
        if b.get("href"):
            base = urljoin(base_url, b.get("href"))
            break
    parts = urlsplit(base)
    origin = f"{parts.scheme}://{parts.netloc}/"
    out: dict[str, Link] = {}
    reached = False
    pagination: list[str] = []
    for el in doc.iter("a", "link"):
        href = (el.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
            continue
        if href.startswith(("http://", "https://")):
            against = ""  # an absolute URL does not depend on the page it is on
        elif href[0] == "/" and href[:2] != "//":
            against = origin  # a path-absolute one only on the page's origin: one entry per site
        else:
            against = base
        try:
            url = _absolute(against, href)
        except ValueError:
            continue
        if url in out:
            continue
        if el.tag == "link":
            rel, typ = (el.get("rel") or "").lower(), (el.get("type") or "").lower()
            if "alternate" in rel and typ in _FEED_TYPES:
                out[url] = Link(url, "feed")
            elif "next" in rel.split():
                pagination.append(url)
            continue
        why = filter_reason(url)
        if why:
            out[url] = Link(url, "skip", reason=why)
            continue
        if looks_like_article(url):
            listed = _item_date(el) if is_listing else None
            if since and listed and listed < since:
                reached = True
                out[url] = Link(url, "skip", listed=listed, reason="since")
            else:
                out[url] = Link(url, "page", listed=listed)
        elif looks_like_pagination(url, el.text_content(), el.get("rel") or ""):
            pagination.append(url)
        elif is_listing and (listed := _item_date(el)) is not None:
            # A dated item of a listing is an article whatever its URL looks like (?id=.., .bbg).
            if since and listed < since:
                reached = True
                out[url] = Link(url, "skip", listed=listed, reason="since")
            else:
                out[url] = Link(url, "page", listed=listed)
        elif url.lower().endswith((".xml", ".rss")) or "sitemap" in url.lower() or "/rss" in url.lower():
            out[url] = Link(url, "feed" if "sitemap" not in url.lower() else "sitemap")
        else:
            out[url] = Link(url, "listing")
    for url in pagination:
        if url not in out:
            out[url] = Link(url, "skip", reason="since") if reached else Link(url, "listing")
    return list(out.values()), reached


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def parse_xml_links(body: bytes, base_url: str, *, since: date | None = None) -> list[Link]:
    """URLs of a sitemap, sitemap index, RSS or Atom feed (namespaces ignored)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError:
        return []
    if root is None:
        return []
    kind = _local(root.tag)
    out: list[Link] = []
    if kind in ("urlset", "sitemapindex"):
        child_kind = "sitemap" if kind == "sitemapindex" else None
        for item in root:
            loc = lastmod = None
            for f in item:
                name = _local(f.tag)
                if name == "loc":
                    loc = (f.text or "").strip()
                elif name == "lastmod":
                    lastmod = (f.text or "").strip()
            if loc:
                out.append(_xml_link(loc, base_url, child_kind, lastmod, since))
    elif kind in ("rss", "rdf", "feed"):
        for item in root.iter():
            name = _local(item.tag)
            if name not in ("item", "entry"):
                continue
            loc = when = None
            for f in item:
                fname = _local(f.tag)
                if fname == "link":
                    loc = (f.get("href") or f.text or "").strip() or loc
                elif fname in ("pubdate", "published", "updated", "date") and not when:
                    when = (f.text or "").strip()
            if loc:
                out.append(_xml_link(loc, base_url, None, when, since))
    return [x for x in out if x is not None]


def _xml_link(loc: str, base_url: str, kind: str | None, when: str | None, since: date | None) -> Link:
    url = canonical_url(urljoin(base_url, loc))
    listed = _feed_date(when) if when else None
    if kind is None:
        why = filter_reason(url)
        if why:
            return Link(url, "skip", reason=why)
        kind = "page"
    if since and listed and listed < since:
        return Link(url, "skip", listed=listed, reason="since")
    return Link(url, kind, listed=listed)


def _feed_date(text: str) -> date | None:
    import email.utils

    found = parse_day(text)
    if found:
        return found
    try:
        return email.utils.parsedate_to_datetime(text).date()
    except (TypeError, ValueError):
        return None


def is_article_page(body: bytes) -> bool:
    """Cheap page-side signal for URLs whose shape said nothing: article metadata in the head."""
    head = body[:20000].lower()
    return (b'og:type" content="article' in head or b"article:published_time" in head
            or b'"newsarticle"' in head or b"<article" in head)
