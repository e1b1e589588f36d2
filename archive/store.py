"""The SQLite archive: schema migrations, idempotent ingest, and the :class:`Archive` facade.

One normal, documented schema (docs/archive-schema.md) that opens in sqlite-utils and Datasette.
Ingest is keyed by record id + content hash: the same page again changes nothing, a changed page
becomes a new version and the old one is kept whole in ``record_versions``. Each ``ingest`` call
and each ``ingest_many`` batch is one transaction, so a killed process leaves every committed batch.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from archive.filters import Filters, fold_place
from archive.tags import record_tags
from models.errors import NotFoundError, StoreError
from models.record import Evidence, ExtractorInfo, Fact, FactPart, Locality, Period, Record, Summary

DEFAULT_DB = Path("data/archive.db")
MIGRATIONS = Path(__file__).parent / "migrations"
HEADLINE_KINDS = ("new_members", "transfers", "badges")
Item = Record | tuple[Record, str | None, int | None]

_RECORD_COLS = (
    "id", "version", "schema_version", "url", "site", "fetched_at", "content_sha256", "title", "published",
    "published_date", "updated", "author", "source", "views", "lead", "text", "title_folded", "text_folded",
    "province", "district", "commune", "level", "place_code", "era", "province_code", "district_code",
    "place_mention", "new_members", "transfers", "badges", "badges_by_years", "facts_count", "warnings",
    "extractor_name", "extractor_version", "warc_path", "warc_offset", "ingested_at",
)
_FACT_COLS = (
    "record_id", "idx", "kind", "value", "qualifier", "badge_years", "role", "period_start", "period_end",
    "period_label", "province", "district", "commune", "level", "place_code", "era", "province_code",
    "district_code", "place_mention", "evidence_start", "evidence_end", "evidence_sentence", "parts",
)
_WRITE_COLS = (*_RECORD_COLS, "tags")  # tags: filter tokens for the FTS index (archive/tags.py), never read back
_INSERT_RECORD = f"INSERT INTO records ({', '.join(_WRITE_COLS)}) VALUES ({','.join('?' * len(_WRITE_COLS))})"
_INSERT_RECORD_RID = (f"INSERT INTO records (rid, {', '.join(_WRITE_COLS)}) "
                      f"VALUES (?, {','.join('?' * len(_WRITE_COLS))})")
_UPDATE_RECORD = f"UPDATE records SET {', '.join(c + ' = ?' for c in _WRITE_COLS)} WHERE rid = ?"
_INSERT_FTS = "INSERT INTO records_fts (rowid, title_folded, text_folded, tags) VALUES (?, ?, ?, ?)"
_INSERT_FACT = f"INSERT INTO facts (rid, {', '.join(_FACT_COLS)}) VALUES (?, {','.join('?' * len(_FACT_COLS))})"
_TITLE_F, _TEXT_F, _TAGS = (_WRITE_COLS.index(c) for c in ("title_folded", "text_folded", "tags"))
_LOC_FIELDS = ("province", "district", "commune", "level", "code", "era", "province_code", "district_code",
               "mention")


def _fold_dd(text: str | None) -> str | None:
    """The indexed copy: đ -> d. unicode61 ``remove_diacritics 2`` strips every other mark and case,
    so the index holds exactly :func:`models.text.fold` tokens without a per-character Python pass."""
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

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path or os.environ.get("VNNEWS_DB") or DEFAULT_DB)
        self._lock = threading.RLock()
        try:
            if self.path.is_dir():
                raise StoreError(f"{self.path}: is a directory, not an archive file")
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        except OSError as e:
            raise StoreError(f"{self.path}: cannot create the archive ({e.strerror or e})") from None
        except sqlite3.Error as e:
            raise db_error(self.path, e) from None
        try:
            self.conn.execute("PRAGMA busy_timeout = 30000")
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute("PRAGMA cache_size = -262144")  # 256 MB: index pages of big archives
            self.conn.execute("PRAGMA wal_autocheckpoint = 8192")  # fewer fsyncs during bulk ingest
            self._migrate()
        except sqlite3.Error as e:
            self.conn.close()
            raise db_error(self.path, e) from None
        except StoreError:
            self.conn.close()
            raise

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
                    self.conn.execute(stmt)
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
        with self._tx() as conn:
            return _ingest_one(conn, record, warc_path, warc_offset)

    def ingest_many(self, items: Iterable[Item], *, batch: int = 500) -> dict[str, int]:
        """Store many records, one transaction per ``batch``; returns counts by outcome."""
        counts = {"new": 0, "updated": 0, "unchanged": 0}
        pending: list[Item] = []
        for item in items:
            pending.append(item)
            if len(pending) >= batch:
                self._ingest_batch(pending, counts)
                pending = []
        if pending:
            self._ingest_batch(pending, counts)
        return counts

    def _ingest_batch(self, items: list[Item], counts: dict[str, int]) -> None:
        """Records new to the archive (the bulk of a crawl) are written with one executemany per
        table; any other record goes through the per-record rules, in input order."""
        triples = [(item, None, None) if isinstance(item, Record) else item for item in items]
        with self._tx() as conn:
            known = set()
            ids = list({t[0].id for t in triples})
            for i in range(0, len(ids), 900):
                chunk = ids[i:i + 900]
                known.update(r[0] for r in conn.execute(
                    f"SELECT id FROM records WHERE id IN ({','.join('?' * len(chunk))})", chunk))
            fresh: list[tuple[Record, str | None, int | None]] = []
            for rec, path, offset in triples:
                if rec.id in known:
                    _write_new(conn, fresh)
                    fresh = []
                    counts[_ingest_one(conn, rec, path, offset)] += 1
                else:
                    known.add(rec.id)
                    fresh.append((rec, path, offset))
                    counts["new"] += 1
            _write_new(conn, fresh)

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
        rec.views, rec.lead, rec.text, _fold_dd(rec.title), _fold_dd(rec.text),
        loc.province, loc.district, loc.commune, loc.level, loc.code, loc.era, loc.province_code,
        loc.district_code, loc.mention, s.new_members, s.transfers, s.badges,
        json.dumps(s.badges_by_years, ensure_ascii=False) if s.badges_by_years else None, len(rec.facts),
        json.dumps(rec.warnings, ensure_ascii=False) if rec.warnings else None,
        rec.extractor.name, rec.extractor.version, warc_path, warc_offset, now,
        record_tags(rec, places),
    )


def _insert_children(conn: sqlite3.Connection, triples: list[tuple[int, Record, list[tuple]]]) -> None:
    """facts, record_places and headlines rows of records (rid, rec, place rows); refreshes their stats_groups."""
    facts = [(rid, *_fact_row(rec.id, i, f)) for rid, rec, _ in triples for i, f in enumerate(rec.facts)]
    if facts:
        conn.executemany(_INSERT_FACT, facts)
    places = [(rid, *p) for rid, _, pl in triples for p in pl]
    if places:
        conn.executemany("INSERT INTO record_places (rid, record_id, level, name, name_folded, code, era) "
                         "VALUES (?,?,?,?,?,?,?)", places)
    heads = [(rid, *h) for rid, rec, _ in triples for h in _headline_rows(rec)]
    if heads:
        conn.executemany("INSERT INTO headlines (rid, record_id, kind, value, province, district, commune, "
                         "province_folded, district_folded, commune_folded, place_key, period_key, year, month, "
                         "published_date) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", heads)
        refresh_groups(conn, {(h[2], h[10], h[11]) for h in heads})


def _write_new(conn: sqlite3.Connection, items: list[tuple[Record, str | None, int | None]]) -> None:
    """Insert records known to be new, with explicit rids above every existing one."""
    if not items:
        return
    base = conn.execute("SELECT coalesce(max(rid), 0) FROM records").fetchone()[0]
    now = _now()
    places = [_place_rows(rec) for rec, _, _ in items]
    rows = [(base + i + 1, *_record_values(rec, 1, path, off, now, pl))
            for i, ((rec, path, off), pl) in enumerate(zip(items, places, strict=True))]
    conn.executemany(_INSERT_RECORD_RID, rows)
    conn.executemany(_INSERT_FTS, [(r[0], r[1 + _TITLE_F], r[1 + _TEXT_F], r[1 + _TAGS]) for r in rows])
    _insert_children(conn, [(base + i + 1, rec, pl) for i, ((rec, _, _), pl) in enumerate(zip(items, places, strict=True))])


def _write(conn: sqlite3.Connection, rec: Record, version: int, warc_path: str | None,
           warc_offset: int | None, *, rid: int | None) -> None:
    places = _place_rows(rec)
    values = _record_values(rec, version, warc_path, warc_offset, _now(), places)
    if rid is None:
        rid = conn.execute(_INSERT_RECORD, values).lastrowid
        conn.execute(_INSERT_FTS, (rid, values[_TITLE_F], values[_TEXT_F], values[_TAGS]))
    else:
        conn.execute(_UPDATE_RECORD, (*values, rid))
        old_groups = set(conn.execute("SELECT kind, place_key, period_key FROM headlines WHERE rid = ?", (rid,)))
        for table in ("facts", "record_places", "headlines"):
            conn.execute(f"DELETE FROM {table} WHERE rid = ?", (rid,))
        _insert_children(conn, [(rid, rec, places)])
        refresh_groups(conn, old_groups)  # groups the page's old figures left
        return
    _insert_children(conn, [(rid, rec, places)])


def refresh_groups(conn: sqlite3.Connection, keys: set[tuple[str, str, str]]) -> None:
    """Recompute the stats_groups rows of (kind, place_key, period_key) groups whose headlines changed,
    in the caller's transaction; a group left without headlines disappears. Same statement as the
    backfill in migrations/004_stats_groups.sql, restricted to the given groups."""
    if not keys:
        return
    k = json.dumps(sorted(keys), ensure_ascii=False)
    conn.execute("DELETE FROM stats_groups WHERE (kind, place_key, period_key) IN "
                 "(SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?))", (k,))
    conn.execute(_GROUPS_SQL, (k,))


_GROUPS_SQL = """
INSERT INTO stats_groups (kind, place_key, period_key, province_folded, district_folded, commune_folded, province,
                          district, commune, year, month, reports, n_values, value, first_row)
    SELECT g.kind, g.place_key, g.period_key, f.province_folded, f.district_folded, f.commune_folded, f.province,
           f.district, f.commune, f.year, f.month, g.n, g.nv,
           CASE WHEN g.nv = 1 THEN g.lo ELSE (
               SELECT h.value FROM headlines h JOIN records p ON p.rid = h.rid
               WHERE h.kind = g.kind AND h.place_key = g.place_key AND h.period_key = g.period_key
                     AND h.published_date IS (SELECT max(l.published_date) FROM headlines l
                         WHERE l.kind = g.kind AND l.place_key = g.place_key AND l.period_key = g.period_key)
               ORDER BY coalesce(p.published, '') || printf('%012d', h.rid) DESC
               LIMIT 1) END,
           g.first
    FROM (SELECT h.kind, h.place_key, h.period_key, count(*) AS n, count(DISTINCT h.value) AS nv,
                 min(h.value) AS lo, min(h.rowid) AS first
          FROM json_each(?) k JOIN headlines h
               ON h.kind = k.value ->> 0 AND h.place_key = k.value ->> 1 AND h.period_key = k.value ->> 2
          GROUP BY h.kind, h.place_key, h.period_key) g
    JOIN headlines f ON f.rowid = g.first"""


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
