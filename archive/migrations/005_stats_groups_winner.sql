-- vnnews archive, schema version 5: stats_groups remembers its winner's ordering key.
-- Ingest used to recompute every group a batch touched from all its headline rows: a cost that grew
-- with the archive (a group holds ~100 reports at a million records). With the winner's key stored,
-- a batch of new records updates its groups in place: reports + 1, n_values + 1 for a value not yet
-- in the group, and a new winner when the new report's key is greater. The key orders reports the way
-- archive/stats.py does: coalesce(records.published, '') || printf('%012d', rid) (published_date is
-- the first 10 characters of published, so the latest day comes first, then the minute, then rid).
-- Rebuilt whole (not ALTERed) so that re-running migrations from 3 or 4 rebuilds it cleanly.
DROP TABLE IF EXISTS stats_groups;
CREATE TABLE stats_groups (
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
    win_key TEXT NOT NULL,               -- the winner's coalesce(published, '') || printf('%012d', rid)
    PRIMARY KEY (kind, place_key, period_key)
) WITHOUT ROWID;
INSERT INTO stats_groups (kind, place_key, period_key, province_folded, district_folded, commune_folded, province,
                          district, commune, year, month, reports, n_values, value, first_row, win_key)
    SELECT g.kind, g.place_key, g.period_key, f.province_folded, f.district_folded, f.commune_folded, f.province,
           f.district, f.commune, f.year, f.month, g.n, g.nv, CAST(substr(g.win, 1 + instr(g.win, '#')) AS INTEGER),
           g.first, substr(g.win, 1, instr(g.win, '#') - 1)
    FROM (SELECT h.kind, h.place_key, h.period_key, count(*) AS n, count(DISTINCT h.value) AS nv,
                 min(h.rowid) AS first, max(coalesce(p.published, '') || printf('%012d', h.rid) || '#' || h.value) AS win
          FROM headlines h JOIN records p ON p.rid = h.rid
          GROUP BY h.kind, h.place_key, h.period_key) g
    JOIN headlines f ON f.rowid = g.first;
