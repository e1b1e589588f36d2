"""Main text of an article page: find the body container, drop what is not the article, and
serialise what is left as paragraphs.

Two ways to find the body: the CMS conventions in ``patterns/selectors.toml`` (fast and exact on
known templates), and a readability-style density score for templates nobody listed (blocks rich
in plain text and poor in links win). Every traversal here is iterative: a page nested 10,000
levels deep must not hit Python's recursion limit.

Paragraphs keep a little layout evidence (right-aligned, bold) because the signature line at the
end of a Vietnamese article is told apart from body text by exactly that.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from itertools import islice

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag
from bs4.element import CData, Script, Stylesheet, TemplateString

from extractor.folding import fold

_SKIP_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction, CData, Script, Stylesheet, TemplateString)
BLOCK_TAGS = frozenset(
    ["p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "figure", "figcaption", "address", "center", "hr", "fieldset", "details", "summary", "body", "html", "header", "footer", "nav", "aside", "form"])
_INLINE_ALIGN = re.compile(r"text-align\s*:\s*(right|center)", re.I)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_TOKEN_SPLIT = re.compile(r"[\s_\-]+")
_PUNCT = re.compile(r"[^\w\s]")


@dataclass(slots=True)
class Paragraph:
    text: str
    right: bool = False  # right-aligned (signature lines are)
    bold: bool = False  # all of its text is bold or italic (emphasised)
    heading: bool = False


@dataclass(slots=True)
class Body:
    paragraphs: list[Paragraph]
    method: str  # "selector:<css>" | "density" | "none"
    container: Tag | None = None


@dataclass(frozen=True, slots=True)
class Patterns:
    content: tuple[str, ...]
    min_chars: int
    tokens: frozenset[str]
    drop_tags: frozenset[str]
    headings: frozenset[str]
    lines: frozenset[str]
    meta: dict


@cache
def patterns() -> Patterns:
    """selectors.toml, loaded once per process."""
    raw = tomllib.loads(resources.files("extractor.patterns").joinpath("selectors.toml").read_text("utf-8"))
    bp = raw["boilerplate"]
    return Patterns(
        content=tuple(raw["content"]["selectors"]),
        min_chars=int(raw["content"]["min_chars"]),
        tokens=frozenset(t.replace("-", "").lower() for t in bp["tokens"]),
        drop_tags=frozenset(bp["drop_tags"]),
        headings=frozenset(_label(h) for h in bp["headings"]),
        lines=frozenset(_label(h) for h in bp["lines"]),
        meta=raw["meta"],
    )


def _label(text: str) -> str:
    """Comparable form of a short label: folded, no punctuation, single spaces."""
    return " ".join(_PUNCT.sub(" ", fold(text)).split())


def squash(text: str) -> str:
    """Runs of whitespace (NBSP included) as one space, trimmed: ``str.split()`` splits on exactly
    what ``\\s`` matches, at C speed."""
    return " ".join(text.split())


def class_tokens(el: Tag) -> frozenset[str]:
    """Tokens of the class and id attributes ("tin-lien-quan" -> tinlienquan, tin, lien, quan).
    Asked for the same few class names thousands of times a page, so cached by attribute values."""
    attrs = el.attrs
    cls = attrs.get("class")
    ident = attrs.get("id")
    if not cls and not isinstance(ident, str):
        return _NO_TOKENS
    vals = tuple(cls) if isinstance(cls, list) else ((cls,) if cls else ())
    vals = vals + (ident,) if isinstance(ident, str) else vals
    if sum(map(len, vals)) > 512:  # a pathological attribute: computed, not memoised
        return _tokens.__wrapped__(vals)
    return _tokens(vals)


_NO_TOKENS: frozenset[str] = frozenset()


@lru_cache(maxsize=8192)
def _tokens(vals: tuple[str, ...]) -> frozenset[str]:
    out: set[str] = set()
    for v in vals:
        whole = v.lower().replace("-", "").replace("_", "")
        out.add(whole)
        out.update(t.lower() for t in _TOKEN_SPLIT.split(v) if t)
    return frozenset(out)


def is_boilerplate(el: Tag) -> bool:
    return bool(class_tokens(el) & patterns().tokens)


def is_hidden(el: Tag) -> bool:
    attrs = el.attrs
    style = attrs.get("style")
    return (isinstance(style, str) and bool(_HIDDEN.search(style))) or "hidden" in attrs


class _TextTypes(dict):
    """Node type -> whether it is visible text: a NavigableString but no comment, script, doctype...
    Filled per type on first sight; one dict look-up instead of two isinstance walks per node."""

    def __missing__(self, t: type) -> bool:
        v = self[t] = issubclass(t, NavigableString) and not issubclass(t, _SKIP_STRINGS)
        return v


TEXT_TYPE = _TextTypes()
_INVISIBLE_TAGS = frozenset(("script", "style", "noscript", "template"))


def text_of(el: Tag, limit: int | None = None) -> str:
    """All visible text of ``el`` (iterative; scripts, comments and hidden parts skipped).
    With ``limit``, stop once that many characters are collected (callers that only need to
    know "short or not" must not pay for a whole 20 MB subtree)."""
    if limit is None:
        return squash(" ".join(_strings(el)))
    parts: list[str] = []
    n = 0
    for s in _strings(el):
        parts.append(s)
        n += len(s)
        if n > limit * 2 + 200:
            break
    return squash(" ".join(parts))


class Stats:
    """Visible text, linked text, link and table counts of every subtree, in one O(n) pass.

    Accumulated bottom-up (reverse document order visits every child before its parent), so
    link-density and "is this a table of figures" questions cost O(1) each instead of a subtree
    walk each -- the difference between milliseconds and minutes on a deeply nested page.
    """

    def __init__(self, root: Tag) -> None:
        acc: dict[int, list[int]] = {}
        for node in reversed(list(root.descendants)):
            parent = node.parent
            if parent is None:
                continue
            if isinstance(node, NavigableString):
                if not TEXT_TYPE[type(node)]:
                    continue
                n = len(node.strip())
                if n:
                    acc.setdefault(id(parent), [0, 0, 0, 0])[0] += n
                continue
            mine = acc.get(id(node))
            if mine is None:
                mine = acc[id(node)] = [0, 0, 0, 0]
            if node.name in ("script", "style", "noscript", "template") or is_hidden(node):
                mine[:] = [0, 0, 0, 0]
                continue
            if node.name == "a":
                mine[1] = mine[0]
                mine[2] += 1
            elif node.name == "table":
                mine[3] += 1
            up = acc.setdefault(id(parent), [0, 0, 0, 0])
            for i in range(4):
                up[i] += mine[i]
        self._acc = acc

    def text(self, el: Tag) -> int:
        return self._acc.get(id(el), (0,))[0]

    def link_density(self, el: Tag) -> float:
        a = self._acc.get(id(el))
        return a[1] / a[0] if a and a[0] else 0.0

    def links(self, el: Tag) -> int:
        a = self._acc.get(id(el))
        return a[2] if a else 0

    def tables(self, el: Tag) -> int:
        a = self._acc.get(id(el))
        return a[3] if a else 0


def _strings(el: Tag):
    """Visible strings of ``el`` in order: ``el.descendants``, jumping over invisible subtrees."""
    if not el.contents:
        return
    stop = el._last_descendant(accept_self=True).next_element
    node = el.contents[0]
    while node is not stop and node is not None:
        if isinstance(node, Tag):
            if node.name in _INVISIBLE_TAGS or is_hidden(node):
                node = _after(node)
                if node is None:
                    return
            else:
                node = node.next_element
            continue
        if TEXT_TYPE[type(node)]:
            yield node
        node = node.next_element


def _after(node: Tag):
    """The element that follows ``node``'s whole subtree in document order (None at the end)."""
    last = node._last_descendant() if hasattr(node, "_last_descendant") else node
    return last.next_element if last is not None else node.next_element


