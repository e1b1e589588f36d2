"""Aggregates of headline figures by place and period, without counting the same members twice.

Each record contributes its summary figures (``headlines`` rows: place, period, value, published
date). Articles often report the same members more than once — a repeat of a figure, a corrected
figure, a half-year figure next to the year's, a commune's figure next to its district's — so a sum
over every report double-counts. The rules, applied in this order:

1. **Duplicates.** Several articles with the same place, kind, period and value are one figure
   (``duplicates_dropped`` counts the repeats).
2. **Conflicts.** Same place, kind and period but different values: the latest-published report
   supersedes the others (by published time; same instant: the one ingested last). The others
   count in ``superseded``.
3. **Overlapping periods.** Within one place and time bucket (the year or month of the period's
   end, or everything with ``per=None``) the widest period wins: a period nested in — or overlapping
   — a wider kept period of the same place is dropped (``superseded``); disjoint periods (quarters)
   add up. A figure without a period stands for its published month.
4. **Hierarchy.** A place's own figures cover the periods they report; a sub-unit's resolved figures
   (a district's communes; a province's districts and, after 2025, its communes) count only where
   they do not overlap the parent's own kept periods. So a district's total is its own report when
   it has one for that time, else the sum of its communes; recursively for provinces. Sub-unit
   figures left out count in ``superseded``.

Per row: ``articles`` figures were summed into ``total``; ``articles + superseded +
duplicates_dropped`` is the number of reports under that place and time. ``--min``/``--max`` choose
among the winning figures of step 2. Places are grouped by folded name within their parent, so
"Đắk Song" and "Đăk Song" are one district.

The heavy lifting is SQL over (place, period) groups (see :func:`_groups`), so Python only walks the
distinct (place, period) groups. Without a filter on records, those groups are read as kept at
ingest in ``stats_groups`` (:func:`_stored_groups`; archive/groups.py keeps them), which must give the
same answer as grouping every headline; with a filter on dates only, the groups wholly inside the
range are read from there too and only those straddling a boundary are regrouped (:func:`_dated_groups`).
"""

from __future__ import annotations

import calendar
import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date

from archive.filters import Filters, build_where, check_value_filters, parse_day
from models.errors import QueryError

STATS_KINDS = ("new_members", "transfers", "badges")
BY = ("province", "district", "commune")
PER = ("year", "month")

Place = tuple[str | None, str | None, str | None]  # folded province, district, commune


@dataclass
class StatsResult:
    rows: list[dict] = field(default_factory=list)
    duplicates_dropped: int = 0
    superseded: int = 0

    def to_dict(self) -> dict:
        return {"rows": self.rows, "duplicates_dropped": self.duplicates_dropped, "superseded": self.superseded}


@dataclass
class _Group:
    """The reports of one place and period, rules 1 and 2 applied (see :func:`_groups`)."""

    place: Place
    names: tuple[str | None, str | None, str | None]
    t: str | None
    span: tuple[date, date] | None  # None: unknown period, overlaps nothing
    value: int
    reports: int
    values: int  # distinct values among the reports


def stats(conn: sqlite3.Connection, kind: str, *, by: str = "province", per: str | None = "year",
          filters: Filters | None = None) -> StatsResult:
    """Headline ``kind`` figures per place at level ``by`` and per ``year``/``month`` (or overall)."""
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
    if any((f.province, f.district, f.commune, f.site, f.author)):
        find = _groups
    else:
        find = _dated_groups if (f.date_from or f.date_to) else _stored_groups
    groups = find(conn, kind, by, per, replace(f, kind=None))
    depth = BY.index(by) + 1
    units: dict[tuple[Place, str | None], list[_Group]] = defaultdict(list)
    for g in groups:
        units[(g.place[:depth] + (None,) * (3 - depth), g.t)].append(g)
    rows, dropped, superseded = [], 0, 0
    for (unit, t), members in sorted(units.items(), key=lambda kv: ([p or "" for p in kv[0][0]], kv[0][1] or "")):
        kept, sup = _resolve(unit, members)
        dups = sum(g.reports - g.values for g in members)
        out: dict = {lv: min((g.names[i] for g in members if g.names[i]), default=None)
                     for i, lv in enumerate(BY[:depth])}
        if per:
            out[per] = t
        out.update(kind=kind, total=sum(kept), articles=len(kept), duplicates_dropped=dups, superseded=sup)
        rows.append(out)
        dropped += dups
        superseded += sup
    return StatsResult(rows=rows, duplicates_dropped=dropped, superseded=superseded)


