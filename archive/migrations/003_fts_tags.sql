-- vnnews archive, schema version 3: filter tags in the full-text index.
-- A search with a filter (place, year, fact kind and size) used to walk every match of its words and
-- test each one: "dang vien" + a province walked ~290k matches at a million records. records.tags
-- holds one token per filterable value, indexed as a third FTS column, so a filter becomes a rare
-- term inside the MATCH and FTS5 intersects doclists instead. Tags only narrow: the exact SQL filter
-- still decides. Tokens (see archive/tags.py, which must agree with the backfill below):
--   y2023          published year
--   pn<name> pc<code>, dn.. dc.., cn.. cc..   province/district/commune folded name (no spaces) or code
--   k<kind>        an actual fact of that kind (underscores dropped: knewmembers)
--   k<kind>v<n>    ... whose value has n decimal digits (10 for 10 or more);  av<n>  any actual fact, same n
ALTER TABLE records ADD COLUMN tags TEXT;

UPDATE records SET tags = nullif(trim(coalesce('y' || substr(published_date, 1, 4), '') || ' ' || coalesce((
    SELECT group_concat(t, ' ') FROM (
        SELECT substr(level, 1, 1) || 'n' || replace(name_folded, ' ', '') AS t FROM record_places
            WHERE rid = records.rid AND name_folded IS NOT NULL AND name_folded != ''
        UNION SELECT substr(level, 1, 1) || 'c' || code FROM record_places
            WHERE rid = records.rid AND code IS NOT NULL AND code != ''
        UNION SELECT 'k' || replace(kind, '_', '') FROM facts WHERE rid = records.rid AND role = 'actual'
        UNION SELECT 'k' || replace(kind, '_', '') || 'v' || min(length(abs(value)), 10) FROM facts
            WHERE rid = records.rid AND role = 'actual'
        UNION SELECT 'av' || min(length(abs(value)), 10) FROM facts WHERE rid = records.rid AND role = 'actual')), '')), '');

DROP TRIGGER IF EXISTS records_ad;
DROP TRIGGER IF EXISTS records_au;
DROP TABLE IF EXISTS records_fts;
CREATE VIRTUAL TABLE records_fts USING fts5(
    title_folded, text_folded, tags,
    content="records", content_rowid="rid",
    tokenize="unicode61 remove_diacritics 2"
);
INSERT INTO records_fts (records_fts) VALUES ('rebuild');
CREATE TRIGGER records_ad AFTER DELETE ON records BEGIN
    INSERT INTO records_fts (records_fts, rowid, title_folded, text_folded, tags)
        VALUES ('delete', old.rid, old.title_folded, old.text_folded, old.tags);
END;
CREATE TRIGGER records_au AFTER UPDATE ON records
    WHEN old.title_folded IS NOT new.title_folded OR old.text_folded IS NOT new.text_folded
         OR old.tags IS NOT new.tags BEGIN
    INSERT INTO records_fts (records_fts, rowid, title_folded, text_folded, tags)
        VALUES ('delete', old.rid, old.title_folded, old.text_folded, old.tags);
    INSERT INTO records_fts (rowid, title_folded, text_folded, tags)
        VALUES (new.rid, new.title_folded, new.text_folded, new.tags);
END;
