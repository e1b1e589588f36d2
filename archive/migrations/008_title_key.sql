-- vnnews archive, schema version 8: each title's folded words, by rid, in a narrow index.
-- Large archives rank a search's newest matches by the query words in their titles
-- (archive/search.py _title_rank). Walking the title column's doclists cost ~20 ms a word at a million
-- records, and folding a thousand titles in Python ~10 ms. title_key holds the title as folded words
-- between single spaces (" ket nap 89 dang vien moi "), written at ingest by archive.search.title_key
-- (vn_title_key here, registered on every vnnews connection); the index (rid, title_key) is appended
-- to in rid order, so the check is instr() over a few index pages.
ALTER TABLE records ADD COLUMN title_key TEXT;
UPDATE records SET title_key = vn_title_key(title);
CREATE INDEX IF NOT EXISTS records_titles ON records(rid, title_key);
