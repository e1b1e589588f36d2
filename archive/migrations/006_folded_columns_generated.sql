-- vnnews archive, schema version 6: title_folded and text_folded are computed, not stored.
-- They exist only for the FTS5 index (external content reads them by name). Stored, they doubled
-- every record's size (about 2.5 KB of text each: 2.5 GB at a million records), which ingest paid in
-- writes and search paid in cache misses. As VIRTUAL generated columns they are computed when read
-- (by 'rebuild', 'delete' and sqlite-utils/Datasette), from the same expression ingest uses in Python
-- (archive/store.py _fold_dd). Dropping a column rewrites the table: a one-off cost on big archives.
-- Edits made by other tools now go through title/text, and the triggers watch those.
DROP TRIGGER IF EXISTS records_ad;
DROP TRIGGER IF EXISTS records_au;
ALTER TABLE records DROP COLUMN title_folded;
ALTER TABLE records DROP COLUMN text_folded;
ALTER TABLE records ADD COLUMN title_folded TEXT
    GENERATED ALWAYS AS (replace(replace(title, 'đ', 'd'), 'Đ', 'D')) VIRTUAL;
ALTER TABLE records ADD COLUMN text_folded TEXT
    GENERATED ALWAYS AS (replace(replace(text, 'đ', 'd'), 'Đ', 'D')) VIRTUAL;
CREATE TRIGGER records_ad AFTER DELETE ON records BEGIN
    INSERT INTO records_fts (records_fts, rowid, title_folded, text_folded, tags)
        VALUES ('delete', old.rid, old.title_folded, old.text_folded, old.tags);
END;
CREATE TRIGGER records_au AFTER UPDATE ON records
    WHEN old.title IS NOT new.title OR old.text IS NOT new.text OR old.tags IS NOT new.tags BEGIN
    INSERT INTO records_fts (records_fts, rowid, title_folded, text_folded, tags)
        VALUES ('delete', old.rid, old.title_folded, old.text_folded, old.tags);
    INSERT INTO records_fts (rowid, title_folded, text_folded, tags)
        VALUES (new.rid, new.title_folded, new.text_folded, new.tags);
END;
