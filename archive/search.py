"""Full-text search with Vietnamese folding: user syntax -> safe FTS5 MATCH, ranking, snippets.

The index (``records_fts``) holds the title and text with đ -> d, tokenised by unicode61 with
``remove_diacritics 2``, so its tokens are exactly :func:`models.text.fold` of the words: "dang vien",
"Đảng viên" and "đảng viên" meet. Queries are parsed here (phrases, ``word*``, AND/OR/NOT,
parentheses) and rebuilt as an FTS5 expression of quoted tokens, so no user input reaches FTS5
syntax unescaped. When the query is typed with diacritics, records holding the exact accented words
rank first. Snippets are cut from the accented text at offsets found in a same-length folded copy.
"""

from __future__ import annotations

import html
import json
import re
import sqlite3
from dataclasses import asdict, dataclass, field
from functools import cache

from archive.filters import Filters, build_where
from models.errors import QueryError
from models.record import Locality, Summary
from models.text import fold, normalize

MAX_LIMIT = 1000
_TOKEN = re.compile(r'\s*(?:(")|(\()|(\))|([^\s()"]+))')
_WORD = re.compile(r"[^\W_]+")
_OPS = ("AND", "OR", "NOT")
SNIPPET_CHARS = 240
SNIPPET_SCAN = 20_000  # snippets come from the first 20k characters of a text


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # normalised, lower-case, accented
    prefix: bool = False

    @property
    def folded(self) -> tuple[str, ...]:
        return tuple(fold(w) for w in self.words)


@dataclass(frozen=True)
class Node:
    op: str  # "AND" | "OR" | "NOT" (left NOT right)
    items: tuple[Node | Term, ...]


@dataclass
class Hit:
    id: str
    title: str | None
    url: str | None
    published: str | None
    site: str | None
    locality: Locality | None
    summary: Summary
    snippet: str  # plain text, matches between [[ and ]]
    snippet_html: str  # HTML-escaped, matches in <mark>
    score: float
    exact: bool = False  # every word typed with diacritics appears with exactly those diacritics

    def to_dict(self) -> dict:
        d = asdict(self)
        d["locality"] = self.locality.model_dump(exclude_none=True) if self.locality else None
        d["summary"] = self.summary.model_dump()
        return d


@dataclass
class SearchResult:
    total: int
    hits: list[Hit] = field(default_factory=list)
    total_exact: bool = True  # False: more than RANK_WINDOW matches, ``total`` is an estimate

    def to_dict(self) -> dict:
        return {"total": self.total, "total_exact": self.total_exact, "hits": [h.to_dict() for h in self.hits]}


# -- query parsing -------------------------------------------------------------------------------
def parse_query(query: str) -> Node | Term | None:
    """User syntax -> tree. ``None`` for an empty query (a filter-only listing)."""
    tokens = _lex(query)
    if not tokens:
        return None
    parser = _Parser(tokens, query)
    tree = parser.parse_or()
    if parser.pos < len(tokens):
        tok = tokens[parser.pos]
        if tok == ")":
            raise QueryError(f"unbalanced parenthesis in query {query!r}: ')' without '('")
        raise QueryError(f"unexpected {tok!r} in query {query!r}")
    return tree


def _lex(query: str) -> list[Term | str]:
    text = normalize(query).strip()
    out: list[Term | str] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
        if m.group(1):  # a phrase: up to the closing quote
            close = text.find('"', pos)
            if close < 0:
                raise QueryError(f"unbalanced quote in query {query!r}: close the phrase with \"")
            words = tuple(w.lower() for w in _WORD.findall(text[pos:close]))
            pos = close + 1
            prefix = text.startswith("*", pos)
            pos += prefix
            if not words:
                raise QueryError(f"empty phrase in query {query!r}")
            out.append(Term(words, prefix))
        elif m.group(2) or m.group(3):
            out.append(m.group(2) or m.group(3))
        else:
            raw = m.group(4)
            if raw in _OPS:
                out.append(raw)
                continue
            words = tuple(w.lower() for w in _WORD.findall(raw))
            if words:  # a bare "-" or "*" is punctuation, not a term
                out.append(Term(words, raw.endswith("*")))
    return out


