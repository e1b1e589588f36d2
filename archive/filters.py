"""Filters shared by search, stats and export, and their translation to SQL.

Every filter is validated here once, so a bad date or an unknown place is the same clear
:class:`QueryError`/:class:`PlaceError` whether it came from the CLI, the HTTP API or a script.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field, fields
from datetime import date
from functools import lru_cache
from typing import get_args

from archive._gazetteer import PlaceCond, equivalents
from archive.tags import fact_match, place_match, year_match
from models.errors import PlaceError, QueryError
from models.record import FactKind
from models.text import fold, normalize

KINDS: tuple[str, ...] = get_args(FactKind)
LEVELS = ("province", "district", "commune")

_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
# Administrative prefixes people type before a name ("huyện Gia Bình", "TP. Bắc Ninh"), folded.
_PREFIX = re.compile(
    r"^(?:tinh|thanh pho|tp\.?|thi xa|tx\.?|quan|huyen|thi tran|tt\.?|xa|phuong|dac khu)\s+"
)


@lru_cache(maxsize=65536)
def fold_place(name: str) -> str:
    """The key place names are compared by: folded, single-spaced, without "huyện"/"xã"/... prefixes."""
    key = " ".join(fold(normalize(name)).replace("-", " ").replace("'", "").split())
    return _PREFIX.sub("", key) or key


@dataclass(frozen=True)
class Filters:
    """What to restrict a search, an aggregate or an export to. ``None`` means "any"."""

    province: str | None = None
    district: str | None = None
    commune: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    site: str | None = None
    author: str | None = None
    kind: str | None = None
    min_value: int | None = None
    max_value: int | None = None

    def __post_init__(self) -> None:
        """Fail early and clearly: a bad date or kind is the caller's error, whatever asks."""
        if self.date_from:
            parse_day(self.date_from, end=False)
        if self.date_to:
            parse_day(self.date_to, end=True)
        check_value_filters(self)

    def is_empty(self) -> bool:
        return all(getattr(self, f.name) in (None, "") for f in fields(self))


def parse_day(value: str, *, end: bool) -> str:
    """``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or ``DD/MM/YYYY`` -> ISO day (first or last day of the span)."""
    text = value.strip()
    m = _DATE.match(text)
    if m:
        y, mo, d = m.group(1), m.group(2), m.group(3)
    else:
        m2 = _DMY.match(text)
        if not m2:
            raise QueryError(f"bad date {value!r}: use YYYY-MM-DD (or YYYY, YYYY-MM, DD/MM/YYYY)")
        d, mo, y = m2.groups()
    year = int(y)
    try:
        if mo is None:
            day = date(year, 12, 31) if end else date(year, 1, 1)
        elif d is None:
            month = int(mo)
            if end:
                nxt = date(year + (month == 12), month % 12 + 1, 1)
                day = date.fromordinal(nxt.toordinal() - 1)
            else:
                day = date(year, month, 1)
        else:
            day = date(year, int(mo), int(d))
    except ValueError as e:
        raise QueryError(f"bad date {value!r}: {e}") from None
    return day.isoformat()


@dataclass
class Where:
    """A SQL condition over ``records`` (aliased ``r``) with its parameters."""

    sql: list[str]
    params: list[object]
    fts: list[str] = field(default_factory=list)  # FTS5 conditions on the tags column the rows also meet

    def clause(self, prefix: str = "WHERE") -> str:
        return f" {prefix} " + " AND ".join(self.sql) if self.sql else ""


def place_conds(conn: sqlite3.Connection, level: str, value: str) -> list[PlaceCond]:
    """The ways a ``record_places`` row satisfies a place filter; unknown places raise :class:`PlaceError`.

    A code (digits) matches that code in either era, at any level. A name must be known to the archive or
    to the gazetteer; through the gazetteer an old-era name also stands for the new-era units that absorbed it.
    """
    text = value.strip()
    if not text:
        raise PlaceError(f"empty {level} name")
    if text.isdigit():
        return [PlaceCond(lv, None, text, None) for lv in LEVELS]
    key = fold_place(text)
    conds = [PlaceCond(level, key, None, None)]
    known = conn.execute(
        "SELECT 1 FROM record_places WHERE level = ? AND name_folded = ? LIMIT 1", (level, key)
    ).fetchone() is not None
    gaz = equivalents(level, text)
    if not known and not gaz:
        raise PlaceError(f"unknown {level} {value!r}: no record in the archive and no unit in the "
                         "gazetteer has that name")
    conds.extend(gaz)
    return list(dict.fromkeys(conds))