def has_ancestor(node, names: tuple[str, ...], depth: int = 12) -> bool:
    """Bounded climb: a string is "in a link"/"bold" only through its near ancestors, and an
    unbounded climb costs O(depth) per string on pathologically nested pages."""
    el = node.parent
    for _ in range(depth):
        if el is None:
            return False
        if el.name in names:
            return True
        el = el.parent
    return False


# --- a one-pass index instead of soupsieve -----------------------------------------------------

_SIMPLE = re.compile(r"^(?P<tag>[a-z][a-z0-9]*)?(?:(?P<dot>\.)(?P<cls>[\w-]+)|#(?P<id>[\w-]+)|"
                     r"\[(?P<attr>[\w:-]+)(?:(?P<op>\*?=)(?P<val>[^\]]+))?\])?$")


class Index:
    """Tags by class, id, name and attribute, built in one pass over the tree.

    soupsieve walks the whole tree once per selector; with ~80 data-driven selectors that costs
    more than parsing. The selectors we keep as data are simple (``.cls``, ``#id``, ``tag``,
    ``[attr]``, ``[attr=v]``, ``[attr*=v]``, ``tag[attr]``), so an index answers all of them.
    """

    def __init__(self, soup: BeautifulSoup) -> None:
        self.by_class: dict[str, list[Tag]] = {}
        self.by_id: dict[str, list[Tag]] = {}
        self.by_name: dict[str, list[Tag]] = {}
        self.by_attr: dict[str, list[Tag]] = {}
        by_name, by_attr, by_class, by_id = self.by_name, self.by_attr, self.by_class, self.by_id
        for el in soup.descendants:  # soup.find_all(True) without its per-node filter machinery
            if not isinstance(el, Tag):
                continue
            by_name.setdefault(el.name, []).append(el)
            attrs = el.attrs
            if not attrs:
                continue
            for key in attrs:
                by_attr.setdefault(key, []).append(el)
            cls = attrs.get("class")
            if cls:
                for c in cls if isinstance(cls, list) else str(cls).split():
                    by_class.setdefault(c, []).append(el)
            ident = attrs.get("id")
            if isinstance(ident, str):
                by_id.setdefault(ident, []).append(el)

    def select(self, css: str, limit: int = 20) -> list[Tag]:
        g = _parse_selector(css)
        if g is None:
            return []
        if g["dot"]:
            found = self.by_class.get(g["cls"], [])
        elif g["id"]:
            found = self.by_id.get(g["id"], [])
        elif g["attr"]:
            attr, op, val = g["attr"], g["op"], (g["val"] or "").strip("\"'")
            found = self.by_attr.get(attr, [])
            if op:
                found = [el for el in found if _attr_match(el.get(attr), op, val)]
        else:
            found = self.by_name.get(g["tag"] or "", [])
        if g["tag"] and (g["dot"] or g["id"] or g["attr"]):
            found = [el for el in found if el.name == g["tag"]]
        return [el for el in found if el.parent is not None][:limit]


