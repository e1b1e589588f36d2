"""The ``stats_groups`` table kept in step with ``headlines`` inside ingest's transactions.

One row per (kind, place_key, period_key) group of headline figures: its report count, distinct
values, first and last published day (migration 012) and winner (the report with the greatest
``win_key``: published, then rid), which ``vnnews stats`` without a filter, or with dates only, reads
instead of grouping every headline (archive/stats.py; migration 005 builds the table). New records add to their groups in place; a changed page recomputes the groups it touched.
"""

from __future__ import annotations

import json
import sqlite3

_GROUP_COLS = ("kind", "place_key", "period_key", "province_folded", "district_folded", "commune_folded", "province",
               "district", "commune", "year", "month", "reports", "n_values", "value", "first_row", "win_key",
               "first_published", "last_published")


def win_key(published: str | None, rid: int) -> str:
    """How reports of one group are ordered by the winner rule (latest wins): published, then rid.
    Must equal the SQL coalesce(published, '') || printf('%012d', rid) of migrations 005 and 007."""
    return f"{published or ''}{rid:012d}"


def add_to_groups(conn: sqlite3.Connection, heads: list[tuple], first: int, published: dict[int, str | None]
                  ) -> None:
    """Fold new headline rows (rowids ``first``...) into their stats_groups rows in place.

    Recomputing a group reads all its reports (hundreds in a big archive); adding to it reads one
    row. A value repeats one already in the group (a duplicate, not a new distinct value) when it is
    the group's winner, or, for groups that already hold several values, when the index finds it among
    the older rows. The winner is the report with the greatest key (see migrations/005)."""
    keys = sorted({(h[2], h[10], h[11]) for h in heads})
    groups: dict[tuple, list] = {}
    for row in conn.execute(
            f"SELECT {', '.join('g.' + c for c in _GROUP_COLS)} FROM json_each(?) k JOIN stats_groups g "
            "ON g.kind = k.value ->> 0 AND g.place_key = k.value ->> 1 AND g.period_key = k.value ->> 2",
            (json.dumps(keys, ensure_ascii=False),)):
        groups[row[:3]] = list(row)
    known = {(k, g[13]) for k, g in groups.items()}
    ask = sorted({((h[2], h[10], h[11]), h[3]) for h in heads
                  if (g := groups.get((h[2], h[10], h[11]))) is not None and g[12] > 1 and h[3] != g[13]})
    if ask:
        for (item,) in conn.execute(
                "SELECT k.value FROM json_each(?) k WHERE EXISTS (SELECT 1 FROM headlines h "
                "WHERE h.kind = k.value ->> '$[0][0]' AND h.place_key = k.value ->> '$[0][1]' "
                "AND h.period_key = k.value ->> '$[0][2]' AND h.value = k.value ->> '$[1]' AND h.rowid < ?)",
                (json.dumps(ask, ensure_ascii=False), first)):
            (kind, place_key, period_key), value = json.loads(item)
            known.add(((kind, place_key, period_key), value))
    for i, h in enumerate(heads):
        key, value = (h[2], h[10], h[11]), h[3]
        win = win_key(published.get(h[0]), h[0])
        g = groups.get(key)
        day = h[14] or ""  # published_date; '' for none (migration 012)
        if g is None:
            groups[key] = [*key, h[7], h[8], h[9], h[4], h[5], h[6], h[12], h[13], 1, 1, value, first + i, win,
                           day, day]
        else:
            g[11] += 1
            if (key, value) not in known:
                g[12] += 1
            if win > g[15]:
                g[13], g[15] = value, win
            g[16], g[17] = min(g[16], day), max(g[17], day)
        known.add((key, value))
    conn.executemany(f"INSERT OR REPLACE INTO stats_groups ({', '.join(_GROUP_COLS)}) "
                     f"VALUES ({','.join('?' * len(_GROUP_COLS))})", list(groups.values()))


def refresh_groups(conn: sqlite3.Connection, keys: set[tuple[str, str, str]]) -> None:
    """Recompute the stats_groups rows of (kind, place_key, period_key) groups whose headlines changed,
    in the caller's transaction; a group left without headlines disappears. Same statement as the
    backfill in migrations/005_stats_groups_winner.sql, restricted to the given groups."""
    if not keys:
        return
    k = json.dumps(sorted(keys), ensure_ascii=False)
    conn.execute("DELETE FROM stats_groups WHERE (kind, place_key, period_key) IN "
                 "(SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?))", (k,))
    conn.execute(_GROUPS_SQL, (k,))


_GROUPS_SQL = """
INSERT INTO stats_groups (kind, place_key, period_key, province_folded, district_folded, commune_folded, province,
                          district, commune, year, month, reports, n_values, value, first_row, win_key,
                          first_published, last_published)
    SELECT g.kind, g.place_key, g.period_key, f.province_folded, f.district_folded, f.commune_folded, f.province,
           f.district, f.commune, f.year, f.month, g.n, g.nv, CAST(substr(g.win, 1 + instr(g.win, '#')) AS INTEGER),
           g.first, substr(g.win, 1, instr(g.win, '#') - 1), g.lo, g.hi
    FROM (SELECT h.kind, h.place_key, h.period_key, count(*) AS n, count(DISTINCT h.value) AS nv,
                 min(h.rowid) AS first, max(coalesce(p.published, '') || printf('%012d', h.rid) || '#' || h.value) AS win,
                 min(coalesce(h.published_date, '')) AS lo, max(coalesce(h.published_date, '')) AS hi
          FROM json_each(?) k JOIN headlines h
               ON h.kind = k.value ->> 0 AND h.place_key = k.value ->> 1 AND h.period_key = k.value ->> 2
               JOIN records p ON p.rid = h.rid
          GROUP BY h.kind, h.place_key, h.period_key) g
    JOIN headlines f ON f.rowid = g.first"""