class _Parser:
    def __init__(self, tokens: list[Term | str], query: str) -> None:
        self.tokens, self.pos, self.query = tokens, 0, query

    def _peek(self) -> Term | str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def parse_or(self) -> Node | Term:
        items = [self.parse_and()]
        while self._peek() == "OR":
            self.pos += 1
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else Node("OR", tuple(items))

    def parse_and(self) -> Node | Term:
        items = [self.parse_not()]
        while True:
            tok = self._peek()
            if tok == "AND":
                self.pos += 1
            elif not (isinstance(tok, Term) or tok == "("):
                break
            items.append(self.parse_not())
        return items[0] if len(items) == 1 else Node("AND", tuple(items))

    def parse_not(self) -> Node | Term:
        left = self.parse_primary()
        while self._peek() == "NOT":
            self.pos += 1
            left = Node("NOT", (left, self.parse_primary()))
        return left

    def parse_primary(self) -> Node | Term:
        tok = self._peek()
        if tok is None:
            raise QueryError(f"incomplete query {self.query!r}: an operator needs a search term after it")
        self.pos += 1
        if isinstance(tok, Term):
            return tok
        if tok == "(":
            inner = self.parse_or()
            if self._peek() != ")":
                raise QueryError(f"unbalanced parenthesis in query {self.query!r}: '(' without ')'")
            self.pos += 1
            return inner
        if tok == ")":
            raise QueryError(f"unbalanced parenthesis in query {self.query!r}: ')' without '(' or empty '()'")
        raise QueryError(f"{tok} needs a search term on both sides in query {self.query!r}")


def to_fts(tree: Node | Term) -> str:
    """The tree as an FTS5 expression over folded tokens; every token is quoted."""
    if isinstance(tree, Term):
        return '"' + " ".join(tree.folded) + '"' + (" *" if tree.prefix else "")
    return "(" + f" {tree.op} ".join(to_fts(i) for i in tree.items) + ")"


def positive_terms(tree: Node | Term | None) -> list[Term]:
    """Terms a hit contains (not those after NOT): what snippets highlight."""
    if tree is None:
        return []
    if isinstance(tree, Term):
        return [tree]
    if tree.op == "NOT":
        return positive_terms(tree.items[0])
    return [t for i in tree.items for t in positive_terms(i)]


# -- matching helpers ------------------------------------------------------------------------------
def _terms_regex(terms: list[Term]) -> re.Pattern[str]:
    """Any of the terms as whole folded words (a prefix term: its word's start). The word-start check
    comes once, before the alternatives: 2.7x faster than one lookbehind per alternative."""
    bodies = [r"[\W_]+".join(re.escape(w) for w in t.folded) + (r"[^\W_]*" if t.prefix else r"(?![^\W_])")
              for t in terms]
    return re.compile(r"(?<![^\W_])(?:" + "|".join(bodies) + ")")


@cache
def _fold_char(c: str) -> str:
    f = fold(c)
    return f if len(f) == 1 else c


# Latin letters with marks (Vietnamese included) and đ -> their fold(): one character each.
_FOLD_TABLE = {cp: _fold_char(chr(cp)) for cp in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]
               if _fold_char(chr(cp)) != chr(cp)}
_COMBINING = re.compile(r"[\u0300-\u036f]")


def fold_same_length(text: str) -> str:
    """fold() that keeps every offset: one folded character per character of ``text``."""
    if not _COMBINING.search(text):
        folded = text.translate(_FOLD_TABLE).lower()
        if len(folded) == len(text):
            return folded
    return "".join(_fold_char(c) for c in text)


def title_key(title: str | None) -> str | None:
    """A title as its folded words between single spaces, with a space at each end, so a query term
    (or phrase) is in the title exactly when " w1 w2 " is a substring (``w1 w2`` for a prefix)."""
    if title is None:
        return None
    return " " + " ".join(_WORD.findall(fold_same_length(title))) + " "


