"""The SQLite archive: schema migrations, idempotent ingest, and the :class:`Archive` facade.

One normal, documented schema (docs/archive-schema.md) that opens in sqlite-utils and Datasette.
Ingest is keyed by record id + content hash: the same page again changes nothing, a changed page
becomes a new version and the old one is kept whole in ``record_versions``. Each ``ingest`` call
and each ``ingest_many`` batch is one transaction, so a killed process leaves every committed batch.
"""

from __future__ import annotations

import gc
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from archive.filters import Filters, fold_place
from archive.groups import add_to_groups, refresh_groups, win_key
from archive.search import _WORD, fold_same_length, title_key
from archive.tags import record_tags
from models.errors import NotFoundError, StoreError
from models.record import Evidence, ExtractorInfo, Fact, FactPart, Locality, Period, Record, Summary

DEFAULT_DB = Path("data/archive.db")
MIGRATIONS = Path(__file__).parent / "migrations"
HEADLINE_KINDS = ("new_members", "transfers", "badges")
Item = Record | tuple[Record, str | None, int | None]
CHECKPOINT_PAGES = 8192  # WAL pages (32 MB) before a commit copies them into the database
BULK_CHECKPOINT_PAGES = 262_144  # 1 GB during ingest_many (see there)

_RECORD_COLS = (
    "id", "version", "schema_version", "url", "site", "fetched_at", "content_sha256", "title", "published",
    "published_date", "updated", "author", "source", "views", "lead", "text",
    "province", "district", "commune", "level", "place_code", "era", "province_code", "district_code",
    "place_mention", "new_members", "transfers", "badges", "badges_by_years", "facts_count", "warnings",
    "extractor_name", "extractor_version", "warc_path", "warc_offset", "ingested_at",
)
_FACT_COLS = (
    "record_id", "idx", "kind", "value", "qualifier", "badge_years", "role", "period_start", "period_end",
    "period_label", "province", "district", "commune", "level", "place_code", "era", "province_code",
    "district_code", "place_mention", "evidence_start", "evidence_end", "evidence_sentence", "parts",
)
# tags: filter tokens for the FTS index (archive/tags.py); title_key: folded title words for ranking
# (archive/search.py). Written at ingest, never read back into a Record.
_WRITE_COLS = (*_RECORD_COLS, "tags", "title_key")
_INSERT_RECORD = f"INSERT INTO records ({', '.join(_WRITE_COLS)}) VALUES ({','.join('?' * len(_WRITE_COLS))})"
_INSERT_RECORD_RID = (f"INSERT INTO records (rid, {', '.join(_WRITE_COLS)}) "
                      f"VALUES (?, {','.join('?' * len(_WRITE_COLS))})")
_UPDATE_RECORD = f"UPDATE records SET {', '.join(c + ' = ?' for c in _WRITE_COLS)} WHERE rid = ?"
_INSERT_FTS = "INSERT INTO records_fts (rowid, title_folded, text_folded, tags) VALUES (?, ?, ?, ?)"
_INSERT_FACT = f"INSERT INTO facts (rid, {', '.join(_FACT_COLS)}) VALUES (?, {','.join('?' * len(_FACT_COLS))})"
_TITLE, _TEXT, _TAGS = (_WRITE_COLS.index(c) for c in ("title", "text", "tags"))
_LOC_FIELDS = ("province", "district", "commune", "level", "code", "era", "province_code", "district_code",
               "mention")


def _fold_dd(text: str | None) -> str | None:
    """The indexed copy: đ -> d. unicode61 ``remove_diacritics 2`` strips every other mark and case,
    so the index holds exactly :func:`models.text.fold` tokens without a per-character Python pass.
    Must equal the SQL of the generated columns records.title_folded/text_folded (migration 006)."""
    return text.replace("đ", "d").replace("Đ", "D") if text is not None else None


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def db_error(path: Path | str, e: sqlite3.Error) -> StoreError:
    """One clear line for the ways SQLite refuses (locked, not a database, read-only, disk full)."""
    msg = str(e)
    if "locked" in msg or "busy" in msg:
        text = f"{path}: the archive is locked by another process; try again when it finishes"
    elif "not a database" in msg or "malformed" in msg:
        text = f"{path}: not a vnnews archive (file is not an SQLite database or is corrupt)"
    elif "readonly" in msg:
        text = f"{path}: the archive is read-only"
    elif "disk" in msg and "full" in msg:
        text = f"{path}: disk full while writing the archive"
    elif "unable to open" in msg:
        text = f"{path}: cannot open the archive database"
    else:
        text = f"{path}: archive database error: {msg}"
    return StoreError(text, detail=f"{type(e).__name__}: {msg}")


