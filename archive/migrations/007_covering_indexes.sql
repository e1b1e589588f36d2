-- vnnews archive, schema version 7: indexes that answer filtered stats without reading table rows.
-- At a million records the archive is ~3 GB and table rows are random reads: a province filter read
-- 11k record_places rows, 11k records rows and then 11k headlines rows (4-8 s). Now:
--   record_places_name/_code carry rid, so a place filter's records come from the index alone;
--   headlines.win_key orders a group's reports as the winner rule does (archive/stats.py):
--   coalesce(records.published, '') || printf('%012d', rid), so a filtered group's winner is one max();
--   headlines_day and headlines_group both cover what stats read of a headline: by kind and published
--   day, a narrow date filter is one range scan; by kind and group, a wide one is read in group order
--   without sorting (archive/stats.py picks). headlines_group also serves ingest's group upkeep
--   (archive/store.py) and replaces the two indexes that served the old recompute.
DROP INDEX IF EXISTS record_places_name;
DROP INDEX IF EXISTS record_places_code;
CREATE INDEX record_places_name ON record_places(level, name_folded, era, rid);
CREATE INDEX record_places_code ON record_places(code, level, era, rid);
ALTER TABLE headlines ADD COLUMN win_key TEXT;
UPDATE headlines SET win_key = (SELECT coalesce(p.published, '') || printf('%012d', headlines.rid)
                                FROM records p WHERE p.rid = headlines.rid);
DROP INDEX IF EXISTS headlines_dedupe;
DROP INDEX IF EXISTS headlines_latest;
DROP INDEX IF EXISTS headlines_day;
DROP INDEX IF EXISTS headlines_group;
CREATE INDEX headlines_group ON headlines(kind, place_key, period_key, value, published_date, win_key, year, month);
CREATE INDEX headlines_day ON headlines(kind, published_date, place_key, period_key, value, year, month, win_key);
