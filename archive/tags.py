"""Filter tags: one token per filterable value of a record, indexed as the ``tags`` FTS column.

A search with a filter would otherwise walk every match of its words and test each one (a common
word and a province: ~290k matches at a million records). With the filter's tags inside the MATCH,
FTS5 intersects doclists and visits only records that can pass. Tags only ever narrow the candidates
(a record passing the SQL filter always carries a matching tag); the exact SQL filter still decides.
The backfill in migrations/003_fts_tags.sql builds the same tokens in SQL: keep the two in step.
"""

from __future__ import annotations

from collections.abc import Iterable

from archive._gazetteer import PlaceCond
from models.record import Record

MAX_YEAR_TOKENS = 60  # a wider date range is left to the SQL filter alone
MAX_DIGITS = 10  # values of 10 digits or more share the last size token


def _name(level: str, name_folded: str) -> str:
    return f"{level[0]}n{name_folded.replace(' ', '')}"


def _code(level: str, code: str) -> str:
    return f"{level[0]}c{code}"


def _kind(kind: str) -> str:
    return "k" + kind.replace("_", "")


def record_tags(rec: Record, place_rows: Iterable[tuple]) -> str | None:
    """The tags of ``rec``; ``place_rows`` are its record_places rows (id, level, name, folded, code, era)."""
    toks: list[str] = []
    if rec.published:
        toks.append("y" + rec.published[:4])
    for _id, level, _nm, folded, code, _era in place_rows:
        if folded:
            toks.append(_name(level, folded))
        if code:
            toks.append(_code(level, code))
    for f in rec.facts:
        if f.role == "actual":
            digits = min(len(str(abs(f.value))), MAX_DIGITS)
            toks += [_kind(f.kind), f"{_kind(f.kind)}v{digits}", f"av{digits}"]
    return " ".join(dict.fromkeys(toks)) or None


def _any(tokens: Iterable[str]) -> str:
    return "{tags} : (" + " OR ".join(f'"{t}"' for t in dict.fromkeys(tokens)) + ")"


def place_match(conds: list[PlaceCond]) -> str:
    """FTS5 condition a record passing any of ``conds`` satisfies."""
    return _any(_name(c.level, c.name_folded) if c.name_folded is not None else _code(c.level, c.code or "")
                for c in conds)


def year_match(lo: str | None, hi: str | None, first: str | None, last: str | None) -> str | None:
    """FTS5 condition for published_date within [lo, hi]; ``first``/``last`` bound the archive's dates.
    ``None`` when the range spans too many years to help."""
    a = max(x for x in (lo, first) if x) if (lo or first) else None
    b = min(x for x in (hi, last) if x) if (hi or last) else None
    if not a or not b or not a[:4].isdigit() or not b[:4].isdigit():
        return None
    y0, y1 = int(a[:4]), int(b[:4])
    if y1 - y0 + 1 > MAX_YEAR_TOKENS:
        return None
    if y1 < y0:
        return '{tags} : "ynone"'  # no year qualifies: an impossible token
    return _any(f"y{y}" for y in range(y0, y1 + 1))


def fact_match(kind: str | None, lo: int | None, hi: int | None) -> str | None:
    """FTS5 condition for an actual fact of ``kind`` (any kind if None) with a value in [lo, hi]."""
    lo_d = min(len(str(lo)), MAX_DIGITS) if lo is not None else 1
    hi_d = min(len(str(hi)), MAX_DIGITS) if hi is not None else MAX_DIGITS
    if (lo is None and hi is None) or min(x for x in (lo, hi, 0) if x is not None) < 0:
        return _any([_kind(kind)]) if kind else None  # negative bounds: digit counts do not order them
    prefix = _kind(kind) + "v" if kind else "av"
    return _any(f"{prefix}{d}" for d in range(lo_d, max(lo_d, hi_d) + 1))