@lru_cache(maxsize=1024)
def _parse_selector(css: str) -> dict[str, str | None] | None:
    """The parts of a simple selector (the selectors are data, a few dozen, parsed once each)."""
    m = _SIMPLE.match(css.strip())
    return m.groupdict() if m else None


def _attr_match(value: object, op: str, want: str) -> bool:
    vals = value if isinstance(value, list) else [value]
    for v in vals:
        if not isinstance(v, str):
            continue
        if (op == "=" and v == want) or (op == "*=" and want in v):
            return True
    return False


# --- choosing the container ------------------------------------------------------------------

def find_container(soup: BeautifulSoup, index: Index | None = None) -> tuple[Tag | None, str]:
    pat = patterns()
    index = index or Index(soup)
    for css in pat.content:
        found = index.select(css)
        best: tuple[int, Tag] | None = None
        for el in found:
            n = len(text_of(el, limit=50_000))
            if n >= pat.min_chars and (best is None or n > best[0]):
                best = (n, el)
        if best is not None:
            return best[1], f"selector:{css}"
    el = _densest(soup)
    return (el, "density") if el is not None else (soup.body or soup, "none")


_PARA_LIKE = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dd", "dt", "pre", "blockquote"})


def _densest(soup: BeautifulSoup) -> Tag | None:
    """Readability-style scoring: text blocks vote for their parent (and half for the grandparent)."""
    pat = patterns()
    own: dict[int, list] = {}
    for node in soup.descendants:
        if not TEXT_TYPE[type(node)]:
            continue
        t = node.strip()
        if not t:
            continue
        block = node.parent
        in_link = False
        for _ in range(30):  # bounded: nested inline soup must not make this quadratic
            if block is None or block.name in BLOCK_TAGS:
                break
            if block.name == "a":
                in_link = True
            block = block.parent
        if block is None or block.name in pat.drop_tags or block.name not in BLOCK_TAGS:
            continue
        entry = own.setdefault(id(block), [block, 0, 0, 0])
        entry[1] += len(t)
        entry[2] += t.count(",")
        if in_link:
            entry[3] += len(t)
    scores: dict[int, list] = {}
    for block, n, commas, linked in own.values():
        if n < 25 or linked > n * 0.5:
            continue
        score = 1 + commas + min(n / 100, 3)
        # the block itself (unless it is a mere paragraph), its parent (where sibling paragraphs
        # add up) and half to the grandparent; on a tie the deeper element wins (inserted first).
        parent = block.parent
        grand = parent.parent if isinstance(parent, Tag) else None
        targets = [(1.0, parent), (0.5, grand)]
        if block.name not in _PARA_LIKE:
            targets.insert(0, (1.0, block))
        for share, el in targets:
            if isinstance(el, Tag) and el.name != "[document]":
                scores.setdefault(id(el), [el, 0.0])[1] += score * share
    if not scores:
        return None
    stats = Stats(soup)
    best: tuple[float, Tag] | None = None
    for el, score in sorted(scores.values(), key=lambda x: -x[1])[:50]:  # stable: ties keep order
        if el.name == "html":
            score *= 0.5
        if any(is_boilerplate(a) for a in [el, *islice(el.parents, 6)] if isinstance(a, Tag)):
            score *= 0.2
        score *= 1 - stats.link_density(el)
        if best is None or score > best[0]:
            best = (score, el)
    return best[1] if best else None


