"""The crawl frontier and crawl log, in ``crawl_*`` tables of the archive's SQLite file.

Every URL the crawler ever hears of gets a row and ends in one state with a reason: ``fetched``,
``not-modified``, ``skipped`` (robots, scope, filter, since, size, type) or ``failed`` (status,
error; attempts counted). Each state change is its own committed transaction, so ``kill -9`` at
any moment loses at most the URL in flight; :meth:`Frontier.start_run` puts URLs stuck
``in-progress`` back in the queue. A finished run followed by a new one is a re-crawl: pages are
queued again and fetched with the ETag/Last-Modified kept here (conditional GET).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from models.errors import InputError, StoreError

STATES = ("queued", "in-progress", "fetched", "not-modified", "skipped", "failed")
# Skips that a new run must not revisit: they depend on the URL alone, not on the server.
_PERMANENT_SKIPS = ("scope", "filter")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS crawl_runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    seeds TEXT NOT NULL,
    options TEXT NOT NULL,
    crawler TEXT NOT NULL,
    summary TEXT
);
CREATE TABLE IF NOT EXISTS crawl_urls (
    url TEXT PRIMARY KEY,            -- canonical URL (models.text.canonical_url)
    host TEXT NOT NULL,
    kind TEXT NOT NULL,              -- page | listing | sitemap | feed
    state TEXT NOT NULL,
    reason TEXT,
    http_status INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    depth INTEGER NOT NULL DEFAULT 0,
    source TEXT,                     -- the URL it was found on (NULL for seeds)
    listed_date TEXT,                -- date shown next to the link in a listing/sitemap/feed
    run_id INTEGER,                  -- run that last changed the state
    discovered_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    final_url TEXT,
    etag TEXT,
    last_modified TEXT,
    payload_digest TEXT,
    warc_path TEXT,
    warc_offset INTEGER,
    warc_record_id TEXT,
    warc_date TEXT,
    record_id TEXT,
    ingest TEXT,                     -- new | updated | unchanged (archive's answer)
    facts INTEGER                    -- facts the extractor found in the record
);
CREATE TABLE IF NOT EXISTS crawl_files (
    path TEXT PRIMARY KEY,           -- a WARC file a run wrote
    run_id INTEGER NOT NULL,
    closed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS crawl_urls_state ON crawl_urls(state, host);
CREATE TABLE IF NOT EXISTS crawl_log (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL,
    at TEXT NOT NULL,
    url TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT,
    http_status INTEGER,
    attempts INTEGER,
    ms INTEGER
);
CREATE INDEX IF NOT EXISTS crawl_log_run ON crawl_log(run_id);
"""

_COLUMNS = ("url", "host", "kind", "state", "reason", "http_status", "attempts", "depth", "source",
            "listed_date", "run_id", "discovered_at", "updated_at", "final_url", "etag", "last_modified",
            "payload_digest", "warc_path", "warc_offset", "warc_record_id", "warc_date", "record_id", "ingest", "facts")
_SETTABLE = frozenset(_COLUMNS) - {"url", "host", "discovered_at"}


def _now() -> str:
    return datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def host_of(url: str) -> str:
    return urlsplit(url).netloc.lower()


@dataclass(slots=True, frozen=True)
class Entry:
    url: str
    kind: str
    depth: int = 0
    source: str | None = None
    listed_date: str | None = None
    state: str = "queued"
    reason: str | None = None


