"""Title, publication date, author, source, views and lead of an article page.

Metadata is read from the parsed tree *before* cleaning mutates it. Where a portal gives the same
thing twice the machine-readable form wins (JSON-LD, ``<meta>``), then what a reader sees next to
the title, then the URL. Dates are never taken from link lists: a sidebar of "Tin mới nhất" holds a
dozen dates and none is the article's, so the visible date is the *date line nearest the title*.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import resources

from bs4 import BeautifulSoup, NavigableString, Tag

from extractor.clean import (
    BLOCK_TAGS,
    Index,
    Paragraph,
    class_tokens,
    is_hidden,
    patterns,
    squash,
    text_of,
)
from extractor.decode import normalize_text as normalize
from models.record import VN_TZ
from models.text import fold

Moment = datetime | date


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


@dataclass(frozen=True, slots=True)
class _DateData:
    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    url: tuple[re.Pattern[str], ...]
    published_labels: tuple[str, ...]
    reject_labels: tuple[str, ...]
    max_line: int
    meta_published: tuple[str, ...]
    meta_updated: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _BylineData:
    prefix: re.Pattern[str]
    source_prefix: re.Pattern[str]
    unit: re.Pattern[str]
    suffix: re.Pattern[str]
    agencies: tuple[str, ...]
    staff: frozenset[str]
    views: re.Pattern[str]


def _load(name: str) -> dict:
    return tomllib.loads(resources.files("extractor.patterns").joinpath(name).read_text("utf-8"))


@cache
def _dates() -> _DateData:
    raw = _load("dates.toml")
    return _DateData(
        patterns=tuple((p["name"], re.compile(p["regex"])) for p in raw["patterns"]),
        url=tuple(re.compile(p) for p in raw["url"]["patterns"]),
        published_labels=tuple(normalize(x).lower() for x in raw["labels"]["published"]),
        reject_labels=tuple(normalize(x).lower() for x in raw["labels"]["reject"]),
        max_line=int(raw["labels"]["max_line"]),
        meta_published=tuple(x.lower() for x in raw["meta"]["published"]),
        meta_updated=tuple(x.lower() for x in raw["meta"]["updated"]),
    )


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(normalize(w)) for w in sorted(words, key=len, reverse=True))


@cache
def _bylines() -> _BylineData:
    raw = _load("meta_bylines.toml")
    return _BylineData(
        prefix=re.compile(rf"^(?:{_alt(raw['prefixes'])})\s*[:：]\s*", re.I),
        source_prefix=re.compile(rf"^\(?\s*(?:{_alt(raw['source_prefixes'])})\b", re.I),
        unit=re.compile(rf"(?:^|[\s,(–—-])(?:{_alt(raw['units'])})(?=$|[\s.,:;)–—-])"),
        suffix=re.compile(rf"\s*(?:{_alt(raw['suffixes'])})\s*$", re.I),
        agencies=tuple(normalize(a) for a in raw["agencies"]),
        staff=frozenset(raw["staff"]),
        views=re.compile(rf"(?:{_alt(raw['views'])})\s*[:：]?\s*(\d{{1,3}}(?:[.,]\d{{3}})+|\d+)", re.I),
    )


# --- dates -----------------------------------------------------------------------------------

def _moment(m: re.Match[str]) -> Moment | None:
    g = m.groupdict()
    try:
        d = date(int(g["y"]), int(g["m"]), int(g["d"]))
    except ValueError:
        return None
    if g.get("H") and g.get("M"):
        h, mi = int(g["H"]), int(g["M"])
        if h < 24 and mi < 60:
            return datetime(d.year, d.month, d.day, h, mi, int(g.get("S") or 0), tzinfo=VN_TZ)
    return d


def find_date(text: str) -> tuple[Moment, re.Match[str]] | None:
    """The first well-formed date in ``text`` (with its time when one is printed next to it)."""
    best: tuple[int, Moment, re.Match[str]] | None = None
    for _, rx in _dates().patterns:
        for m in rx.finditer(text):
            mo = _moment(m)
            if mo is None:
                continue
            # prefer the earliest match; at the same place prefer the one that carries a time
            key = m.start() * 2 + (0 if isinstance(mo, datetime) else 1)
            if best is None or key < best[0]:
                best = (key, mo, m)
            break
    return (best[1], best[2]) if best else None


def parse_iso(value: str) -> Moment | None:
    """An ISO 8601 or near-ISO date(-time) from metadata; naive times are Vietnam time."""
    value = value.strip()
    if not value:
        return None
    v = value.replace("Z", "+00:00").replace(" ", "T", 1) if re.match(r"^\d{4}-\d{2}-\d{2}", value) else value
    try:
        if len(v) == 10:
            return date.fromisoformat(v)
        dt = datetime.fromisoformat(v)
        return dt.replace(tzinfo=VN_TZ) if dt.tzinfo is None else dt.astimezone(VN_TZ)
    except ValueError:
        found = find_date(normalize(value))
        return found[0] if found else None


def date_from_url(url: str | None) -> date | None:
    if not url:
        return None
    from urllib.parse import urlsplit

    path = urlsplit(url).path
    for rx in _dates().url:
        m = rx.search(path)
        if m:
            mo = _moment(m)
            if isinstance(mo, date) and 1990 <= mo.year <= 2100:
                return mo if not isinstance(mo, datetime) else mo.date()
    return None


# --- the tree ---------------------------------------------------------------------------------

_LISTY = frozenset({"sidebar", "related", "relate", "lienquan", "tinlienquan", "tinkhac", "other", "othernews",
                    "latest", "tinmoi", "listnews", "widget", "footer", "menu", "nav", "marquee", "tbtinkhac",
                    "showdate", "vanbanmoi", "morenews", "today", "weather", "thoitiet", "copyright",
                    "comment", "comments", "counter"})
_LISTY_TAGS = frozenset({"li", "a", "nav", "footer", "aside", "option", "select", "dt", "dd", "marquee"})


def _in_list(node: NavigableString | Tag, stop: Tag | None = None) -> bool:
    """True when a string sits in a link, a list item or a box of other news."""
    el = node.parent if isinstance(node, NavigableString) else node
    depth = 0
    while el is not None and el is not stop and depth < 40:
        if el.name in _LISTY_TAGS or is_hidden(el):
            return True
        if el.name in ("body", "html"):
            return False
        if class_tokens(el) & _LISTY:
            return True
        el = el.parent
        depth += 1
    return False


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
            if _in_list(el):
                continue
            t = text_of(el, limit=max_len + 1)
            if min_len <= len(t) <= max_len:
                return el
    return None


# --- title -------------------------------------------------------------------------------------

def _strip_site(title: str) -> str:
    """'Article - Cổng thông tin điện tử huyện X' -> 'Article' (also 'Báo X | Article')."""
    pm = patterns().meta
    site_words = tuple(fold(w) for w in pm["site_words"])
    seps = pm["title_separators"]
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
    raw_title = normalize(squash(soup.title.get_text(" ", strip=True))) if soup.title else ""
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
        return ld_head, _locate(soup, ld_head, candidates)
    if og:
        return og, _locate(soup, og, candidates)
    if sel is not None:
        return normalize(text_of(sel)), sel
    if candidates:
        return normalize(text_of(candidates[0])), candidates[0]
    # No heading element: the part of <title> that the page also shows as a line of its own.
    for part in sorted(_title_parts(raw_title), key=len, reverse=True):
        el = _locate(soup, part, [], exact=True)
        if el is not None:
            return part, el
    return (page_title or None), _locate(soup, page_title, []) if page_title else None


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


def _locate(soup: BeautifulSoup, title: str, candidates: list[Tag], *, exact: bool = False) -> Tag | None:
    """The element showing ``title`` on the page (anchor for the date search)."""
    if exact:
        want = fold(title)
        body = soup.body or soup
        for node in body.find_all(string=True, limit=3000):
            if len(node) < len(title) + 20 and fold(squash(str(node))) == want and not _in_list(node):
                return node.parent
        return None
    key = fold(title)[:60]
    for el in candidates:
        if fold(text_of(el)).startswith(key[:30]):
            return el
    for tag in ("h1", "h2", "h3", "p", "div", "td", "span", "strong", "b"):
        for el in soup.find_all(tag, limit=400):
            own = el.find(string=True, recursive=False)
            if own and fold(squash(str(own))).startswith(key[:30]) and len(key) >= 10:
                return el
    return None


# --- visible date ------------------------------------------------------------------------------

def _visible_date(soup: BeautifulSoup, anchor: Tag | None) -> tuple[Moment, str] | None:
    """The date line nearest the title: a short string holding a date, outside any list of links."""
    dd = _dates()
    inside = anchor
    if anchor is None:
        anchor = soup.body or soup
        inside = None
    found: list[tuple[float, Moment, str]] = []
    for direction, it, limit, weight in (("after", anchor.next_elements, 80, 1.0),
                                         ("before", anchor.previous_elements, 30, 1.5)):
        n = 0
        for node in it:
            if not isinstance(node, NavigableString) or isinstance(node, _skip_types()):
                continue
            raw = node.strip()
            if not raw:
                continue
            n += 1
            if n > limit:
                break
            if not any(c.isdigit() for c in raw):
                continue
            if inside is not None and _within(node, inside):
                continue  # the title itself may hold a date ("... đợt 3/2/2026")
            line = normalize(squash(_line_of(node)))
            hit = find_date(line)
            if hit is None or _in_list(node):
                continue
            low = line.lower()
            if any(lab in low for lab in dd.reject_labels):
                continue
            rest = len(line) - len(hit[1].group(0))
            before = low[max(0, hit[1].start() - 30): hit[1].start()]
            labelled = rest <= 200 and any(lab in before for lab in dd.published_labels)
            if rest <= dd.max_line or labelled:
                score = n * weight - (5 if labelled else 0) - (2 if isinstance(hit[0], datetime) else 0)
                found.append((score, hit[0], direction))
            if len(found) >= 3:
                break
    if not found:
        return None
    found.sort(key=lambda f: f[0])
    return found[0][1], found[0][2]


def _within(node: NavigableString, el: Tag) -> bool:
    return any(p is el for p in node.parents)


def _line_of(node: NavigableString) -> str:
    """The text of the smallest block around a string (a date may be split over spans)."""
    el = node.parent
    for _ in range(30):
        if el is None or el.name in BLOCK_TAGS or el.parent is None:
            break
        el = el.parent
    if el is None:
        return str(node)
    t = text_of(el, limit=301)
    return t if len(t) <= 300 else str(node)


@cache
def _skip_types() -> tuple[type, ...]:
    from extractor.clean import _SKIP_STRINGS

    return _SKIP_STRINGS


# --- bylines -----------------------------------------------------------------------------------

_NAME_WORD = re.compile(r"^(?:[A-ZĐÀ-Ỹ][a-zđà-ỹ]*\.?|[A-ZĐ]{1,4}\.?|[A-ZĐ]\.[A-ZĐ]\.?)$")


def _is_name(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= 6 or len(text) > 45:
        return False
    if len(words) == 1 and not (text in _bylines().staff or re.fullmatch(r"[A-ZĐ]{2,4}", text)
                                or _NAME_WORD.match(text)):
        return False
    return all(_NAME_WORD.match(w) for w in words)


def parse_byline(line: str) -> tuple[str | None, str | None] | None:
    """(author, source) of a credit line, or None when the line is not one.

    "Tin, ảnh: Nguyễn Thị Thu Trang" -> ("Nguyễn Thị Thu Trang", None);
    "Minh Hằng (Trung tâm VH-TT&TT huyện)" -> ("Minh Hằng", None); "Theo baobacninh.vn" -> (None, "Theo baobacninh.vn").
    """
    bd = _bylines()
    text = normalize(squash(line)).strip()
    text = re.sub(r"\s*(?:\./\.|/\.|\.)\s*$", "", text).strip(" .-–—")
    if not text or len(text) > 90:
        return None
    if re.fullmatch(r"(?:https?://|www\.)\S+", text):
        return None, text  # a bare link to the original article
    if bd.source_prefix.match(text):
        src = text.strip("()").strip()
        return (None, src) if 5 <= len(src) <= 80 else None
    if text in bd.agencies or text.strip("()") in bd.agencies:
        return None, text.strip("()")
    had_prefix = bool(bd.prefix.match(text))
    text = bd.prefix.sub("", text).strip()
    text = re.sub(r"\s*\([^)]*\)\s*", " ", text).strip()  # "(Trung tâm VH-TT&TT huyện)"
    text = bd.suffix.sub("", text).strip(" .,-–—")
    names: list[str] = []
    for part in re.split(r"\s*(?:[–—,;]|\s-\s|-(?=\s*[A-ZĐ]))\s*", text):
        part = part.strip(" .")
        if not part:
            continue
        m = bd.unit.search(part)
        if m is not None:
            if m.start() == 0 or not part[: m.start()].strip():
                break  # the rest is the unit: "– Đài TT Huyện"
            part = part[: m.start()].strip(" .-–—")
        if _is_name(part):
            names.append(part)
        else:
            break
    if not names:
        # "Văn phòng Huyện ủy", "Ban Biên tập": an office credited instead of a person
        if bd.unit.match(text) and len(text) <= 60 and len(text.split()) <= 7 and not re.search(r"\d|[.;:!?]", text) \
                and not line.rstrip().endswith("."):
            return None, text
        return None
    if all(n in bd.agencies or fold(n).startswith(tuple(fold(a) + " " for a in bd.agencies)) for n in names):
        return None, " ".join(names)
    if len(names) == 1 and len(names[0].split()) == 1 and not had_prefix and names[0] not in bd.staff \
            and not re.fullmatch(r"[A-ZĐ]{2,4}", names[0]):
        return None  # one capitalised word alone ("Hết", "Trân trọng") is not a signature
    return ", ".join(dict.fromkeys(names)), None


def signature(paras: list[Paragraph]) -> tuple[str | None, str | None, int]:
    """Credit lines at the end of the body: (author, source, how many trailing paragraphs they are)."""
    author = source = None
    used = 0
    for p in reversed(paras[-3:]):
        parsed = parse_byline(p.text)
        if parsed is None:
            break
        a, s = parsed
        plausible = p.right or p.bold or len(p.text) <= 40 or s is not None
        if not plausible:
            break
        if a and author is None:
            author = a
        if s and source is None:
            source = s
        used += 1
        if a:
            break
    return author, source, used


def leading(paras: list[Paragraph]) -> tuple[str | None, str | None, Moment | None, int]:
    """Dateline and byline opening the body ("Xã X, ngày 21 tháng 10 năm 2022", a bold name):
    (author, source, date, how many leading paragraphs they are)."""
    author = source = None
    when: Moment | None = None
    used = 0
    bd = _bylines()
    for p in paras[:3]:
        text = normalize(p.text)
        hit = find_date(text) if len(text) <= 90 else None
        if hit is not None and len(text) - len(hit[1].group(0)) <= 45 and when is None:
            when = hit[0]
            used += 1
            continue
        parsed = parse_byline(text) if len(text) <= 60 else None
        if parsed and (p.bold or p.right or bd.prefix.match(text)) and author is None and source is None:
            author, source = parsed
            used += 1
            continue
        break
    return author, source, when, used


def _top_byline(anchor: Tag | None) -> tuple[str | None, str | None]:
    """A credit line right under the title ("Tin, ảnh: ...", class="author")."""
    if anchor is None:
        return None, None
    bd = _bylines()
    n = 0
    for node in anchor.next_elements:
        if not isinstance(node, NavigableString) or isinstance(node, _skip_types()):
            continue
        raw = squash(str(node))
        if not raw:
            continue
        n += 1
        if n > 12:
            break
        line = normalize(squash(_line_of(node)))
        if bd.prefix.match(line) or (node.parent is not None and {"author", "byline", "tacgia"}
                                     & _ancestor_tokens(node.parent, 3)) or _emphasised(node):
            parsed = parse_byline(line)
            if parsed:
                return parsed
    return None, None


def _emphasised(node: NavigableString) -> bool:
    """Bold or right-aligned: how portals set a byline apart when it has no label."""
    el = node.parent
    for _ in range(4):
        if el is None or el.name in BLOCK_TAGS and el.name not in ("td", "p", "div"):
            return False
        if el.name in ("b", "strong", "em", "i") or str(el.get("align", "")).lower() == "right" \
                or "right" in str(el.get("style", "")).lower().replace(" ", "").partition("text-align:")[2][:6]:
            return True
        el = el.parent
    return False


def _ancestor_tokens(el: Tag, depth: int) -> set[str]:
    out: set[str] = set()
    for _ in range(depth):
        if el is None or not isinstance(el, Tag):
            break
        out |= class_tokens(el)
        el = el.parent
    return out


# --- the whole header --------------------------------------------------------------------------

def read_meta(soup: BeautifulSoup, url: str | None, index: Index | None = None) -> Meta:
    """Everything but the signature, from the untouched tree."""
    meta = Meta()
    index = index or Index(soup)
    metas = _meta_content(index)
    ld = _jsonld(index)
    meta.title, meta.title_el = _title(soup, index, metas, ld)
    if not meta.title:
        meta.warnings.append("title: no <h1>, og:title or <title> found")

    dd = _dates()
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
            if isinstance(v, str) and not _in_list(el) and (mo := parse_iso(v)):
                meta.published, meta.published_how = mo, "time[datetime]"
                break
    if meta.published is None:
        vis = _visible_date(soup, meta.title_el)
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
    top_a, top_s = _top_byline(meta.title_el)
    if top_a:
        meta.author = top_a
    if top_s:
        meta.source = top_s
    meta.views = _views(soup, meta.title_el)
    meta.lead = _lead(index)
    return meta


def _views(soup: BeautifulSoup, anchor: Tag | None) -> int | None:
    rx = _bylines().views
    start = anchor if anchor is not None else (soup.body or soup)
    n = 0
    for node in start.next_elements:
        if not isinstance(node, NavigableString) or isinstance(node, _skip_types()):
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
        m = rx.search(normalize(squash(_line_of(node))))
        if m and not _in_list(node):
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
