"""Aggregates of headline figures by place and period, counting a figure reported twice once.

Each record contributes its summary figures (``headlines`` rows). Two articles reporting the same
figure — same place, kind, period and value — are one figure: the group keeps it once and the
result says how many repeats were dropped. Places are grouped by folded name within their parent,
so "Đắk Song" and "Đăk Song" are one district.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field, replace

from archive.filters import Filters, build_where, check_value_filters
from models.errors import QueryError

STATS_KINDS = ("new_members", "transfers", "badges")
BY = ("province", "district", "commune")
PER = ("year", "month")


@dataclass
class StatsResult:
    rows: list[dict] = field(default_factory=list)
    duplicates_dropped: int = 0

    def to_dict(self) -> dict:
        return {"rows": self.rows, "duplicates_dropped": self.duplicates_dropped}


def stats(conn: sqlite3.Connection, kind: str, *, by: str = "province", per: str | None = "year",
          filters: Filters | None = None) -> StatsResult:
    """Sum of ``kind`` headline figures per place at level ``by`` and per ``year``/``month`` (or overall)."""
    if kind not in STATS_KINDS:
        raise QueryError(f"unknown kind {kind!r} for stats: expected one of {', '.join(STATS_KINDS)}")
    if by not in BY:
        raise QueryError(f"cannot group by {by!r}: expected one of {', '.join(BY)}")
    if per not in (*PER, None):
        raise QueryError(f"unknown period {per!r}: expected year or month")
    f = filters or Filters()
    if f.kind and f.kind != kind:
        raise QueryError(f"--kind {kind} conflicts with the kind filter {f.kind}")
    check_value_filters(f)
    f = replace(f, kind=None)  # the kind is the aggregate's own
    levels = BY[: BY.index(by) + 1]  # a district is named with its province, a commune with both
    if f.is_empty():
        return _from_cells(conn, kind, levels, per)
    where = build_where(conn, Filters(province=f.province, district=f.district, commune=f.commune,
                                      date_from=f.date_from, date_to=f.date_to, site=f.site, author=f.author),
                        alias="r")
    conds, params = ["h.kind = ?", f"h.{by}_folded IS NOT NULL"], [kind]
    if f.min_value is not None:
        conds.append("h.value >= ?")
        params.append(f.min_value)
    if f.max_value is not None:
        conds.append("h.value <= ?")
        params.append(f.max_value)
    if where.sql:
        conds.append(f"h.rid IN (SELECT r.rid FROM records r{where.clause()})")
        params.extend(where.params)
    time_col = f"h.{per}" if per else "NULL"
    inner_names = ", ".join(f"min(h.{lv}) AS {lv}" for lv in levels)
    folded = ", ".join(f"h.{lv}_folded" for lv in levels)
    outer_keys = ", ".join(f"g.{lv}_folded" for lv in levels)
    sql = f"""
        SELECT {", ".join(f"min(g.{lv})" for lv in levels)}, g.t, sum(g.value), count(*), sum(g.n - 1)
        FROM (SELECT {inner_names}, {folded}, {time_col} AS t, h.value AS value, count(*) AS n
              FROM headlines h WHERE {" AND ".join(conds)}
              GROUP BY h.place_key, h.period_key, h.value) g
        GROUP BY {outer_keys}, g.t
        ORDER BY {outer_keys}, g.t
    """
    rows, dropped = [], 0
    for row in conn.execute(sql, params):
        names, t, total, articles, dups = row[: len(levels)], row[len(levels)], *row[len(levels) + 1:]
        out: dict = dict(zip(levels, names, strict=True))
        if per:
            out[per] = t
        out.update(kind=kind, total=total, articles=articles, duplicates_dropped=dups)
        rows.append(out)
        dropped += dups
    return StatsResult(rows=rows, duplicates_dropped=dropped)


def _from_cells(conn: sqlite3.Connection, kind: str, levels: tuple[str, ...], per: str | None) -> StatsResult:
    """The unfiltered aggregate from stats_cells (kept exact at ingest): a few thousand rows at most."""
    by = levels[-1]
    t = {"year": "substr(c.month, 1, 4)", "month": "c.month", None: "''"}[per]
    keys = ", ".join(f"c.{lv}_folded" for lv in levels)
    sql = f"""
        SELECT {", ".join(f"min(c.{lv})" for lv in levels)}, {t} AS t, sum(c.total), sum(c.articles),
               sum(c.duplicates)
        FROM stats_cells c WHERE c.kind = ? AND c.{by}_folded != '' AND (c.articles > 0 OR c.duplicates > 0)
        GROUP BY {keys}, t ORDER BY {keys}, t
    """
    rows, dropped = [], 0
    for row in conn.execute(sql, (kind,)):
        names, tv, total, articles, dups = row[: len(levels)], row[len(levels)], *row[len(levels) + 1:]
        out: dict = dict(zip(levels, names, strict=True))
        if per:
            out[per] = tv or None
        out.update(kind=kind, total=total, articles=articles, duplicates_dropped=dups)
        rows.append(out)
        dropped += dups
    return StatsResult(rows=rows, duplicates_dropped=dropped)