# --- pruning inside the container ------------------------------------------------------------

def prune(container: Tag) -> None:
    """Drop boilerplate blocks below the container (never the container or its ancestors)."""
    pat = patterns()
    stats = Stats(container)
    majority = stats.text(container) * 0.5
    doomed: list[Tag] = []
    skip_until = None
    for node in container.descendants:
        if skip_until is not None:
            if node is not skip_until:
                continue
            skip_until = None
        if not isinstance(node, Tag):
            continue
        if not is_hidden(node):
            if stats.text(node) > majority and node.name not in ("nav", "footer", "aside", "menu"):
                continue  # holds most of the body ("content-print", an ASP.NET <form>): not boilerplate
            if not (node.name in pat.drop_tags or is_boilerplate(node) or _is_link_list(node, stats)):
                continue
        doomed.append(node)
        skip_until = _after(node)
        if skip_until is None:
            break
    for box in _heading_boxes(container, stats):
        doomed.append(box)
    for el in doomed:
        if el.parent is not None:
            el.decompose()


def _is_link_list(el: Tag, stats: Stats) -> bool:
    if el.name not in ("ul", "ol", "table", "div", "section"):
        return False
    return stats.links(el) >= 3 and stats.link_density(el) > 0.6


def _heading_boxes(container: Tag, stats: Stats) -> list[Tag]:
    """Boxes introduced by a boilerplate heading ("Tin liên quan", "Văn bản mới", ...)."""
    heads = patterns().headings
    out: list[Tag] = []
    # container.find_all(string=True), without bs4's per-node filter machinery
    for s in [n for n in container.descendants if isinstance(n, NavigableString)]:
        if isinstance(s, _SKIP_STRINGS) or len(s) > 60:
            continue
        lab = _label(s)
        if not lab or lab not in heads:
            continue
        head = s.parent
        # the heading's own block (<b> inside <p>, <span> inside <h3>)
        while head is not None and head.name not in BLOCK_TAGS and head.parent is not None \
                and head.parent is not container:
            head = head.parent
        if head is None or head is container:
            continue
        # climb while the ancestor is still "this heading + its list of links"
        box = None
        el = head
        while el.parent is not None and el.parent is not container:
            parent = el.parent
            if stats.text(parent) > 2000 or stats.links(parent) < 2 or stats.link_density(parent) < 0.3:
                break
            if not text_of(parent, limit=100).startswith(squash(str(s))[:20]):
                break
            box = el = parent
        if box is not None:
            out.append(box)
            continue
        lists = [sib for sib in head.find_next_siblings(limit=2) if isinstance(sib, Tag) and _is_link_list(sib, stats)]
        if lists:  # a heading standing alone in the body only goes with the links under it
            out.append(head)
            out.extend(lists)
    return out


