-- Pre-aggregated headline figures per (kind, place, month), kept in step with `headlines` at ingest,
-- so an unfiltered `vnnews stats` reads a few thousand cells instead of every figure.
-- A figure repeated by another article (same kind, place_key, period_key, value) counts in `duplicates`.
CREATE TABLE IF NOT EXISTS stats_cells (
    kind TEXT NOT NULL,
    province_folded TEXT NOT NULL,       -- '' when the figure has no such level
    district_folded TEXT NOT NULL,
    commune_folded TEXT NOT NULL,
    month TEXT NOT NULL,                 -- YYYY-MM, '' when undated
    province TEXT,
    district TEXT,
    commune TEXT,
    total INTEGER NOT NULL DEFAULT 0,    -- sum of distinct figures
    articles INTEGER NOT NULL DEFAULT 0, -- distinct figures counted
    duplicates INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, province_folded, district_folded, commune_folded, month)
);
INSERT OR IGNORE INTO stats_cells (kind, province_folded, district_folded, commune_folded, month, province, district,
                                   commune, total, articles, duplicates)
    SELECT kind, coalesce(province_folded, ''), coalesce(district_folded, ''), coalesce(commune_folded, ''),
           coalesce(month, ''), min(province), min(district), min(commune), sum(value), count(*), sum(n - 1)
    FROM (SELECT kind, province_folded, district_folded, commune_folded, month, province, district, commune, value,
                 count(*) AS n
          FROM headlines GROUP BY kind, place_key, period_key, value)
    GROUP BY kind, coalesce(province_folded, ''), coalesce(district_folded, ''), coalesce(commune_folded, ''),
             coalesce(month, '');