def _groups(conn: sqlite3.Connection, kind: str, by: str, per: str | None, f: Filters) -> list[_Group]:
    """One entry per (place, period): its latest-published value, report count and distinct values.

    One GROUP BY over the filter's headline rows (migration 007): a place filter takes its records'
    rids from the ``record_places`` index and looks their figures up by (rid, kind); a date filter
    reads the covering ``headlines_group`` index in group order. Rules 1-2 are aggregates: reports, distinct
    values, and the winner as the greatest ``win_key`` (published, then rid). Display names are read
    once per place. Site and author, which only ``records`` holds, narrow through it."""
    places = build_where(conn, Filters(province=f.province, district=f.district, commune=f.commune,
                                       date_from=f.date_from, date_to=f.date_to), alias="h", fact_filters=False)
    conds, params = ["h.kind = ?", *places.sql], [kind, *places.params]
    if f.site or f.author:
        rec = build_where(conn, Filters(site=f.site, author=f.author), alias="r", fact_filters=False)
        conds.append(f"h.rid IN (SELECT r.rid FROM records r{rec.clause()})")
        params.extend(rec.params)
    depth = BY.index(by)
    time_col = f"h.{per}" if per else "NULL"
    # Dates only (stats() sends those to _dated_groups; tests use this as its reference): the covering
    # group index, read in group order. A place filter drives by rid instead.
    index = "" if (f.province or f.district or f.commune or f.site or f.author) else "INDEXED BY headlines_group"
    # Per group: reports, distinct values, the winner (greatest win_key, its value after '#') and the
    # first row (whose names the place shows). Years and months are functions of the period key.
    groups = {key: g for key, g in _grouped(conn, time_col, f"FROM headlines h {index} WHERE {' AND '.join(conds)}",
                                            params) if key[0].split("|")[depth]}  # units at the --by level
    return _named(conn, groups, f)


def _grouped(conn: sqlite3.Connection, time_col: str, source: str, params: list) -> Iterator[tuple[tuple[str, str], list]]:
    """((place_key, period_key), [t, reports, distinct values, winning value, first rowid]) per group of
    the headline rows ``h`` that ``source`` (FROM ... WHERE ...) selects: rules 1-2 as aggregates,
    the winner as the greatest win_key (its value after '#')."""
    for pk, prk, t, n, nv, win, rowid in conn.execute(
            f"SELECT h.place_key, h.period_key, {time_col}, count(*), count(DISTINCT h.value), "
            f"max(coalesce(h.win_key, '') || '#' || h.value), min(h.rowid) {source} "
            "GROUP BY h.place_key, h.period_key", params):
        yield (pk, prk), [t, n, nv, int(win[win.rindex("#") + 1:]), rowid]


def _dated_groups(conn: sqlite3.Connection, kind: str, by: str, per: str | None, f: Filters) -> list[_Group]:
    """:func:`_groups` for a filter on dates only, from ``stats_groups`` where it can be.

    A group whose reports were all published inside the range (its first and last published day,
    migration 012) is read as kept; one with none inside is left out; only groups straddling a
    boundary are grouped again from their headline rows, through the covering index. Figures are
    mostly published soon after their period, so few groups straddle: "since 2020" at a million
    records reads ~8,000 groups instead of grouping 600,000 rows."""
    dates = build_where(conn, Filters(date_from=f.date_from, date_to=f.date_to), alias="h", fact_filters=False)
    lo = parse_day(f.date_from, end=False) if f.date_from else None
    hi = parse_day(f.date_to, end=True) if f.date_to else None
    groups: dict[tuple[str, str], list] = {}
    straddle: list[tuple[str, str]] = []
    for pk, prk, t, n, nv, value, first, first_day, last_day in conn.execute(
            f"SELECT place_key, period_key, {per or 'NULL'}, reports, n_values, value, first_row, first_published, "
            f"last_published FROM stats_groups WHERE kind = ? AND {by}_folded IS NOT NULL", (kind,)):
        # '' is a report without a date: no date filter passes it
        if last_day == "" or (lo and last_day < lo) or (hi and first_day != "" and first_day > hi):
            continue  # no report inside
        if first_day != "" and (not lo or first_day >= lo) and (not hi or last_day <= hi):
            groups[(pk, prk)] = [t, n, nv, value, first]  # every report inside
        else:
            straddle.append((pk, prk))
    if straddle:
        groups.update(_grouped(
            conn, f"h.{per}" if per else "NULL",
            "FROM json_each(?) k JOIN headlines h INDEXED BY headlines_group ON h.kind = ? "
            f"AND h.place_key = k.value ->> 0 AND h.period_key = k.value ->> 1 WHERE {' AND '.join(dates.sql)}",
            [json.dumps(straddle, ensure_ascii=False), kind, *dates.params]))
    return _named(conn, groups, f)