class Archive:
    """Records, facts, places and the full-text index in one SQLite file (WAL, migrated on open)."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool | None = None) -> None:
        """Open (creating and migrating) the archive at ``path``.

        ``read_only``: open without writing anything, for archives on read-only storage (an
        archivist's copy, a mounted snapshot). ``None`` chooses it when the file or its directory is
        not writable; a read-only archive must already be at this vnnews's schema version."""
        self.path = Path(path or os.environ.get("VNNEWS_DB") or DEFAULT_DB)
        self._lock = threading.RLock()
        self._seen_words: set[str] = set()  # raw words whose folded tokens are in fts_terms (see _new_terms)
        if read_only is None:
            read_only = self.path.is_file() and not (os.access(self.path, os.W_OK)
                                                     and os.access(self.path.parent, os.W_OK))
        self.read_only = read_only
        try:
            if self.path.is_dir():
                raise StoreError(f"{self.path}: is a directory, not an archive file")
            if read_only:
                if not self.path.is_file():
                    raise StoreError(f"{self.path}: no archive there to open read-only")
                self.conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=30,
                                            isolation_level=None, check_same_thread=False)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        except OSError as e:
            raise StoreError(f"{self.path}: cannot create the archive ({e.strerror or e})") from None
        except sqlite3.Error as e:
            raise db_error(self.path, e) from None
        try:
            self.conn.execute("PRAGMA busy_timeout = 30000")
            # Big archives: the indexes ingest and stats touch at random (id, headlines, places) are
            # ~400 MB at a million records; pages beyond SQLite's cache are read through the map.
            self.conn.execute("PRAGMA cache_size = -524288")  # 512 MB, taken only as pages are used
            self.conn.execute("PRAGMA mmap_size = 8589934592")
            if read_only:
                self._check_version()
            else:
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
                self.conn.execute(f"PRAGMA wal_autocheckpoint = {CHECKPOINT_PAGES}")
                self.conn.create_function("vn_title_key", 1, title_key, deterministic=True)  # migration 008
                self._migrate()
        except sqlite3.Error as e:
            self.conn.close()
            raise db_error(self.path, e) from None
        except StoreError:
            self.conn.close()
            raise

    def _check_version(self) -> None:
        current = self.conn.execute("PRAGMA user_version").fetchone()[0]
        known = len(list(MIGRATIONS.glob("[0-9][0-9][0-9]_*.sql")))
        if current != known:
            raise StoreError(f"{self.path}: archive schema v{current}, this vnnews reads v{known}; open it once "
                             "with write access to upgrade it" if current < known else
                             f"{self.path}: archive schema v{current} is newer than this vnnews (v{known}); "
                             "upgrade vnnews")

    # -- lifecycle -----------------------------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        """Apply migrations/NNN_*.sql above PRAGMA user_version, each in its own transaction.
        Migrations only ever create/alter archive tables; crawl_* tables are the crawler's."""
        scripts = sorted(MIGRATIONS.glob("[0-9][0-9][0-9]_*.sql"))
        current = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if current > len(scripts):
            raise StoreError(f"{self.path}: archive schema v{current} is newer than this vnnews "
                             f"(knows up to v{len(scripts)}); upgrade vnnews")
        for n, script in enumerate(scripts, start=1):
            if n <= current:
                continue
            sql = script.read_text(encoding="utf-8")
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                for stmt in _statements(sql):
                    try:
                        self.conn.execute(stmt)
                    except sqlite3.OperationalError as e:
                        # A column a migration adds is already there: that step was applied (an archive
                        # whose user_version was lowered to re-run a rebuild). Anything else fails.
                        if not ("duplicate column name" in str(e) and " ADD COLUMN " in stmt.upper()):
                            raise
                self.conn.execute(f"PRAGMA user_version = {n}")
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as e:
                raise db_error(self.path, e) from None
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except sqlite3.Error as e:
                self.conn.execute("ROLLBACK")
                raise db_error(self.path, e) from None
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                yield self.conn
            except sqlite3.OperationalError as e:
                raise db_error(self.path, e) from None
            except sqlite3.DatabaseError as e:
                raise db_error(self.path, e) from None

    # -- ingest ----------------------------------------------------------------------------------
    def ingest(self, record: Record, *, warc_path: str | None = None, warc_offset: int | None = None) -> str:
        """Store one record: "new", "updated" (page changed or re-extracted) or "unchanged"."""
        try:
            with self._tx() as conn:
                outcome = _ingest_one(conn, record, warc_path, warc_offset)
                if outcome != "unchanged":
                    _insert_terms(conn, _new_terms([record], self._seen_words))
                return outcome
        except BaseException:
            self._seen_words.clear()  # words marked seen by a transaction that did not commit
            raise

    def ingest_many(self, items: Iterable[Item], *, batch: int = 20_000, seconds: float = 10.0) -> dict[str, int]:
        """Store many records, one transaction per ``batch`` (or per ``seconds`` of a slow stream);
        returns counts by outcome.

        Big batches because a big archive's indexes take new rows at random places: each commit
        writes every index page it touched, so 20,000 records per commit write far fewer pages per
        record than 5,000 (1,700 against 1,400 records/s at a million records); the batch is held in
        memory (~200 MB of typical articles). Preparing the next batch in a thread while SQLite wrote
        did not pay: the two threads contend for the GIL at every row SQLite steps through.

        For the same reason the WAL is checkpointed only past 1 GB here: at a million records each
        batch touches most index pages, and a checkpoint after every batch copied them all again
        (1,911 against 2,219 records/s over a million)."""
        counts = {"new": 0, "updated": 0, "unchanged": 0}
        self.conn.execute(f"PRAGMA wal_autocheckpoint = {BULK_CHECKPOINT_PAGES}")
        try:
            for chunk in _chunks(items, batch, seconds):
                with _gc_paused():
                    self._ingest_batch(self._prepare_batch(chunk), counts)
        finally:
            self.conn.execute(f"PRAGMA wal_autocheckpoint = {CHECKPOINT_PAGES}")
        return counts

    def _prepare_batch(self, items: list[Item]) -> tuple[list[_Prep], list[str]]:
        """Rows for every record of a batch and the vocabulary tokens it may add (see _add_terms)."""
        preps = [_prepare(item, None, None) if isinstance(item, Record) else _prepare(*item) for item in items]
        return preps, _new_terms([p.rec for p in preps], self._seen_words)

    def _ingest_batch(self, batch: tuple[list[_Prep], list[str]], counts: dict[str, int]) -> None:
        """Records new to the archive (the bulk of a crawl) are written with one executemany per
        table; any other record goes through the per-record rules, in input order."""
        preps, terms = batch
        try:
            with self._tx() as conn:
                known = set()
                ids = list({p.rec.id for p in preps})
                for i in range(0, len(ids), 900):
                    chunk = ids[i:i + 900]
                    known.update(r[0] for r in conn.execute(
                        f"SELECT id FROM records WHERE id IN ({','.join('?' * len(chunk))})", chunk))
                fresh: list[_Prep] = []
                for p in preps:
                    if p.rec.id in known:
                        _write_new(conn, fresh)
                        fresh = []
                        counts[_ingest_one(conn, p.rec, p.warc_path, p.warc_offset)] += 1
                    else:
                        known.add(p.rec.id)
                        fresh.append(p)
                        counts["new"] += 1
                _write_new(conn, fresh)
                _insert_terms(conn, terms)
        except BaseException:
            self._seen_words.clear()  # words marked seen in a batch that did not commit
            raise

    # -- reading ---------------------------------------------------------------------------------
    def get(self, record_id: str) -> Record:
        """The current version of a record; :class:`NotFoundError` when there is none."""
        with self._read() as conn:
            row = conn.execute(f"SELECT {', '.join(_RECORD_COLS)} FROM records WHERE id = ?",
                               (record_id,)).fetchone()
            if row is None:
                raise NotFoundError(f"no record with id {record_id!r}")
            facts = conn.execute(f"SELECT {', '.join(_FACT_COLS)} FROM facts "
                                 "WHERE rid = (SELECT rid FROM records WHERE id = ?) ORDER BY idx",
                                 (record_id,)).fetchall()
        return record_from_rows(row, facts)

    def versions(self, record_id: str) -> list[dict]:
        """Earlier versions of a record (oldest first) with their full Record JSON."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT version, content_sha256, fetched_at, extractor_version, ingested_at, record_json "
                "FROM record_versions WHERE id = ? ORDER BY version", (record_id,)).fetchall()
        keys = ("version", "content_sha256", "fetched_at", "extractor_version", "ingested_at")
        return [dict(zip(keys, r[:5], strict=True)) | {"record": json.loads(r[5])} for r in rows]

    def count(self) -> int:
        with self._read() as conn:
            return conn.execute("SELECT count(*) FROM records").fetchone()[0]

    def captures(self) -> Iterator[tuple[str, str, int]]:
        """(record id, WARC path, offset) of the capture behind the current version of each record."""
        with self._read() as conn:
            rows = conn.execute("SELECT id, warc_path, warc_offset FROM records "
                                "WHERE warc_path IS NOT NULL ORDER BY warc_path, warc_offset").fetchall()
        yield from rows

    def search(self, query: str, filters: Filters | None = None, *, limit: int = 20, offset: int = 0):
        from archive.search import search

        with self._read() as conn:
            return search(conn, query, filters, limit=limit, offset=offset)

    def stats(self, kind: str, by: str = "province", per: str | None = "year", filters: Filters | None = None):
        from archive.stats import stats

        with self._read() as conn:
            return stats(conn, kind, by=by, per=per, filters=filters)

    def export(self, fmt: str, out: BinaryIO, filters: Filters | None = None) -> int:
        from archive.export import export

        # No lock held across a long stream: a separate connection reads a consistent WAL snapshot.
        try:
            if self.read_only:
                conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=30,
                                       check_same_thread=False)
            else:
                conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        except sqlite3.Error as e:
            raise db_error(self.path, e) from None
        try:
            conn.execute("BEGIN")  # one snapshot for the whole export
            return export(conn, fmt, out, filters)
        except sqlite3.DatabaseError as e:
            raise db_error(self.path, e) from None
        finally:
            conn.close()


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Python's cycle collector off while a batch is prepared and written. A batch keeps ~20,000
    records and their rows alive, and each full collection walks all of them again: 55 us per record,
    a tenth of ingest. Preparing and writing rows makes no reference cycles; pulling items from the
    caller's iterator (which may parse HTML, whose trees are cyclic) happens with the collector on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _chunks(items: Iterable[Item], size: int, seconds: float) -> Iterator[list[Item]]:
    """Batches of ``size`` items, or fewer when items come slowly (pages extracted on the way):
    a batch is closed ``seconds`` after its first item, so progress is committed as it is made."""
    chunk: list[Item] = []
    started = 0.0
    for item in items:
        if not chunk:
            started = time.monotonic()
        chunk.append(item)
        if len(chunk) >= size or time.monotonic() - started >= seconds:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _statements(sql: str) -> list[str]:
    """Split a migration script into statements (sqlite3.complete_statement keeps triggers whole)."""
    out, buf = [], ""
    for line in sql.splitlines(keepends=True):
        if not buf and line.strip().startswith("--"):
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out


# -- ingest internals ------------------------------------------------------------------------------
def _ingest_one(conn: sqlite3.Connection, rec: Record, warc_path: str | None, warc_offset: int | None) -> str:
    cur = conn.execute("SELECT rid, version, content_sha256, extractor_version, fetched_at, warc_path, "
                       "warc_offset FROM records WHERE id = ?", (rec.id,)).fetchone()
    if cur is None:
        _write(conn, rec, 1, warc_path, warc_offset, rid=None)
        return "new"
    rid, version, sha, ext_version, fetched_at, old_warc, old_offset = cur
    if sha == rec.content_sha256:
        if ext_version == rec.extractor.version:
            if warc_path and not old_warc:  # same bytes, now with a capture to re-extract from
                conn.execute("UPDATE records SET warc_path = ?, warc_offset = ? WHERE rid = ?",
                             (warc_path, warc_offset, rid))
            return "unchanged"
        # Same page, another extractor (vnnews reextract): the last extraction ingested replaces the
        # earlier one in place; the bytes did not change, so there is no version to keep.
        _write(conn, rec, version, warc_path or old_warc, warc_offset if warc_path else old_offset, rid=rid)
        return "updated"
    if conn.execute("SELECT 1 FROM record_versions WHERE id = ? AND content_sha256 = ?",
                    (rec.id, rec.content_sha256)).fetchone():
        return "unchanged"  # an earlier version we already keep
    if rec.fetched_at and fetched_at and rec.fetched_at < fetched_at:
        # An older capture arriving late (e.g. WARCs ingested out of order): keep it as history only.
        _keep_version(conn, rec, version, warc_path, warc_offset, before=True)
        return "updated"
    old = record_from_rows(
        conn.execute(f"SELECT {', '.join(_RECORD_COLS)} FROM records WHERE rid = ?", (rid,)).fetchone(),
        conn.execute(f"SELECT {', '.join(_FACT_COLS)} FROM facts WHERE rid = ? ORDER BY idx", (rid,)).fetchall())
    _keep_version(conn, old, version, old_warc, old_offset, before=False)
    _write(conn, rec, version + 1, warc_path, warc_offset, rid=rid)
    return "updated"


def _new_terms(records: list[Record], seen: set[str]) -> list[str]:
    """Folded tokens of the records' titles and texts for ``fts_terms`` (migration 009), the vocabulary
    prefix queries expand from. Splitting on whitespace is cheap (C); only words not ``seen`` before
    are folded and split like the FTS tokenizer would (``seen`` is updated: callers clear it when
    the batch does not commit)."""
    new: set[str] = set()
    for rec in records:
        new.update(set(f"{rec.title or ''} {rec.text}".lower().split()) - seen)
    if len(seen) > 2_000_000:  # numbers and codes keep coming: bound the memory, fts_terms stays right
        seen.clear()
    seen.update(new)
    return sorted({tok for word in new for tok in _WORD.findall(fold_same_length(word))})


def _insert_terms(conn: sqlite3.Connection, terms: list[str]) -> None:
    if terms:
        conn.executemany("INSERT OR IGNORE INTO fts_terms (term) VALUES (?)", [(t,) for t in terms])


@dataclass(slots=True)
class _Prep:
    """One record as the rows ingest writes, computed before the transaction (see ingest_many).
    Rows lack the rid, which only the writer knows."""

    rec: Record
    warc_path: str | None
    warc_offset: int | None
    values: tuple  # records row (_WRITE_COLS), version 1
    fts: tuple  # title and text with đ -> d, tags
    places: list[tuple]
    facts: list[tuple]
    heads: list[tuple]


def _prepare(rec: Record, warc_path: str | None, warc_offset: int | None, version: int = 1) -> _Prep:
    places = _place_rows(rec)
    values = _record_values(rec, version, warc_path, warc_offset, _now(), places)
    return _Prep(rec, warc_path, warc_offset, values,
                 (_fold_dd(values[_TITLE]), _fold_dd(values[_TEXT]), values[_TAGS]), places,
                 [_fact_row(rec.id, i, f) for i, f in enumerate(rec.facts)], _headline_rows(rec))


def _keep_version(conn: sqlite3.Connection, rec: Record, version: int, warc_path: str | None,
                  warc_offset: int | None, *, before: bool) -> None:
    """Archive a whole version in record_versions. A late older capture gets a number below the
    current ones (0, -1, ...) so version order stays capture order."""
    if before:
        low = conn.execute("SELECT min(version) FROM record_versions WHERE id = ?", (rec.id,)).fetchone()[0]
        version = min(low if low is not None else 1, 1) - 1
    conn.execute(
        "INSERT INTO record_versions (id, version, content_sha256, fetched_at, extractor_version, warc_path, "
        "warc_offset, ingested_at, record_json) VALUES (?,?,?,?,?,?,?,?,?)",
        (rec.id, version, rec.content_sha256, rec.fetched_at, rec.extractor.version, warc_path, warc_offset,
         _now(), rec.model_dump_json()))


def _record_values(rec: Record, version: int, warc_path: str | None, warc_offset: int | None, now: str,
                   places: list[tuple]) -> tuple:
    loc = rec.locality or Locality()
    s = rec.summary
    return (
        rec.id, version, rec.schema_version, rec.url, rec.site, rec.fetched_at, rec.content_sha256, rec.title,
        rec.published, rec.published[:10] if rec.published else None, rec.updated, rec.author, rec.source,
        rec.views, rec.lead, rec.text,
        loc.province, loc.district, loc.commune, loc.level, loc.code, loc.era, loc.province_code,
        loc.district_code, loc.mention, s.new_members, s.transfers, s.badges,
        json.dumps(s.badges_by_years, ensure_ascii=False) if s.badges_by_years else None, len(rec.facts),
        json.dumps(rec.warnings, ensure_ascii=False) if rec.warnings else None,
        rec.extractor.name, rec.extractor.version, warc_path, warc_offset, now,
        record_tags(rec, places), title_key(rec.title),
    )


def _insert_children(conn: sqlite3.Connection, rows: list[tuple[int, _Prep]], *, fresh: bool) -> None:
    """facts, record_places and headlines rows of records (rid, prepared rows), and their stats_groups.

    ``fresh``: every record is new to the archive, so its figures only add to their groups
    (:func:`_add_to_groups`); otherwise the touched groups are recomputed (:func:`refresh_groups`)."""
    facts = [(rid, *f) for rid, p in rows for f in p.facts]
    if facts:
        conn.executemany(_INSERT_FACT, facts)
    places = [(rid, *pl) for rid, p in rows for pl in p.places]
    if places:
        conn.executemany("INSERT INTO record_places (rid, record_id, level, name, name_folded, code, era) "
                         "VALUES (?,?,?,?,?,?,?)", places)
    heads = [(rid, *h) for rid, p in rows for h in p.heads]
    if not heads:
        return
    first = conn.execute("SELECT coalesce(max(rowid), 0) + 1 FROM headlines").fetchone()[0]
    published = {rid: p.rec.published for rid, p in rows}
    conn.executemany("INSERT INTO headlines (rowid, rid, record_id, kind, value, province, district, commune, "
                     "province_folded, district_folded, commune_folded, place_key, period_key, year, month, "
                     "published_date, win_key) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                     [(first + i, *h, win_key(published[h[0]], h[0])) for i, h in enumerate(heads)])
    if fresh:
        add_to_groups(conn, heads, first, published)
    else:
        refresh_groups(conn, {(h[2], h[10], h[11]) for h in heads})


def _write_new(conn: sqlite3.Connection, preps: list[_Prep]) -> None:
    """Insert records known to be new, with explicit rids above every existing one."""
    if not preps:
        return
    base = conn.execute("SELECT coalesce(max(rid), 0) FROM records").fetchone()[0]
    rows = [(base + i + 1, p) for i, p in enumerate(preps)]
    conn.executemany(_INSERT_RECORD_RID, [(rid, *p.values) for rid, p in rows])
    conn.executemany(_INSERT_FTS, [(rid, *p.fts) for rid, p in rows])
    _insert_children(conn, rows, fresh=True)


def _write(conn: sqlite3.Connection, rec: Record, version: int, warc_path: str | None,
           warc_offset: int | None, *, rid: int | None) -> None:
    p = _prepare(rec, warc_path, warc_offset, version)
    if rid is None:
        rid = conn.execute(_INSERT_RECORD, p.values).lastrowid
        conn.execute(_INSERT_FTS, (rid, *p.fts))
        _insert_children(conn, [(rid, p)], fresh=True)
        return
    conn.execute(_UPDATE_RECORD, (*p.values, rid))
    old_groups = set(conn.execute("SELECT kind, place_key, period_key FROM headlines WHERE rid = ?", (rid,)))
    for table in ("facts", "record_places", "headlines"):
        conn.execute(f"DELETE FROM {table} WHERE rid = ?", (rid,))
    _insert_children(conn, [(rid, p)], fresh=False)
    refresh_groups(conn, old_groups)  # groups the page's old figures left


def _fact_row(record_id: str, idx: int, f: Fact) -> tuple:
    p = f.place or Locality()
    per = f.period or Period()
    return (record_id, idx, f.kind, f.value, f.qualifier, f.badge_years, f.role,
            per.start.isoformat() if per.start else None, per.end.isoformat() if per.end else None, per.label,
            p.province, p.district, p.commune, p.level, p.code, p.era, p.province_code, p.district_code,
            p.mention, f.evidence.start, f.evidence.end, f.evidence.sentence,
            json.dumps([x.model_dump() for x in f.parts], ensure_ascii=False) if f.parts else None)


def _place_rows(rec: Record) -> list[tuple]:
    """Distinct (level, name, code, era) of the record's locality and of its facts' places."""
    rows: dict[tuple, None] = {}
    for loc in [rec.locality, *(f.place for f in rec.facts)]:
        if loc is None:
            continue
        for level in ("province", "district", "commune"):
            name = getattr(loc, level)
            code = {"province": loc.province_code, "district": loc.district_code}.get(level)
            if loc.level == level and loc.code:
                code = loc.code
            if name or code:
                rows[(rec.id, level, name, fold_place(name) if name else None, code, loc.era)] = None
    return list(rows)


def _headline_rows(rec: Record) -> list[tuple]:
    """The record's headline figures with the place and period they count for.

    The period comes from the actual fact that carries the headline value (same kind and value);
    without one, the published month stands in, so the de-duplication key still separates years.
    """
    loc = rec.locality or Locality()
    names = (loc.province, loc.district, loc.commune)
    folded = tuple(fold_place(n) if n else None for n in names)
    place_key = "|".join(f or "" for f in folded)
    rows = []
    for kind in HEADLINE_KINDS:
        value = getattr(rec.summary, kind)
        if value is None:
            continue
        period = next((f.period for f in rec.facts if f.kind == kind and f.value == value and f.role == "actual"
                       and f.period and (f.period.start or f.period.end)), None)
        if period is not None:
            when = (period.end or period.start).isoformat()
            period_key = f"{period.start or ''}..{period.end or ''}"
        elif rec.published:
            when = rec.published[:10]
            period_key = f"published:{when[:7]}"
        else:
            when, period_key = None, "unknown"
        rows.append((rec.id, kind, value, *names, *folded, place_key, period_key,
                     when[:4] if when else None, when[:7] if when else None,
                     rec.published[:10] if rec.published else None))
    return rows


def record_from_rows(row: tuple, facts: list[tuple]) -> Record:
    """Rebuild a Record from its ``records`` row and ``facts`` rows (the inverse of :func:`_write`)."""
    r = dict(zip(_RECORD_COLS, row, strict=True))
    loc_values = {k: r[c] for k, c in zip(_LOC_FIELDS, ("province", "district", "commune", "level", "place_code",
                                                         "era", "province_code", "district_code", "place_mention"),
                                          strict=True)}
    return Record(
        schema_version=r["schema_version"], id=r["id"], url=r["url"], site=r["site"], fetched_at=r["fetched_at"],
        content_sha256=r["content_sha256"], title=r["title"], published=r["published"], updated=r["updated"],
        author=r["author"], source=r["source"], views=r["views"], text=r["text"], lead=r["lead"],
        locality=Locality(**loc_values) if any(v is not None for v in loc_values.values()) else None,
        facts=[_fact_from_row(f) for f in facts],
        summary=Summary(new_members=r["new_members"], transfers=r["transfers"], badges=r["badges"],
                        badges_by_years=json.loads(r["badges_by_years"]) if r["badges_by_years"] else {}),
        extractor=ExtractorInfo(name=r["extractor_name"] or "vnnews", version=r["extractor_version"] or ""),
        warnings=json.loads(r["warnings"]) if r["warnings"] else [],
    )


def _fact_from_row(row: tuple) -> Fact:
    f = dict(zip(_FACT_COLS, row, strict=True))
    place = {k: f[c] for k, c in zip(_LOC_FIELDS, ("province", "district", "commune", "level", "place_code", "era",
                                                   "province_code", "district_code", "place_mention"), strict=True)}
    period = None
    if f["period_start"] or f["period_end"] or f["period_label"]:
        period = Period(start=f["period_start"], end=f["period_end"], label=f["period_label"])
    return Fact(kind=f["kind"], value=f["value"], qualifier=f["qualifier"], badge_years=f["badge_years"],
                role=f["role"], period=period,
                place=Locality(**place) if any(v is not None for v in place.values()) else None,
                evidence=Evidence(start=f["evidence_start"], end=f["evidence_end"], sentence=f["evidence_sentence"]),
                parts=[FactPart(**p) for p in json.loads(f["parts"])] if f["parts"] else [])
