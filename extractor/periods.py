"""Reporting periods ("từ đầu năm 2023 đến nay", "6 tháng đầu năm", "quý III/2023", "nhiệm kỳ 2020-2025")
resolved to dates against the publish date.

Periods are found by regex over the length-preserving folded text (see
:func:`extractor.facts_nlp.fold_same_length`), so a hit's offsets are also offsets into the article.
Each hit also says what kind of span it is: a ``current`` reporting period, a ``cumulative`` one
(a whole term or several years: never the headline), a ``previous`` one ("cùng kỳ năm trước").
"""

from __future__ import annotations

import bisect
import calendar
import re
from dataclasses import dataclass
from datetime import date

from models.record import Period

_NUM = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9, "muoi": 10}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_Y = r"((?:19|20)\d\d)"
_DASH = r"\s*[-–—]\s*"

# Order matters: longer, more specific phrasings first; a later pattern never overlaps an earlier hit.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("previous", re.compile(r"cung (?:ky|dot nay|dot|thoi gian nay)(?: nam (?:truoc|ngoai)| nam " + _Y
                            + r")?|nam (?:truoc|ngoai)|nam lien truoc")),
    ("months", re.compile(r"(\d{1,2}|ba|sau|chin) thang (dau|cuoi) nam(?: " + _Y + r")?")),
    ("months_in", re.compile(r"(?<=trong )(\d{1,2}|ba|sau|chin) thang(?! (?:cuoi|toi|qua|nay|gan|lien))(?: nam " + _Y + r")?")),
    ("since_start", re.compile(r"(?:tu )?dau nam(?: " + _Y + r")?(?: (?:den|toi) (?:nay|thoi diem nay|(?:ngay )?(\d{1,2})/(\d{1,2})(?:/" + _Y + r")?))?")),
    ("quarter", re.compile(r"quy (iv|iii|ii|i|[1-4])\b(?:(?: nam |/)" + _Y + r")?")),
    ("term", re.compile(r"nhiem ky (?:dai hoi )?(?:[a-z]+ )?" + _Y + _DASH + _Y)),
    ("term_past", re.compile(r"(?:trong |ca |suot )?nhiem ky (?:vua qua|qua|truoc)|tu dau nhiem ky(?: den nay)?|trong nhiem ky|luy ke")),
    ("span", re.compile(r"(?:tu|trong) (?:nam )?" + _Y + r" (?:den|toi) (?:nay|(?:nam )?" + _Y + r")|giai doan " + _Y + _DASH + _Y + r"|\(" + _Y + _DASH + _Y + r"\)")),
    ("years_past", re.compile(r"(\d{1,2}|hai|ba|bon|nam|muoi) nam (?:qua|gan day|vua qua|tro lai day)|nhung nam qua|nhieu nam qua"
                              r"|(?<=qua )(\d{1,2}|hai|ba|bon|nam|muoi) nam(?! tuoi)|(?<=sau )(\d{1,2}|hai|ba|bon|nam|muoi) nam(?! tuoi)")),
    ("month", re.compile(r"thang (\d{1,2})(?:/| nam )" + _Y)),
    ("year", re.compile(r"nam " + _Y + r"|(?<=\()" + _Y + r"(?=\))")),
    ("this_year", re.compile(r"trong nam(?! \d)|nam nay|nam qua")),
]


@dataclass
class PeriodHit:
    start: int
    end: int
    period: Period
    span: str  # "current" | "cumulative" | "previous"
    explicit_year: int | None = None  # the year the phrase names itself, if any
    # A period named only as a yardstick: "so với năm 2022", "(năm 2022 kết nạp 2.104)" after "so với".
    reference: bool = False


def _n(s: str) -> int:
    return int(s) if s.isdigit() else _NUM.get(s, 0)


def _year_end(y: int) -> date:
    return date(y, 12, 31)


