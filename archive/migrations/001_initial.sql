-- vnnews archive, schema version 1. Documented in docs/archive-schema.md.
-- Only tables named here belong to the archive; crawl_* tables belong to the crawler and are never touched.

CREATE TABLE IF NOT EXISTS records (
    rid INTEGER PRIMARY KEY,            -- stable integer key (FTS rowid); survives VACUUM
    id TEXT NOT NULL UNIQUE,            -- Record.id (sha1 of the canonical URL, 16 hex)
    version INTEGER NOT NULL DEFAULT 1, -- 1 + number of earlier versions kept in record_versions
    schema_version TEXT NOT NULL,
    url TEXT,
    site TEXT,
    fetched_at TEXT,
    content_sha256 TEXT NOT NULL,
    title TEXT,
    published TEXT,                     -- ISO 8601 +07:00, or YYYY-MM-DD
    published_date TEXT,                -- first 10 chars of published: what date filters compare
    updated TEXT,
    author TEXT,
    source TEXT,
    views INTEGER,
    lead TEXT,
    text TEXT NOT NULL DEFAULT '',
    title_folded TEXT,                  -- title with đ -> d: indexed by records_fts (the tokenizer strips the rest)
    text_folded TEXT,                   -- text with đ -> d
    province TEXT,
    district TEXT,
    commune TEXT,
    level TEXT,
    place_code TEXT,
    era TEXT,
    province_code TEXT,
    district_code TEXT,
    place_mention TEXT,
    new_members INTEGER,                -- Summary headline figures
    transfers INTEGER,
    badges INTEGER,
    badges_by_years TEXT,               -- JSON object {"30": 12, ...}
    facts_count INTEGER NOT NULL DEFAULT 0,
    warnings TEXT,                      -- JSON list of strings
    extractor_name TEXT,
    extractor_version TEXT,
    warc_path TEXT,                     -- where the captured bytes are (for reextract)
    warc_offset INTEGER,
    ingested_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS records_published_date ON records(published_date);
CREATE INDEX IF NOT EXISTS records_site ON records(site);

-- Earlier versions of a record whose page changed (full Record JSON).
CREATE TABLE IF NOT EXISTS record_versions (
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    content_sha256 TEXT NOT NULL,
    fetched_at TEXT,
    extractor_version TEXT,
    warc_path TEXT,
    warc_offset INTEGER,
    ingested_at TEXT NOT NULL,
    record_json TEXT NOT NULL,
    PRIMARY KEY (id, version)
);
CREATE INDEX IF NOT EXISTS record_versions_sha ON record_versions(id, content_sha256);

CREATE TABLE IF NOT EXISTS facts (
    rid INTEGER NOT NULL REFERENCES records(rid),
    record_id TEXT NOT NULL,            -- records.id, for people reading the table
    idx INTEGER NOT NULL,               -- position in Record.facts
    kind TEXT NOT NULL,
    value INTEGER NOT NULL,
    qualifier TEXT,
    badge_years INTEGER,
    role TEXT NOT NULL,
    period_start TEXT,
    period_end TEXT,
    period_label TEXT,
    province TEXT,
    district TEXT,
    commune TEXT,
    level TEXT,
    place_code TEXT,
    era TEXT,
    province_code TEXT,
    district_code TEXT,
    place_mention TEXT,
    evidence_start INTEGER NOT NULL,
    evidence_end INTEGER NOT NULL,
    evidence_sentence TEXT NOT NULL,
    parts TEXT,                          -- JSON list of {label, value, qualifier}
    PRIMARY KEY (rid, idx)
);
CREATE INDEX IF NOT EXISTS facts_kind_value ON facts(kind, value);

-- Every place a record is about or mentions (its locality and its facts' places), folded, for filters.
CREATE TABLE IF NOT EXISTS record_places (
    rid INTEGER NOT NULL REFERENCES records(rid),
    record_id TEXT NOT NULL,
    level TEXT NOT NULL,                 -- province | district | commune
    name TEXT,
    name_folded TEXT,
    code TEXT,
    era TEXT
);
CREATE INDEX IF NOT EXISTS record_places_name ON record_places(level, name_folded);
CREATE INDEX IF NOT EXISTS record_places_code ON record_places(code);
CREATE INDEX IF NOT EXISTS record_places_record ON record_places(rid);

-- One row per headline figure (Record.summary) for aggregates; denormalised so stats need no join.
CREATE TABLE IF NOT EXISTS headlines (
    rid INTEGER NOT NULL REFERENCES records(rid),
    record_id TEXT NOT NULL,
    kind TEXT NOT NULL,                  -- new_members | transfers | badges
    value INTEGER NOT NULL,
    province TEXT,
    district TEXT,
    commune TEXT,
    province_folded TEXT,
    district_folded TEXT,
    commune_folded TEXT,
    place_key TEXT NOT NULL,             -- folded province|district|commune: "same place" for de-duplication
    period_key TEXT NOT NULL,            -- period start..end, or "published:YYYY-MM" without a period
    year TEXT,                           -- of the period end (else start, else published)
    month TEXT,                          -- YYYY-MM, same rule
    published_date TEXT,
    PRIMARY KEY (rid, kind)
);
CREATE INDEX IF NOT EXISTS headlines_dedupe
    ON headlines(kind, place_key, period_key, value, province_folded, district_folded, commune_folded, year, month);

-- Full-text index, sqlite-utils/Datasette conventions (external content table + triggers).
-- Inserts are indexed by vnnews itself in the same transaction (an AFTER INSERT trigger costs 2.5x
-- the CPU of a direct insert); deletes and updates made by any tool keep the index in step through
-- the _ad/_au triggers. Rows inserted by other tools: run `sqlite-utils rebuild-fts archive.db records`.
CREATE VIRTUAL TABLE IF NOT EXISTS records_fts USING fts5(
    title_folded, text_folded,
    content="records", content_rowid="rid",
    tokenize="unicode61 remove_diacritics 2"
);
CREATE TRIGGER IF NOT EXISTS records_ad AFTER DELETE ON records BEGIN
    INSERT INTO records_fts (records_fts, rowid, title_folded, text_folded)
        VALUES ('delete', old.rid, old.title_folded, old.text_folded);
END;
CREATE TRIGGER IF NOT EXISTS records_au AFTER UPDATE ON records
    WHEN old.title_folded IS NOT new.title_folded OR old.text_folded IS NOT new.text_folded BEGIN
    INSERT INTO records_fts (records_fts, rowid, title_folded, text_folded)
        VALUES ('delete', old.rid, old.title_folded, old.text_folded);
    INSERT INTO records_fts (rowid, title_folded, text_folded) VALUES (new.rid, new.title_folded, new.text_folded);
END;
