-- vnnews archive, schema version 11: the full-text index buffers 64 MB of new tokens, not 1 MB.
-- FTS5 holds a transaction's new postings in memory and writes them out as a level-0 segment each
-- time they pass 'hashsize' (1 MB by default): a 20,000-record ingest batch (about 50 MB of text)
-- made some fifty small segments, each merged into bigger ones again and again (automerge). With
-- 64 MB a batch becomes one segment, written once and merged less. The memory is taken only while
-- a batch is pending. The setting lives in records_fts_config, so every connection uses it.
INSERT INTO records_fts (records_fts, rank) VALUES ('hashsize', 67108864);
