-- vnnews archive, schema version 4: one row per (kind, place, period) group of headline figures.
-- `vnnews stats` applies its rules 1-2 (duplicates once; conflicting values: latest published wins)
-- per group; keeping the groups at ingest lets an unfiltered call read a few thousand groups instead of
-- grouping every headline (19 s at a million records). The winner rule must agree with
-- archive/stats.py: latest published_date, then records.published || rid (same string comparison).
-- stats_cells (sums per month) cannot express those rules and is no longer read: dropped.
DROP TABLE IF EXISTS stats_cells;
CREATE TABLE IF NOT EXISTS stats_groups (
    kind TEXT NOT NULL,
    place_key TEXT NOT NULL,
    period_key TEXT NOT NULL,
    province_folded TEXT,
    district_folded TEXT,
    commune_folded TEXT,
    province TEXT,                       -- display names of the group's first headline row (first_row)
    district TEXT,
    commune TEXT,
    year TEXT,
    month TEXT,
    reports INTEGER NOT NULL,            -- headline rows in the group
    n_values INTEGER NOT NULL,           -- distinct values among them
    value INTEGER NOT NULL,              -- the winning (latest-published) value
    first_row INTEGER NOT NULL,          -- smallest headlines.rowid: whose names the place shows
    PRIMARY KEY (kind, place_key, period_key)
) WITHOUT ROWID;
-- The latest day of a group in one index seek: only that day's reports are compared to the minute.
CREATE INDEX IF NOT EXISTS headlines_latest ON headlines(kind, place_key, period_key, published_date);
DELETE FROM stats_groups;
INSERT INTO stats_groups (kind, place_key, period_key, province_folded, district_folded, commune_folded, province,
                          district, commune, year, month, reports, n_values, value, first_row)
    SELECT g.kind, g.place_key, g.period_key, f.province_folded, f.district_folded, f.commune_folded, f.province,
           f.district, f.commune, f.year, f.month, g.n, g.nv,
           CASE WHEN g.nv = 1 THEN g.lo ELSE (
               SELECT h.value FROM headlines h JOIN records p ON p.rid = h.rid
               WHERE h.kind = g.kind AND h.place_key = g.place_key AND h.period_key = g.period_key
                     AND h.published_date IS (SELECT max(l.published_date) FROM headlines l
                         WHERE l.kind = g.kind AND l.place_key = g.place_key AND l.period_key = g.period_key)
               ORDER BY coalesce(p.published, '') || printf('%012d', h.rid) DESC
               LIMIT 1) END,
           g.first
    FROM (SELECT kind, place_key, period_key, count(*) AS n, count(DISTINCT value) AS nv, min(value) AS lo,
                 min(rowid) AS first
          FROM headlines GROUP BY kind, place_key, period_key) g
    JOIN headlines f ON f.rowid = g.first;