class Frontier:
    """Owns one SQLite connection (WAL) to the archive file; the archive keeps its own."""

    def __init__(self, path: str | Path) -> None:
        path = Path(path)
        if path.parent and not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(str(path), timeout=30.0, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA busy_timeout=30000")
            self.db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{path}: cannot open the crawl frontier ({e})") from e
        self.db.row_factory = sqlite3.Row
        self.run_id: int | None = None

    def close(self) -> None:
        self.db.close()

    def _tx(self, sql: str, params: Iterable[object] = ()) -> sqlite3.Cursor:
        try:
            return self.db.execute(sql, tuple(params))
        except sqlite3.DatabaseError as e:
            raise StoreError(f"crawl frontier: {e}") from e

    # -- runs ---------------------------------------------------------------------------------

    def start_run(self, seeds: list[str], options: dict[str, object], crawler: str,
                  in_scope: Callable[[str], bool] = lambda host: True) -> tuple[int, bool]:
        """Resume the last run if it never finished, else start a new one: a re-crawl of the URLs
        already known on the hosts ``in_scope`` accepts (other portals in the same archive wait for
        their own crawl). Returns (run id, resumed)."""
        last = self._tx("SELECT id, finished_at FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
        now = _now()
        self._tx("BEGIN IMMEDIATE")
        try:
            if last is not None and last["finished_at"] is None:
                run_id, resumed = int(last["id"]), True
                self._tx("UPDATE crawl_urls SET state='queued', updated_at=? WHERE state='in-progress'", (now,))
            else:
                cur = self._tx("INSERT INTO crawl_runs(started_at, seeds, options, crawler) VALUES (?,?,?,?)",
                               (now, json.dumps(seeds), json.dumps(options, default=str), crawler))
                run_id, resumed = int(cur.lastrowid or 0), False
                marks = ",".join("?" * len(_PERMANENT_SKIPS))
                hosts = [h for (h,) in self._tx("SELECT DISTINCT host FROM crawl_urls") if in_scope(h)]
                for host in hosts:
                    self._tx(
                        "UPDATE crawl_urls SET state='queued', updated_at=? WHERE host=? AND (state IN "
                        f"('in-progress','fetched','not-modified','failed') OR (state='skipped' AND reason NOT IN ({marks})))",
                        (now, host, *_PERMANENT_SKIPS))
            self._tx("COMMIT")
        except BaseException:
            self._tx("ROLLBACK")
            raise
        self.run_id = run_id
        return run_id, resumed

    def finish_run(self, summary: dict[str, object]) -> None:
        self._tx("UPDATE crawl_runs SET finished_at=?, summary=? WHERE id=?",
                 (_now(), json.dumps(summary, ensure_ascii=False, default=str), self.run_id))

    # -- URLs ---------------------------------------------------------------------------------

    def add(self, entries: Iterable[Entry]) -> list[Entry]:
        """Insert URLs not seen before (one transaction); returns the ones that were new."""
        self._tx("BEGIN IMMEDIATE")
        try:
            added = self._insert(entries, _now())
            self._tx("COMMIT")
        except BaseException:
            self._tx("ROLLBACK")
            raise
        return added

    def _insert(self, entries: Iterable[Entry], now: str) -> list[Entry]:
        added: list[Entry] = []
        for e in entries:
            cur = self._tx(
                "INSERT OR IGNORE INTO crawl_urls(url, host, kind, state, reason, depth, source, listed_date,"
                " run_id, discovered_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (e.url, host_of(e.url), e.kind, e.state, e.reason, e.depth, e.source, e.listed_date,
                 self.run_id, now, now))
            if cur.rowcount:
                added.append(e)
        return added

    def requeue(self, url: str, kind: str) -> bool:
        """A seed given again: queue it unless this run already settled it."""
        cur = self._tx("UPDATE crawl_urls SET state='queued', kind=? WHERE url=? AND state<>'queued'"
                       " AND (run_id IS NULL OR run_id<>?) AND coalesce(reason,'') NOT IN ('scope','filter')",
                       (kind, url, self.run_id))
        return bool(cur.rowcount)

    def queued(self) -> list[sqlite3.Row]:
        return self._tx("SELECT url, kind, depth, source, listed_date FROM crawl_urls WHERE state='queued'"
                        " ORDER BY rowid").fetchall()

    def get(self, url: str) -> sqlite3.Row | None:
        return self._tx("SELECT * FROM crawl_urls WHERE url=?", (url,)).fetchone()

    def settle(self, url: str, state: str, reason: str | None = None, *, ms: int | None = None,
               found: Iterable[Entry] | None = None, **fields: object) -> list[Entry]:
        """Final state of a URL for this run, plus a crawl-log line and the URLs ``found`` on it,
        in one transaction (a page's links are stored exactly when the page is: a crash before
        that refetches the page and finds them again). Returns the found URLs that were new."""
        if state not in STATES:
            raise ValueError(state)
        bad = set(fields) - _SETTABLE
        if bad:
            raise ValueError(f"unknown frontier fields {bad}")
        now = _now()
        cols = {"state": state, "reason": reason, "run_id": self.run_id, "updated_at": now,
                "ingest": None, "facts": None, **fields}
        sets = ",".join(f"{k}=?" for k in cols)
        self._tx("BEGIN IMMEDIATE")
        try:
            added = self._insert(found, now) if found else []
            self._tx(f"UPDATE crawl_urls SET {sets} WHERE url=?", (*cols.values(), url))
            self._tx("INSERT INTO crawl_log(run_id, at, url, state, reason, http_status, attempts, ms)"
                     " VALUES (?,?,?,?,?,?,?,?)",
                     (self.run_id, now, url, state, reason, fields.get("http_status"), fields.get("attempts"), ms))
            self._tx("COMMIT")
        except BaseException:
            self._tx("ROLLBACK")
            raise
        return added

    # -- WARC files ---------------------------------------------------------------------------

    def add_file(self, path: str) -> None:
        self._tx("INSERT OR IGNORE INTO crawl_files(path, run_id) VALUES (?,?)", (path, self.run_id))

    def close_file(self, path: str) -> None:
        self._tx("UPDATE crawl_files SET closed=1 WHERE path=?", (path,))

    def open_files(self) -> list[str]:
        """WARC files a killed run never closed (their last record may be cut short)."""
        return [r["path"] for r in self._tx("SELECT path FROM crawl_files WHERE closed=0")]

    def run_summary(self, run_id: int | None = None) -> dict[str, object]:
        """What a run settled: URL counts by state and reason, ingest answers, facts."""
        rid = run_id if run_id is not None else self.run_id
        states: dict[str, dict[str, int]] = {}
        for row in self._tx("SELECT state, coalesce(reason,'') r, count(*) n FROM crawl_urls WHERE run_id=?"
                            " GROUP BY 1, 2", (rid,)):
            states.setdefault(row["state"], {})[row["r"]] = int(row["n"])
        ingest = {row["ingest"]: int(row["n"]) for row in self._tx(
            "SELECT ingest, count(*) n FROM crawl_urls WHERE run_id=? AND ingest IS NOT NULL GROUP BY 1", (rid,))}
        facts = self._tx("SELECT coalesce(sum(facts),0) FROM crawl_urls WHERE run_id=?", (rid,)).fetchone()[0]
        return {"run": rid, "states": states, "records": ingest, "facts": int(facts)}

    # -- reading ------------------------------------------------------------------------------

    def rows(self, state: str | None = None) -> Iterator[dict[str, object]]:
        if state is not None and state not in STATES:
            raise InputError(f"unknown state {state!r}; one of: {', '.join(STATES)}")
        sql = "SELECT * FROM crawl_urls" + (" WHERE state=?" if state else "") + " ORDER BY rowid"
        for row in self._tx(sql, (state,) if state else ()):
            yield dict(row)

    def counts(self) -> dict[tuple[str, str], int]:
        """(state, reason) -> number of URLs."""
        out: dict[tuple[str, str], int] = {}
        for row in self._tx("SELECT state, coalesce(reason,'') r, count(*) n FROM crawl_urls GROUP BY 1, 2"):
            out[(row["state"], row["r"])] = int(row["n"])
        return out


def open_existing(path: str | Path) -> Frontier:
    """For read-only commands: refuse to create a new database by typo."""
    if not Path(path).exists():
        raise InputError(f"{path}: no such database")
    return Frontier(path)