def make_snippet(text: str, terms: list[Term], *, lead: str | None = None) -> tuple[str, str]:
    """(plain with [[...]], HTML with <mark>) around the densest cluster of matches in the text."""
    source = (text or lead or "")[:SNIPPET_SCAN]
    if not source:
        return "", ""
    folded = fold_same_length(source)
    spans: list[tuple[int, int]] = []
    if terms:
        for m in _terms_regex(terms).finditer(folded):
            if spans and not folded[spans[-1][1]:m.start()].strip():  # "Đông" "Cứu" -> one mark
                spans[-1] = (spans[-1][0], m.end())
            elif m.end() > m.start():
                spans.append(m.span())
    if spans:
        best, best_n, j = 0, 0, 0
        for i, (s0, _) in enumerate(spans):  # the window (from a match on) holding the most matches
            while j < len(spans) and spans[j][0] <= s0 + SNIPPET_CHARS * 2 // 3:
                j += 1
            if j - i > best_n:
                best, best_n = i, j - i
        start = max(0, spans[best][0] - SNIPPET_CHARS // 3)
    else:
        start = 0
    end = min(len(source), start + SNIPPET_CHARS)
    if start > 0:  # snap to word boundaries so no word is cut
        sp = source.rfind(" ", 0, start)
        start = sp + 1 if sp >= 0 and start - sp < 30 else start
    if end < len(source):
        sp = source.find(" ", end)
        end = sp if sp >= 0 and sp - end < 30 else end
    inside = [(max(s, start), min(e, end)) for s, e in spans if s < end and e > start]
    plain, marked, pos = [], [], start
    for s, e in inside:
        plain += [source[pos:s], "[[", source[s:e], "]]"]
        marked += [html.escape(source[pos:s]), "<mark>", html.escape(source[s:e]), "</mark>"]
        pos = e
    plain.append(source[pos:end])
    marked.append(html.escape(source[pos:end]))
    pre, post = ("…" if start > 0 else ""), ("…" if end < len(source) else "")
    squash = " ".join
    return (squash((pre + "".join(plain) + post).split()), squash((pre + "".join(marked) + post).split()))


# -- the search ------------------------------------------------------------------------------------
RANK_WINDOW = 1_000  # a query matching more is ranked among its newest RANK_WINDOW matches
# Past BM25_MAX_RECORDS, finding the newest matches of common words under a filter is the cost of a
# search (~25 ms per 1,000 at a million records): rank the newest 500 (25 pages of 20).
BIG_RANK_WINDOW = 500
# Above BM25_MAX_RECORDS, bm25()'s IDF scans and an exact count of matches cost more than ranking by
# title terms does at a million (search p95 87 ms at 50,000 records, 39 ms at 10,000; 19-32 ms at 1M).
BM25_MAX_RECORDS = 10_000
RERANK = 200  # exact-accent matches are lifted to the top within the best RERANK by bm25
_HIT_COLS = ("r.rid", "r.id", "r.title", "r.url", "r.published", "r.site", "r.province", "r.district", "r.commune",
             "r.level", "r.place_code", "r.era", "r.province_code", "r.district_code", "r.place_mention",
             "r.new_members", "r.transfers", "r.badges", "r.badges_by_years", "r.text", "r.lead")


def search(conn: sqlite3.Connection, query: str, filters: Filters | None = None, *,
           limit: int = 20, offset: int = 0) -> SearchResult:
    """Ranked hits for ``query`` within ``filters``; an empty query lists the newest records.

    Typed diacritics lift the records holding those exact words above the rest. Ranking and the
    total are exact up to RANK_WINDOW matches; past it the newest RANK_WINDOW are ranked and the
    total is estimated (``total_exact`` False). See :func:`_rank`.
    """
    if limit < 0 or offset < 0:
        raise QueryError("limit and offset must not be negative")
    limit = min(limit, MAX_LIMIT)
    tree = parse_query(query or "")
    total_exact = True
    try:
        if tree is None:
            where = build_where(conn, filters)
            total = conn.execute(f"SELECT count(*) FROM records r{where.clause()}", where.params).fetchone()[0]
            ranked = [(rid, 0.0, 0) for (rid,) in conn.execute(
                f"SELECT r.rid FROM records r{where.clause()} ORDER BY r.published_date DESC, r.rid DESC "
                "LIMIT ? OFFSET ?", [*where.params, limit, offset])]
        else:
            total, total_exact, ranked = _rank(conn, tree, filters, limit, offset)
    except sqlite3.OperationalError as e:
        if "fts5" in str(e) or "MATCH" in str(e) or "syntax" in str(e):
            raise QueryError(f"cannot search for {query!r}: {e}") from None
        raise
    return SearchResult(total=total, hits=_hits(conn, ranked, positive_terms(tree)), total_exact=total_exact)


MAX_EXPANSIONS = 32  # a prefix with more completions stays an FTS5 prefix query


def expand_prefixes(conn: sqlite3.Connection, tree: Node | Term) -> Node | Term:
    """The tree with each prefix term replaced by an OR of its exact completions from ``fts_terms``
    (migration 009), when there are 1..MAX_EXPANSIONS of them: FTS5 walks exact tokens lazily but
    builds a prefix's whole doclist first. Otherwise the prefix stays as typed."""
    if isinstance(tree, Node):
        return Node(tree.op, tuple(expand_prefixes(conn, i) for i in tree.items))
    if not tree.prefix:
        return tree
    *head, last = tree.folded
    done = conn.execute("SELECT term FROM fts_terms WHERE term >= ? AND term < ? ORDER BY term LIMIT ?",
                        (last, last + "\U0010ffff", MAX_EXPANSIONS + 1)).fetchall()
    if not 1 <= len(done) <= MAX_EXPANSIONS:
        return tree
    terms = tuple(Term((*head, t)) for (t,) in done)
    return terms[0] if len(terms) == 1 else Node("OR", terms)


def _rank(conn: sqlite3.Connection, tree: Node | Term, filters: Filters | None, limit: int, offset: int
          ) -> tuple[int, bool, list[tuple[int, float, int]]]:
    """(total, total_exact, [(rid, bm25, exact-term count)] for the page).

    Filters are tag terms inside the MATCH (archive/tags.py), so FTS5 visits only records that can
    pass, and the exact SQL filter is then checked per visited record (its own rows, by rid) through
    a CROSS JOIN, which keeps FTS5 as the outer loop. Small archives count matches exactly; past
    BM25_MAX_RECORDS the total beyond RANK_WINDOW matches is estimated."""
    f = filters or Filters()
    if f.date_from or f.date_to or f.site or f.author:  # columns of records: read each candidate's row
        where = build_where(conn, f, alias="r", per_row=True)
        join = " CROSS JOIN records r ON r.rid = records_fts.rowid"
    else:  # places and facts are looked up by the FTS rowid: the (large) records rows stay unread
        where, join = build_where(conn, f, alias="r", per_row=True, rid="records_fts.rowid"), ""
    match = " AND ".join(["{title_folded text_folded} : (" + to_fts(expand_prefixes(conn, tree)) + ")", *where.fts])
    base = f"FROM records_fts{join} WHERE records_fts MATCH ?{where.clause('AND')}"
    params = [match, *where.params]
    span = conn.execute("SELECT (SELECT max(rid) FROM records) - (SELECT min(rid) FROM records)").fetchone()[0]
    small = span is None or span < BM25_MAX_RECORDS  # None: an empty archive
    window = max(RANK_WINDOW if small else BIG_RANK_WINDOW, offset + limit)
    # The newest ``window`` matches, newest first: FTS5 walks its doclists backwards and stops.
    newest = [r[0] for r in conn.execute(
        f"SELECT records_fts.rowid {base} ORDER BY records_fts.rowid DESC LIMIT ?", [*params, window + 1])]
    if len(newest) <= window:
        total, exact_total, extra, wparams = len(newest), True, "", params
    else:
        if small:  # a count walks every match, cheap below BM25_MAX_RECORDS
            total, exact_total = conn.execute(f"SELECT count(*) {base}", params).fetchone()[0], True
        else:
            total, exact_total = _estimate_total(conn, newest[window - 1], window), False
        extra, wparams = " AND records_fts.rowid >= ?", [*params, newest[window - 1]]
    if not newest:
        return 0, True, []
    accented = [t for t in positive_terms(tree) if any(fold(w) != w for w in t.words)]
    need = offset + limit
    keep = max(need, RERANK) if accented else need
    if small:
        rows = conn.execute(f"SELECT records_fts.rowid, bm25(records_fts, 5.0, 1.0, 0.0) AS b {base}{extra} "
                            "ORDER BY b LIMIT ?", [*wparams, keep]).fetchall()
    else:
        rows = _title_rank(conn, tree, newest[:window])[:keep]
    exact = _exact_counts(conn, [r[0] for r in rows], accented) if accented and rows else {}
    ranked = [(rid, b, exact.get(rid, 0)) for rid, b in rows]
    ranked.sort(key=lambda x: (-x[2], x[1]))
    return total, exact_total, ranked[offset:need]


def _title_rank(conn: sqlite3.Connection, tree: Node | Term, rids: list[int]) -> list[tuple[int, float]]:
    """A score that costs O(candidates), for big archives: query terms found in the title.

    FTS5's bm25() computes each term's IDF by walking the term's whole doclist on every query, a
    cost that grows with the archive (0.3 s for five common words at 1M records). Here each query
    term in the title scores 1 (titles name what an article is about); ties go to the newer record.
    Titles come folded from the narrow ``records_titles`` index (migration 008, :func:`title_key`):
    walking the title column's doclists per term cost ~20 ms a term at 1M records.
    Returned as (rid, -score): lower sorts first, like bm25()."""
    needles = [" " + " ".join(t.folded) + ("" if t.prefix else " ") for t in dict.fromkeys(positive_terms(tree))]
    hits = " + ".join(["(instr(title_key, ?) > 0)"] * len(needles)) or "0"
    score: dict[int, int] = {}
    for i in range(0, len(rids), 900):
        chunk = rids[i:i + 900]
        score.update(conn.execute(f"SELECT rid, {hits} FROM records INDEXED BY records_titles "
                                  f"WHERE rid IN ({','.join('?' * len(chunk))})", [*needles, *chunk]))
    return sorted(((rid, -float(n)) for rid, n in score.items()), key=lambda x: (x[1], -x[0]))


def _estimate_total(conn: sqlite3.Connection, edge_rid: int, window: int) -> int:
    """Matches beyond the window, extrapolated from the window's density over the rowid range
    (counting a million phrase matches would cost a second; ranking only needs the window)."""
    # two sub-selects: SQLite answers each from the end of the rowid B-tree, but not min+max together
    lo, hi = conn.execute("SELECT (SELECT min(rid) FROM records), (SELECT max(rid) FROM records)").fetchone()
    span = max(1, hi - edge_rid + 1)
    return window + round(window * (edge_rid - lo) / span)


def _exact_counts(conn: sqlite3.Connection, rids: list[int], terms: list[Term]) -> dict[int, int]:
    """How many of the accented terms each candidate holds with exactly those diacritics.

    SQLite's instr() is byte-exact, so each term is tried as typed, lower-case, Title Case and
    UPPER CASE: the spellings Vietnamese text uses."""
    parts, params = [], []
    for t in terms:
        phrase = " ".join(t.words)
        variants = list(dict.fromkeys([phrase, phrase.title(), phrase.upper(), phrase.capitalize()]))
        checks = []
        for v in variants:
            checks.append("instr(r.title, ?) > 0 OR instr(r.text, ?) > 0")
            params.extend([v, v])
        parts.append("(" + " OR ".join(checks) + ")")
    sql = f"SELECT r.rid, {' + '.join(parts)} FROM records r WHERE r.rid IN ({','.join('?' * len(rids))})"
    return dict(conn.execute(sql, [*params, *rids]).fetchall())


def _hits(conn: sqlite3.Connection, ranked: list[tuple[int, float, int]], terms: list[Term]) -> list[Hit]:
    if not ranked:
        return []
    rids = [r[0] for r in ranked]
    rows = {row[0]: row for row in conn.execute(
        f"SELECT {', '.join(_HIT_COLS)} FROM records r WHERE r.rid IN ({','.join('?' * len(rids))})", rids)}
    n_accented = sum(1 for t in terms if any(fold(w) != w for w in t.words))
    hits = []
    for rid, b, ex in ranked:
        (_, rec_id, title, url, published, site, prov, dist, comm, level, code, era, pcode, dcode, mention,
         nm, tr, bd, bby, text, lead) = rows[rid]
        loc_vals = dict(province=prov, district=dist, commune=comm, level=level, code=code, era=era,
                        province_code=pcode, district_code=dcode, mention=mention)
        plain, marked = make_snippet(text, terms, lead=lead)
        hits.append(Hit(
            id=rec_id, title=title, url=url, published=published, site=site,
            locality=Locality(**loc_vals) if any(v is not None for v in loc_vals.values()) else None,
            summary=Summary(new_members=nm, transfers=tr, badges=bd,
                            badges_by_years=json.loads(bby) if bby else {}),
            snippet=plain, snippet_html=marked, score=round(-float(b) + 100.0 * ex, 4),
            exact=bool(n_accented) and ex == n_accented))
    return hits
