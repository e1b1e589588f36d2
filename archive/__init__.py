"""Floor 2: the archive (SQLite FTS5): records, facts, places, search, aggregates, exports."""