def place_conditions(conds: list[PlaceCond], *, per_row: bool = False) -> tuple[str, list[object]]:
    """SQL over ``record_places`` for ``conds``. ``per_row``: the rows of one record are looked up by
    rid, so the columns are kept off the name/code indexes (unary +)."""
    plus = "+" if per_row else ""
    sql, params = [], []
    for c in conds:
        part, p = [f"{plus}level = ?"], [c.level]
        for col, v in (("name_folded", c.name_folded), ("code", c.code), ("era", c.era)):
            if v is not None:
                part.append(f"{plus}{col} = ?")
                p.append(v)
        sql.append("(" + " AND ".join(part) + ")")
        params.extend(p)
    return "(" + " OR ".join(sql) + ")", params


def build_where(conn: sqlite3.Connection, f: Filters | None, *, alias: str = "r",
                fact_filters: bool = True, per_row: bool = False, rid: str | None = None) -> Where:
    """SQL over ``records`` for every filter (kind/min/max through ``facts`` when ``fact_filters``).

    ``per_row``: the caller visits records one by one (driven by the full-text index, narrowed by the
    ``fts`` tag conditions), so places and facts are checked per record (EXISTS on its rows, looked up
    by rid) instead of collected up front (an IN list of a whole kind or province). ``rid``: the SQL
    for the record's rid (default ``alias.rid``), e.g. the FTS rowid, when only places and facts are
    filtered and the records row need not be read."""
    rid = rid or f"{alias}.rid"

    def related(table: str, cond: str) -> str:
        if per_row:
            return f"EXISTS (SELECT 1 FROM {table} WHERE rid = {rid} AND {cond})"
        return f"{rid} IN (SELECT rid FROM {table} WHERE {cond})"

    w = Where([], [])
    if f is None:
        return w
    for level in LEVELS:
        value = getattr(f, level)
        if value:
            conds = place_conds(conn, level, value)
            cond, params = place_conditions(conds, per_row=per_row)
            w.sql.append(related("record_places", cond))
            w.params.extend(params)
            w.fts.append(place_match(conds))
    lo = parse_day(f.date_from, end=False) if f.date_from else None
    hi = parse_day(f.date_to, end=True) if f.date_to else None
    if lo and hi and lo > hi:
        raise QueryError(f"date range is empty: from {lo} is after to {hi}")
    if lo:
        w.sql.append(f"{alias}.published_date >= ?")
        w.params.append(lo)
    if hi:
        w.sql.append(f"{alias}.published_date <= ?")
        w.params.append(hi)
    if lo or hi:
        first, last = conn.execute("SELECT (SELECT min(published_date) FROM records), "
                                   "(SELECT max(published_date) FROM records)").fetchone()
        years = year_match(lo, hi, first, last)
        if years:
            w.fts.append(years)
    if f.site:
        site = f.site.strip().lower().removeprefix("https://").removeprefix("http://").strip("/")
        w.sql.append(f"({alias}.site = ? OR {alias}.site LIKE ?)")
        w.params.extend([site, "%." + site])
    if f.author:
        # Folded containment in Python: SQLite's lower()/LIKE only fold ASCII.
        conn.create_function("vn_fold", 1, _fold_or_none, deterministic=True)
        w.sql.append(f"instr(vn_fold({alias}.author), ?) > 0")
        w.params.append(" ".join(fold(normalize(f.author)).split()))
    check_value_filters(f)
    if fact_filters and (f.kind or f.min_value is not None or f.max_value is not None):
        plus = "+" if per_row else ""  # per record: its facts by rid, not the (kind, value) index
        conds, params = [f"{plus}role = 'actual'"], []
        if f.kind:
            conds.append(f"{plus}kind = ?")
            params.append(f.kind)
        if f.min_value is not None:
            conds.append(f"{plus}value >= ?")
            params.append(f.min_value)
        if f.max_value is not None:
            conds.append(f"{plus}value <= ?")
            params.append(f.max_value)
        w.sql.append(related("facts", " AND ".join(conds)))
        w.params.extend(params)
        tags = fact_match(f.kind, f.min_value, f.max_value)
        if tags:
            w.fts.append(tags)
    return w


def check_value_filters(f: Filters) -> None:
    if f.kind and f.kind not in KINDS:
        raise QueryError(f"unknown fact kind {f.kind!r}: expected one of {', '.join(KINDS)}")
    if f.min_value is not None and f.max_value is not None and f.min_value > f.max_value:
        raise QueryError(f"value range is empty: min {f.min_value} is above max {f.max_value}")


def _fold_or_none(value: str | None) -> str | None:
    return " ".join(fold(value).split()) if value else None
