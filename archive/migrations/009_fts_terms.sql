-- vnnews archive, schema version 9: the index's vocabulary, for prefix queries.
-- FTS5 answers "duong*" by merging the doclists of every token starting with "duong" into one list in
-- memory before returning a row: ~30 ms at a million records, whatever the LIMIT. Knowing the tokens,
-- search rewrites a prefix with few completions as an OR of exact tokens, which FTS5 walks lazily from
-- the newest match (archive/search.py expand_prefixes). Ingest adds the folded tokens of each new title
-- and text (archive/store.py); here they are read once from the index itself. Tokens of rows written by
-- other tools are missing until the next vnnews ingest of them: a prefix with no known completion
-- falls back to FTS5's own prefix query.
CREATE TABLE IF NOT EXISTS fts_terms (term TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE VIRTUAL TABLE temp.fts_terms_scan USING fts5vocab(main, records_fts, 'row');
INSERT OR IGNORE INTO fts_terms (term) SELECT term FROM temp.fts_terms_scan;
DROP TABLE temp.fts_terms_scan;
