-- vnnews archive, schema version 12: each stats group knows the published dates of its reports.
-- `vnnews stats` with only a date filter used to group every headline row that passed it (0.5-1.5 s
-- for "since 2020" at a million records). With the first and last published day of each group, a
-- group whose reports all pass the filter is read as kept, a group none of whose reports pass is left
-- out, and only the groups straddling a boundary are grouped again from their rows (archive/stats.py).
-- '' stands for a report without a published date, which no date filter passes.
ALTER TABLE stats_groups ADD COLUMN first_published TEXT NOT NULL DEFAULT '';
ALTER TABLE stats_groups ADD COLUMN last_published TEXT NOT NULL DEFAULT '';
UPDATE stats_groups SET first_published = d.lo, last_published = d.hi
    FROM (SELECT kind, place_key, period_key, min(coalesce(published_date, '')) AS lo,
                 max(coalesce(published_date, '')) AS hi
          FROM headlines GROUP BY kind, place_key, period_key) AS d
    WHERE stats_groups.kind = d.kind AND stats_groups.place_key = d.place_key
          AND stats_groups.period_key = d.period_key;
