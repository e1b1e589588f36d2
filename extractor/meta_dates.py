"""Publication dates: the formats portals print (patterns/dates.toml), ISO metadata, URL paths,
and the *date line nearest the title* -- never a date from a list of other news."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, lru_cache
from importlib import resources
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag

from extractor.clean import BLOCK_TAGS, TEXT_TYPE, class_tokens, is_hidden, squash, text_of
from models.record import VN_TZ
from models.text import normalize

Moment = datetime | date


def load_patterns(name: str) -> dict:
    return tomllib.loads(resources.files("extractor.patterns").joinpath(name).read_text("utf-8"))

@dataclass(frozen=True, slots=True)
class _DateData:
    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    url: tuple[re.Pattern[str], ...]
    published_labels: tuple[str, ...]
    reject_labels: tuple[str, ...]
    max_line: int
    meta_published: tuple[str, ...]
    meta_updated: tuple[str, ...]


@cache
def dates() -> _DateData:
    raw = load_patterns("dates.toml")
    return _DateData(
        patterns=tuple((p["name"], re.compile(p["regex"])) for p in raw["patterns"]),
        url=tuple(re.compile(p) for p in raw["url"]["patterns"]),
        published_labels=tuple(normalize(x).lower() for x in raw["labels"]["published"]),
        reject_labels=tuple(normalize(x).lower() for x in raw["labels"]["reject"]),
        max_line=int(raw["labels"]["max_line"]),
        meta_published=tuple(x.lower() for x in raw["meta"]["published"]),
        meta_updated=tuple(x.lower() for x in raw["meta"]["updated"]),
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
    for _, rx in dates().patterns:
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


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def parse_iso(value: str) -> Moment | None:
    """An ISO 8601 or near-ISO date(-time) from metadata; naive times are Vietnam time."""
    value = value.strip()
    if not value:
        return None
    v = value.replace("Z", "+00:00").replace(" ", "T", 1) if _ISO_DAY.match(value) else value
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
    path = urlsplit(url).path
    for rx in dates().url:
        m = rx.search(path)
        if m:
            mo = _moment(m)
            if isinstance(mo, date) and 1990 <= mo.year <= 2100:
                return mo if not isinstance(mo, datetime) else mo.date()
    return None


_LISTY = frozenset({"sidebar", "related", "relate", "lienquan", "tinlienquan", "tinkhac", "other", "othernews",
                    "latest", "tinmoi", "listnews", "widget", "footer", "menu", "nav", "marquee", "tbtinkhac",
                    "showdate", "vanbanmoi", "morenews", "today", "weather", "thoitiet", "copyright",
                    "comment", "comments", "counter"})
_LISTY_TAGS = frozenset({"li", "a", "nav", "footer", "aside", "option", "select", "dt", "dd", "marquee"})


def in_list(node: NavigableString | Tag, stop: Tag | None = None) -> bool:
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


# --- visible date ------------------------------------------------------------------------------

def visible_date(soup: BeautifulSoup, anchor: Tag | None, body: Tag | None = None) -> tuple[Moment, str] | None:
    """The date line nearest the title: a short string holding a date, outside any list of links,
    and not past the end of the article ``body`` (what follows it is other news)."""
    dd = dates()
    end = None
    if body is not None:
        last = body._last_descendant() if hasattr(body, "_last_descendant") else None
        end = last.next_element if last is not None else None
    inside = anchor
    if anchor is None:
        anchor = soup.body or soup
        inside = None
    found: list[tuple[float, Moment, str]] = []
    memo: dict[int, str] = {}
    # Unlabelled date lines count only close to the title; a labelled one ("Ngày đăng: ...") is also
    # found at the foot of a long article.
    for direction, it, near, limit, weight in (("after", anchor.next_elements, 80, 600, 1.0),
                                               ("before", anchor.previous_elements, 30, 30, 1.5)):
        n = 0
        past_end = None  # strings seen after the article body: only a labelled line, right after it
        for node in it:
            if direction == "after" and end is not None and node is end:
                past_end = 0
            if not TEXT_TYPE[type(node)]:
                continue
            raw = node.strip()
            if not raw:
                continue
            n += 1
            if n > limit:
                break
            if past_end is not None:
                past_end += 1
                if past_end > 15:
                    break
            if not any(map(str.isdigit, raw)):
                continue
            if inside is not None and _within(node, inside):
                continue  # the title itself may hold a date ("... đợt 3/2/2026")
            line, hit = dated_line(line_of(node, memo))
            if hit is None or in_list(node):
                continue
            low = line.lower()
            if any(lab in low for lab in dd.reject_labels):
                continue
            rest = len(line) - len(hit[1].group(0))
            before = low[max(0, hit[1].start() - 30): hit[1].start()]
            labelled = rest <= 200 and any(lab in before for lab in dd.published_labels)
            if labelled or (rest <= dd.max_line and n <= near and past_end is None):
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


def line_of(node: NavigableString, memo: dict[int, str] | None = None) -> str:
    """The text of the smallest block around a string (a date may be split over spans).

    ``memo`` (block id -> text, for one untouched tree) spares re-reading a block for each of its
    strings when a caller walks many of them."""
    el = node.parent
    for _ in range(30):
        if el is None or el.name in BLOCK_TAGS or el.parent is None:
            break
        el = el.parent
    if el is None:
        return str(node)
    if memo is None:
        t = text_of(el, limit=301)
    else:
        t = memo.get(id(el))
        if t is None:
            t = memo[id(el)] = text_of(el, limit=301)
    return t if len(t) <= 300 else str(node)


_MEMO_MAX = 400  # characters: a line is short; a long string (a whole text node) is not memoised


def norm_line(raw: str) -> str:
    """``normalize(squash(raw))`` of a line; short lines (bylines, date lines, a site's furniture)
    come back many times per page and per site, so they are memoised."""
    return _norm_line(raw) if len(raw) <= _MEMO_MAX else normalize(squash(raw))


def dated_line(raw: str) -> tuple[str, tuple[Moment, re.Match[str]] | None]:
    """The normalised line and :func:`find_date` of it (results are read, never changed)."""
    if len(raw) > _MEMO_MAX:
        line = normalize(squash(raw))
        return line, find_date(line)
    return _dated_line(raw)


@lru_cache(maxsize=4096)
def _norm_line(raw: str) -> str:
    return normalize(squash(raw))


@lru_cache(maxsize=4096)
def _dated_line(raw: str) -> tuple[str, tuple[Moment, re.Match[str]] | None]:
    line = norm_line(raw)
    return line, find_date(line)