def find_periods(folded: str, original: str, published: date | None) -> list[PeriodHit]:
    """Every period phrase in ``folded`` (a same-length fold of ``original``), in text order."""
    taken: list[tuple[int, int]] = []  # sorted, non-overlapping spans already claimed
    hits: list[PeriodHit] = []
    pub_year = published.year if published else None
    for name, rx in _PATTERNS:
        for m in rx.finditer(folded):
            k = bisect.bisect_left(taken, (m.start(), -1))
            if (k < len(taken) and taken[k][0] < m.end()) or (k > 0 and taken[k - 1][1] > m.start()):
                continue
            if m.start() > 0 and folded[m.start() - 1].isalnum():
                continue
            if name == "since_start" and "đầu" not in original[m.start():m.end()].lower():
                continue  # "phấn đấu năm 2023" folds like "đầu năm 2023"
            hit = _resolve(name, m, published, pub_year)
            if hit is None:
                continue
            hit.period.label = original[m.start():m.end()]
            hit.reference = _is_reference(folded, m.start())
            bisect.insort(taken, (m.start(), m.end()))
            hits.append(hit)
    hits.sort(key=lambda h: h.start)
    # Phrases without a year of their own ("trong năm", "năm qua") take the last year named before them.
    last_year: int | None = None
    for h in hits:
        if h.explicit_year is None and h.period.start is None and h.span == "current" and h.period.label:
            y = last_year or _default_year(h.period.label, published)
            if y:
                h.period.start, h.period.end = date(y, 1, 1), _year_end(y)
        elif h.explicit_year and h.span == "current":
            last_year = h.explicit_year
    return hits


_SO_VOI = re.compile(r"so voi[^.;()]{0,40}$")


def _is_reference(folded: str, start: int) -> bool:
    """Whether the period at ``start`` follows "so với", directly or in the parentheses right after it."""
    window = folded[max(0, start - 120):start]
    if _SO_VOI.search(window):
        return True
    paren = window.rfind("(")
    return paren >= 0 and ")" not in window[paren:] and bool(_SO_VOI.search(window[:paren].rstrip()))


def _default_year(label: str, published: date | None) -> int | None:
    if published is None:
        return None
    # "năm qua" in a January/February report is the year just closed.
    if "qua" in label and published.month <= 2:
        return published.year - 1
    return published.year


def _resolve(name: str, m: re.Match[str], published: date | None, pub_year: int | None) -> PeriodHit | None:
    g = m.groups()
    p = Period()
    span = "current"
    explicit: int | None = None
    if name == "previous":
        span = "previous"
        if g[0]:
            y = int(g[0])
            p.start, p.end = date(y, 1, 1), _year_end(y)
    elif name == "since_start":
        y = int(g[0]) if g[0] else pub_year
        explicit = int(g[0]) if g[0] else None
        if y:
            p.start = date(y, 1, 1)
            if g[1] and g[2]:
                try:
                    p.end = date(int(g[3]) if g[3] else y, int(g[2]), int(g[1]))
                except ValueError:
                    p.end = None
            elif published and published.year == y:
                p.end = published
            else:
                p.end = _year_end(y)
    elif name in ("months", "months_in"):
        if name == "months_in":  # "trong 9 tháng": the first months of the year
            g = (g[0], "dau", g[1])
        n = _n(g[0])
        y = int(g[2]) if g[2] else pub_year
        explicit = int(g[2]) if g[2] else None
        if not 1 <= n <= 12 or y is None:
            return PeriodHit(m.start(), m.end(), p, span)
        if g[1] == "dau":
            p.start, p.end = date(y, 1, 1), date(y, n, calendar.monthrange(y, n)[1])
        else:
            p.start, p.end = date(y, 13 - n, 1), _year_end(y)
    elif name == "quarter":
        q = _ROMAN[g[0]]
        y = int(g[1]) if g[1] else pub_year
        explicit = int(g[1]) if g[1] else None
        if y:
            last = 3 * q
            p.start, p.end = date(y, last - 2, 1), date(y, last, calendar.monthrange(y, last)[1])
    elif name == "term":
        a, b = int(g[0]), int(g[1])
        if b < a:
            return None
        p.start, p.end = date(a, 1, 1), _year_end(b)
        span = "cumulative"
    elif name == "term_past":
        span = "cumulative"
    elif name == "span":
        ys = [int(x) for x in g if x]
        a = ys[0]
        b = ys[1] if len(ys) > 1 else (pub_year or a)
        if b < a:
            return None
        p.start = date(a, 1, 1)
        p.end = published if len(ys) == 1 and published else _year_end(b)
        span = "cumulative" if b > a else "current"
        explicit = a if a == b else None
    elif name == "years_past":
        given = next((x for x in g if x), None)
        n = _n(given) if given else 2
        span = "cumulative" if n > 1 else "current"
        if published:
            p.start, p.end = date(published.year - n, 1, 1), published
    elif name == "month":
        mo, y = int(g[0]), int(g[1])
        if not 1 <= mo <= 12:
            return None
        p.start, p.end = date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1])
        explicit = y
    elif name == "year":
        y = int(g[0] or g[1])
        p.start, p.end = date(y, 1, 1), _year_end(y)
        explicit = y
    elif name == "this_year":
        pass  # filled from context in find_periods
    return PeriodHit(m.start(), m.end(), p, span, explicit)