def _named(conn: sqlite3.Connection, groups: dict[tuple[str, str], list], f: Filters) -> list[_Group]:
    """_Group entries of (place_key, period_key) -> [t, reports, values, winner, first rowid], within
    the value filters; each place shows the names of its first headline row among them."""
    first_row: dict[str, int] = {}
    for (pk, _), g in groups.items():
        first_row[pk] = min(g[4], first_row.get(pk, g[4]))
    names = {pk: (p, d, c) for pk, p, d, c in conn.execute(
        "SELECT place_key, province, district, commune FROM headlines WHERE rowid IN (SELECT value FROM json_each(?))",
        (json.dumps(list(first_row.values())),))}
    out = []
    for (pk, prk), (t, n, nv, value, _) in groups.items():
        if (f.min_value is not None and value < f.min_value) or (f.max_value is not None and value > f.max_value):
            continue
        pf, df, cf = (part or None for part in pk.split("|"))
        out.append(_Group(place=(pf, df, cf), names=names.get(pk, (None, None, None)), t=t, span=_span(prk),
                          value=value, reports=n, values=nv))
    return out


def _stored_groups(conn: sqlite3.Connection, kind: str, by: str, per: str | None, f: Filters) -> list[_Group]:
    """:func:`_groups` for a query that filters no records, from ``stats_groups``: the same groups,
    winners and names (a place shows the names of its first headline row among this kind's)."""
    rows = conn.execute(f"""
        SELECT place_key, period_key, province_folded, district_folded, commune_folded, {per or "NULL"},
               reports, n_values, value, first_row, province, district, commune
        FROM stats_groups WHERE kind = ? AND {by}_folded IS NOT NULL""", (kind,)).fetchall()
    names: dict[str, tuple[int, tuple[str | None, str | None, str | None]]] = {}
    for pk, *_, first, p, d, c in rows:
        if pk not in names or first < names[pk][0]:
            names[pk] = (first, (p, d, c))
    return [_Group(place=(pf, df, cf), names=names[pk][1], t=t, span=_span(prk), value=value, reports=n, values=nd)
            for pk, prk, pf, df, cf, t, n, nd, value, *_ in rows
            if not ((f.min_value is not None and value < f.min_value)
                    or (f.max_value is not None and value > f.max_value))]


def _span(period_key: str) -> tuple[date, date] | None:
    """The days a period key covers: ``start..end`` (one side missing: that day), or the published
    month for a figure without a period (``published:YYYY-MM``); None when nothing is known."""
    try:
        if period_key.startswith("published:"):
            y, m = int(period_key[10:14]), int(period_key[15:17])
            return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])
        start, _, end = period_key.partition("..")
        lo, hi = date.fromisoformat(start or end), date.fromisoformat(end or start)
        return (lo, hi) if lo <= hi else (hi, lo)
    except ValueError:
        return None


def _overlaps(a: tuple[date, date] | None, b: tuple[date, date] | None) -> bool:
    return a is not None and b is not None and a[0] <= b[1] and b[0] <= a[1]


def _child(parent: Place, place: Place) -> Place:
    """The sub-unit of ``parent`` that ``place`` lies in: its next named level below the parent's."""
    depth = max((i + 1 for i, p in enumerate(parent) if p is not None), default=0)
    for i in range(depth, 3):
        if place[i] is not None:
            return place[: i + 1] + (None,) * (2 - i)
    return place


def _resolve(unit: Place, groups: list[_Group]) -> tuple[list[int], int]:
    """Kept values and the superseded count for one place and bucket (rules 2-4, recursively)."""
    spans, superseded = _resolve_spans(unit, groups)
    return [v for _, v in spans], superseded


def _resolve_spans(node: Place, groups: list[_Group]) -> tuple[list[tuple[tuple[date, date] | None, int]], int]:
    own = sorted((g for g in groups if g.place == node),
                 key=lambda g: (-(g.span[1] - g.span[0]).days if g.span else 0, g.span or ()))
    superseded = sum(g.values - 1 for g in own)
    kept: list[tuple[tuple[date, date] | None, int]] = []
    for g in own:  # widest first: a period overlapping a kept one is already counted by it
        if any(_overlaps(g.span, s) for s, _ in kept):
            superseded += 1
        else:
            kept.append((g.span, g.value))
    children: dict[Place, list[_Group]] = defaultdict(list)
    for g in groups:
        if g.place != node:
            children[_child(node, g.place)].append(g)
    own_spans = [s for s, _ in kept]
    for child, members in children.items():
        spans, sup = _resolve_spans(child, members)
        superseded += sup
        for s, v in spans:  # a sub-unit counts where the place's own reports are silent
            if any(_overlaps(s, o) for o in own_spans):
                superseded += 1
            else:
                kept.append((s, v))
    return kept, superseded