# --- serialisation ---------------------------------------------------------------------------

_BREAK = object()


def paragraphs(container: Tag, stats: Stats | None = None) -> list[Paragraph]:
    """Text blocks of the container, in order. Iterative walk with explicit enter/exit events."""
    pat = patterns()
    stats = stats or Stats(container)
    out: list[Paragraph] = []
    buf: list[str] = []
    state = {"right": False, "bold_chars": 0, "chars": 0, "heading": False, "started": False}

    def flush() -> None:
        text = squash("".join(buf))
        buf.clear()
        state["started"] = False
        if text and (len(text) > 60 or _label(text) not in pat.lines):
            out.append(Paragraph(text, right=state["right"],
                                 bold=state["chars"] > 0 and state["bold_chars"] >= 0.8 * state["chars"],
                                 heading=state["heading"]))
        state.update(right=False, bold_chars=0, chars=0, heading=False)

    stack: list[tuple[object, bool]] = [(c, False) for c in reversed(list(container.children))]
    while stack:
        node, exiting = stack.pop()
        if exiting:
            if node is _BREAK:
                flush()
            continue
        if isinstance(node, NavigableString):
            if not TEXT_TYPE[type(node)]:
                continue
            s = str(node)
            if s.strip():
                if not state["started"]:
                    state["started"] = True
                    _mark_start(node, state, container)
                n = len(s.strip())
                state["chars"] += n
                if has_ancestor(node, ("b", "strong", "em", "i"), 6):
                    state["bold_chars"] += n
            buf.append(s)
            continue
        if not isinstance(node, Tag):
            continue
        name = node.name
        if name in pat.drop_tags or is_hidden(node):
            continue
        if name == "br":  # every <br>-separated line is its own paragraph
            flush()
            continue
        if name == "img":
            continue
        if name == "table" and _is_data_table(node, stats):
            flush()  # a table of figures is one paragraph: a line per row, cells joined by " | "
            rows = []
            for row in node.find_all("tr"):
                cells = [text_of(c) for c in row.find_all(("td", "th"), recursive=False)]
                if any(cells):
                    rows.append(" | ".join(c for c in cells if c))
            if rows:
                out.append(Paragraph("\n".join(rows)))
            continue
        if name in BLOCK_TAGS:
            flush()
            stack.append((_BREAK, True))
        children = list(node.children)
        stack.extend((c, False) for c in reversed(children))
    flush()
    return out


def _mark_start(node: NavigableString, state: dict, container: Tag) -> None:
    el = node.parent
    for _ in range(30):
        if el is None or el is container.parent:
            break
        if isinstance(el, Tag):
            style = el.get("style")
            if (isinstance(style, str) and _INLINE_ALIGN.search(style) and "right" in style.lower()) \
                    or str(el.get("align", "")).lower() == "right" \
                    or {"text-right", "right", "signature", "author"} & set(el.get("class") or []):
                state["right"] = True
            if el.name in ("h1", "h2", "h3", "h4", "h5", "h6"):
                state["heading"] = True
            if el.name in BLOCK_TAGS:
                break
        el = el.parent


def _is_data_table(table: Tag, stats: Stats) -> bool:
    """A table of figures (rows of short cells), not a layout table holding the article."""
    if stats.tables(table) != 1:
        return False
    multi = False
    for row in table.find_all("tr", limit=500):
        cells = row.find_all(("td", "th"), recursive=False)
        if any(stats.text(c) > 300 for c in cells):
            return False
        multi = multi or len(cells) > 1
    return multi


def extract_body(soup: BeautifulSoup, index: Index | None = None,
                 found: tuple[Tag | None, str] | None = None) -> Body:
    """Find (unless ``found`` already), prune and serialise the article body. Mutates ``soup``:
    read metadata first."""
    container, method = found if found is not None else find_container(soup, index)
    if container is None:
        return Body([], "none")
    prune(container)
    return Body(paragraphs(container), method, container)
