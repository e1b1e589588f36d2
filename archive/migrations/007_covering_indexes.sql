-- vnnews archive, schema version 7: indexes that answer filtered stats without reading table rows.
-- At a million records the archive is ~3 GB and table rows are random reads: a province filter read
-- 11k record_places rows, 11k records rows and then 11k headlines rows (4-8 s). Now:
--   record_places_name/_code carry rid, so a place filter's records come from the index alone;
--   headlines.win_key orders a group's reports as the winner rule does (archive/stats.py):
--   coalesce(records.published, '') || printf('%012d', rid), so a filtered group's winner is one max();
--   headlines_group covers what stats read of a headline, in group order: a date filter reads it
--   without touching the table or sorting (0.3 s for a year at a million records, 1.1 s for all of
--   them; an index by day as well cost ingest more than it saved a narrow range). It also serves
--   ingest's group upkeep (archive/groups.py) and replaces the two indexes of the old recompute.
DROP INDEX IF EXISTS record_places_name;
DROP INDEX IF EXISTS record_places_code;
CREATE INDEX record_places_name ON record_places(level, name_folded, era, rid);
CREATE INDEX record_places_code ON record_places(code, level, era, rid);
ALTER TABLE headlines ADD COLUMN win_key TEXT;
UPDATE headlines SET win_key = (SELECT coalesce(p.published, '') || printf('%012d', headlines.rid)
                                FROM records p WHERE p.rid = headlines.rid);
DROP INDEX IF EXISTS headlines_dedupe;
DROP INDEX IF EXISTS headlines_latest;
DROP INDEX IF EXISTS headlines_group;
CREATE INDEX headlines_group ON headlines(kind, place_key, period_key, value, published_date, win_key, year, month);
