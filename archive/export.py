"""Streaming exports: JSON Lines (whole Records), CSV and Parquet (one flat row per record).

Records are read in pages of ``PAGE`` with their facts, so memory stays flat whatever the archive
size. JSON Lines is the lossless format (it re-ingests); CSV/Parquet carry facts as a JSON column.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterator
from typing import BinaryIO

from archive.filters import Filters, build_where
from archive.store import _FACT_COLS, _RECORD_COLS, record_from_rows
from models.errors import QueryError
from models.record import Record

FORMATS = ("jsonl", "csv", "parquet")
PAGE = 1000
FLAT_COLUMNS = (
    "id", "url", "site", "published", "title", "author", "source", "views", "province", "district", "commune",
    "level", "place_code", "era", "province_code", "district_code", "new_members", "transfers", "badges",
    "badges_by_years", "facts_count", "facts", "extractor_version", "content_sha256", "fetched_at", "lead",
    "text", "warnings",
)


def iter_records(conn: sqlite3.Connection, filters: Filters | None = None) -> Iterator[Record]:
    """Current records matching ``filters``, in archive order, a page at a time (keyset pagination).

    Filters are checked here, before the first record is asked for, so a bad place is an error
    before any output (a CSV header) has been written."""
    return _pages(conn, build_where(conn, filters))


def _pages(conn: sqlite3.Connection, where) -> Iterator[Record]:
    cols = ", ".join(f"r.{c}" for c in _RECORD_COLS)
    last = 0
    while True:
        rows = conn.execute(f"SELECT r.rid, {cols} FROM records r WHERE r.rid > ?{where.clause('AND')} "
                            f"ORDER BY r.rid LIMIT {PAGE}", [last, *where.params]).fetchall()
        if not rows:
            return
        rids = [r[0] for r in rows]
        facts: dict[int, list[tuple]] = {i: [] for i in rids}
        for f in conn.execute(f"SELECT rid, {', '.join(_FACT_COLS)} FROM facts WHERE rid IN "
                              f"({','.join('?' * len(rids))}) ORDER BY rid, idx", rids):
            facts[f[0]].append(f[1:])
        for r in rows:
            yield record_from_rows(r[1:], facts[r[0]])
        last = rids[-1]


def flat_row(rec: Record) -> dict:
    loc = rec.locality.model_dump() if rec.locality else {}
    return {
        "id": rec.id, "url": rec.url, "site": rec.site, "published": rec.published, "title": rec.title,
        "author": rec.author, "source": rec.source, "views": rec.views,
        "province": loc.get("province"), "district": loc.get("district"), "commune": loc.get("commune"),
        "level": loc.get("level"), "place_code": loc.get("code"), "era": loc.get("era"),
        "province_code": loc.get("province_code"), "district_code": loc.get("district_code"),
        "new_members": rec.summary.new_members, "transfers": rec.summary.transfers, "badges": rec.summary.badges,
        "badges_by_years": json.dumps(rec.summary.badges_by_years, ensure_ascii=False)
        if rec.summary.badges_by_years else None,
        "facts_count": len(rec.facts),
        "facts": json.dumps([f.model_dump(mode="json") for f in rec.facts], ensure_ascii=False),
        "extractor_version": rec.extractor.version, "content_sha256": rec.content_sha256,
        "fetched_at": rec.fetched_at, "lead": rec.lead, "text": rec.text,
        "warnings": json.dumps(rec.warnings, ensure_ascii=False) if rec.warnings else None,
    }


def export(conn: sqlite3.Connection, fmt: str, out: BinaryIO, filters: Filters | None = None) -> int:
    """Write every matching record to ``out`` in ``fmt``; returns how many were written."""
    if fmt not in FORMATS:
        raise QueryError(f"unknown export format {fmt!r}: expected one of {', '.join(FORMATS)}")
    records = iter_records(conn, filters)
    n = 0
    if fmt == "jsonl":
        for rec in records:
            out.write(rec.model_dump_json().encode("utf-8") + b"\n")
            n += 1
    elif fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        writer = csv.DictWriter(text, fieldnames=FLAT_COLUMNS)
        writer.writeheader()
        for rec in records:
            writer.writerow(flat_row(rec))
            n += 1
        text.flush()
        text.detach()  # leave ``out`` open for the caller
    else:
        n = _parquet(records, out)
    return n


def _parquet(records: Iterator[Record], out: BinaryIO) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    ints = {"views", "new_members", "transfers", "badges", "facts_count"}
    schema = pa.schema([(c, pa.int64() if c in ints else pa.string()) for c in FLAT_COLUMNS])
    n = 0
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        batch: list[dict] = []
        for rec in records:
            batch.append(flat_row(rec))
            if len(batch) >= PAGE:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                n += len(batch)
                batch = []
        if batch or n == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            n += len(batch)
    return n
