"""Storage: round trips, idempotent ingest, versions, crash safety, clear errors."""

from __future__ import annotations

import hashlib
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from archive_fixture import records

from archive import Archive, Filters
from archive.store import MIGRATIONS
from models.errors import NotFoundError, StoreError
from models.record import ExtractorInfo

R = records()
ROOT = Path(__file__).resolve().parents[1]


def table_counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("records", "record_versions", "facts", "record_places", "headlines")}
    finally:
        con.close()


def test_record_round_trips(tmp_path):
    with Archive(tmp_path / "a.db") as a:
        for r in R.values():
            assert a.ingest(r) == "new"
        for r in R.values():
            assert a.get(r.id) == r
        with pytest.raises(NotFoundError):
            a.get("no-such-id")


def test_reingest_is_a_no_op(tmp_path):
    path = tmp_path / "a.db"
    with Archive(path) as a:
        assert a.ingest_many(R.values()) == {"new": 8, "updated": 0, "unchanged": 0}
    before = table_counts(path)
    snapshot = sqlite3.connect(path).execute("SELECT id, version, ingested_at FROM records ORDER BY id").fetchall()
    with Archive(path) as a:
        assert a.ingest_many(R.values()) == {"new": 0, "updated": 0, "unchanged": 8}
        assert a.ingest(R["R1"]) == "unchanged"
    assert table_counts(path) == before
    assert sqlite3.connect(path).execute("SELECT id, version, ingested_at FROM records ORDER BY id").fetchall() \
        == snapshot


def _changed(rec, text):
    return rec.model_copy(update={"text": text, "content_sha256": hashlib.sha256(text.encode()).hexdigest(),
                                  "fetched_at": "2024-06-01T00:00:00+00:00"})


def test_changed_page_keeps_earlier_versions(tmp_path):
    r1 = R["R1"]
    v2 = _changed(r1, r1.text + " Cập nhật: thêm 3 đảng viên.")
    with Archive(tmp_path / "a.db") as a:
        a.ingest(r1)
        assert a.ingest(v2) == "updated"
        assert a.get(r1.id) == v2
        versions = a.versions(r1.id)
        assert [v["version"] for v in versions] == [1]
        assert versions[0]["record"]["text"] == r1.text
        assert a.search("cap nhat").total == 1 and a.search("cap nhat").hits[0].id == r1.id
        # the old page again is a version we already hold; the current one stays current
        assert a.ingest(r1) == "unchanged"
        assert a.get(r1.id) == v2
        assert a.ingest(v2) == "unchanged"
        assert a.count() == 1


def test_late_older_capture_becomes_history(tmp_path):
    r1 = R["R1"].model_copy(update={"fetched_at": "2024-01-01T00:00:00+00:00"})
    older = _changed(r1, "Bản cũ của trang.").model_copy(update={"fetched_at": "2023-12-01T00:00:00+00:00"})
    with Archive(tmp_path / "a.db") as a:
        a.ingest(r1)
        assert a.ingest(older) == "updated"
        assert a.get(r1.id) == r1
        assert [v["record"]["text"] for v in a.versions(r1.id)] == ["Bản cũ của trang."]


def test_new_extractor_replaces_extraction_in_place(tmp_path):
    r1 = R["R1"]
    newer = r1.model_copy(update={"extractor": ExtractorInfo(version="test-2"), "facts": r1.facts[:1]})
    with Archive(tmp_path / "a.db") as a:
        a.ingest(r1)
        assert a.ingest(newer) == "updated"
        got = a.get(r1.id)
        assert got.extractor.version == "test-2" and len(got.facts) == 1
        assert a.versions(r1.id) == []  # same bytes: nothing to keep
        assert a.conn.execute("SELECT count(*) FROM facts").fetchone()[0] == 1


def test_captures_point_at_the_current_version(tmp_path):
    with Archive(tmp_path / "a.db") as a:
        a.ingest(R["R1"], warc_path="/w/a.warc.gz", warc_offset=0)
        a.ingest(R["R2"])
        a.ingest(_changed(R["R1"], "Nội dung mới."), warc_path="/w/b.warc.gz", warc_offset=512)
        assert list(a.captures()) == [(R["R1"].id, "/w/b.warc.gz", 512)]


def test_crawler_tables_survive_and_migrations_are_idempotent(tmp_path):
    path = tmp_path / "a.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE crawl_frontier (url TEXT PRIMARY KEY, state TEXT)")
    con.execute("INSERT INTO crawl_frontier VALUES ('https://x.gov.vn/', 'fetched')")
    con.commit()
    con.close()
    with Archive(path) as a:
        a.ingest(R["R1"])
    with Archive(path) as a:
        assert a.conn.execute("PRAGMA user_version").fetchone()[0] >= 1
        assert a.conn.execute("SELECT * FROM crawl_frontier").fetchall() == [("https://x.gov.vn/", "fetched")]
        assert a.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert a.count() == 1


def test_default_path_comes_from_env(tmp_path, monkeypatch):
    monkeypatch.setenv("VNNEWS_DB", str(tmp_path / "sub" / "env.db"))
    with Archive() as a:
        assert a.path == tmp_path / "sub" / "env.db"
    assert (tmp_path / "sub" / "env.db").exists()


def test_not_a_database_is_a_store_error(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="not a vnnews archive"):
        Archive(bad)
    with pytest.raises(StoreError, match="is a directory"):
        Archive(tmp_path)


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "a.db"
    Archive(path).close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 999")
    con.close()
    with pytest.raises(StoreError, match="newer than this vnnews"):
        Archive(path)


def test_locked_database_is_a_store_error(tmp_path):
    path = tmp_path / "a.db"
    with Archive(path) as a:
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        a.conn.execute("PRAGMA busy_timeout = 100")
        try:
            with pytest.raises(StoreError, match="locked"):
                a.ingest(R["R1"])
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert a.ingest(R["R1"]) == "new"


CHILD = textwrap.dedent("""
    import hashlib, sys
    sys.path[:0] = [{root!r}, {tests!r}]
    from archive import Archive
    from archive.store import Archive as A
    from archive_fixture import make
    from models.record import Summary

    def gen():
        for i in range(1_000_000):
            yield make(f"bulk-{{i}}", title=f"Tin số {{i}}", text=f"Đảng viên mới số {{i}}. " * 20,
                       published="2024-01-02", site="bulk.gov.vn", summary=Summary(new_members=i % 50))

    a = Archive({db!r})
    orig = a._ingest_batch
    def batch(items, counts):
        orig(items, counts)
        print(a.count(), flush=True)  # committed
    a._ingest_batch = batch
    a.ingest_many(gen(), batch=200)
""")


def test_kill_9_during_bulk_ingest_keeps_every_committed_batch(tmp_path):
    db = tmp_path / "bulk.db"
    code = CHILD.format(root=str(ROOT), tests=str(ROOT / "tests"), db=str(db))
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    committed = 0
    try:
        for line in proc.stdout:
            committed = int(line)
            if committed >= 1000:
                break
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert committed >= 1000
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.execute("INSERT INTO records_fts(records_fts) VALUES ('integrity-check')")
    n = con.execute("SELECT count(*) FROM records").fetchone()[0]
    assert n >= committed and n % 200 == 0  # whole batches only
    ids = {r[0] for r in con.execute("SELECT url FROM records")}
    assert all(f"https://bulk.gov.vn/tin-tuc/bulk-{i}.html" in ids for i in range(committed))
    con.close()
    with Archive(db) as a:  # and it is still a working archive
        assert a.search("dang vien").total == n
        assert a.ingest_many([R["R1"]]) == {"new": 1, "updated": 0, "unchanged": 0}


def test_migration_from_v1_fills_the_stats_groups(tmp_path):
    path = tmp_path / "a.db"
    with Archive(path) as a:
        a.ingest_many(R.values())
        expected = a.stats("new_members", by="district", per="year").rows
    _downgrade_to_v2(path)
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    with Archive(path) as a:
        assert a.conn.execute("PRAGMA user_version").fetchone()[0] == len(list(MIGRATIONS.glob("0*.sql")))
        assert a.stats("new_members", by="district", per="year").rows == expected


def _downgrade_to_v2(path) -> None:
    """Make a current archive what v2 had: no tags column, a two-column FTS index (001's definitions),
    no stats_groups (v2 kept sums in stats_cells, which migration 004 drops), no title_key (v8)."""
    from archive.store import _statements

    con = sqlite3.connect(path)
    for stmt in ("DROP TRIGGER records_ad", "DROP TRIGGER records_au", "DROP TABLE records_fts",
                 "ALTER TABLE records DROP COLUMN tags", "DROP TABLE stats_groups", "DROP INDEX records_titles",
                 "ALTER TABLE records DROP COLUMN title_key"):
        con.execute(stmt)
    for stmt in _statements((MIGRATIONS / "001_initial.sql").read_text(encoding="utf-8")):
        if "records_fts" in stmt:
            con.execute(stmt)
    con.execute("INSERT INTO records_fts (records_fts) VALUES ('rebuild')")
    con.execute("PRAGMA user_version = 2")
    con.commit()
    con.close()


def test_migration_from_v2_indexes_filter_tags(tmp_path):
    """An archive made before filter tags gets them on open: filtered searches find the same records."""
    path = tmp_path / "a.db"
    queries = [("dang vien", Filters(province="Bắc Ninh")), ("dang vien", Filters(date_from="2023", date_to="2023")),
               ("ket nap", Filters(kind="new_members", min_value=50)), ("dang vien", Filters(district="263"))]
    with Archive(path) as a:
        a.ingest_many(R.values())
        expected = [sorted(h.id for h in a.search(q, f).hits) for q, f in queries]
        tags = {i: sorted(t.split()) for i, t in a.conn.execute("SELECT id, tags FROM records")}
    assert all(e for e in expected)
    _downgrade_to_v2(path)
    with Archive(path) as a:
        assert a.conn.execute("PRAGMA user_version").fetchone()[0] == len(list(MIGRATIONS.glob("0*.sql")))
        # the SQL backfill makes the tokens ingest makes
        assert {i: sorted(t.split()) for i, t in a.conn.execute("SELECT id, tags FROM records")} == tags
        assert [sorted(h.id for h in a.search(q, f).hits) for q, f in queries] == expected
        a.conn.execute("INSERT INTO records_fts(records_fts) VALUES ('integrity-check')")


def test_one_batch_holding_two_versions_of_a_page(tmp_path):
    r1 = R["R1"]
    v2 = _changed(r1, r1.text + " Bản sửa.")
    with Archive(tmp_path / "a.db") as a:
        assert a.ingest_many([r1, R["R2"], v2, r1, R["R2"]]) == {"new": 2, "updated": 1, "unchanged": 2}
        assert a.get(r1.id) == v2
        assert [v["record"]["text"] for v in a.versions(r1.id)] == [r1.text]
        assert a.count() == 2
        assert a.search("ban sua").total == 1


def test_a_slow_stream_is_committed_as_it_goes(tmp_path):
    """Records extracted on the way arrive slowly: a batch closes after ``seconds`` even when it is
    not full, so another reader (or a crash) sees the progress made so far."""
    import time

    path = tmp_path / "a.db"
    counts: list[int] = []

    def slow():
        for i, rec in enumerate(list(R.values())[:3]):
            if i:
                time.sleep(0.3)
                with sqlite3.connect(path) as con:
                    counts.append(con.execute("SELECT count(*) FROM records").fetchone()[0])
            yield rec

    with Archive(path) as a:
        assert a.ingest_many(slow(), batch=1000, seconds=0.2)["new"] == 3
    assert counts == [0, 2]  # the first two were committed when the second arrived past 0.2 s


def test_bulk_ingest_leaves_the_process_as_it_found_it(tmp_path):
    """ingest_many pauses Python's cycle collector and spaces checkpoints while it writes a batch.
    The caller's iterator (which may parse HTML: cyclic trees) runs with the collector on, and both
    settings come back afterwards, also when the ingest fails half way."""
    import gc

    from archive.store import CHECKPOINT_PAGES

    seen: list[bool] = []

    def items(fail: bool):
        for rec in R.values():
            seen.append(gc.isenabled())
            yield rec
        if fail:
            raise RuntimeError("source broke")

    path = tmp_path / "a.db"
    with Archive(path) as a:
        assert a.ingest_many(items(False), batch=3)["new"] == len(R)
        assert gc.isenabled() and seen and all(seen)
        assert a.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == CHECKPOINT_PAGES
    with Archive(tmp_path / "b.db") as b:
        with pytest.raises(RuntimeError):
            b.ingest_many(items(True), batch=3)
        assert gc.isenabled()
        assert b.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == CHECKPOINT_PAGES
        assert b.count() == 6  # the two full batches before the failure are kept
    gc.disable()
    try:
        with Archive(path) as a:
            a.ingest_many(R.values())
        assert not gc.isenabled()  # a caller that runs without the collector keeps it off
    finally:
        gc.enable()


def test_a_read_only_archive_answers_queries_and_refuses_writes(tmp_path):
    """An archive on read-only storage (a snapshot, an archivist's copy) opens without writing: search,
    stats and show work; ingest fails with a clear StoreError; an older schema asks for an upgrade."""
    path = tmp_path / "a.db"
    with Archive(path) as a:
        a.ingest_many(R.values())
        expected = sorted(h.id for h in a.search("dang vien").hits)
        a.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = path.read_bytes()
    with Archive(path, read_only=True) as a:
        assert a.read_only
        assert sorted(h.id for h in a.search("dang vien").hits) == expected
        assert a.stats("new_members").rows
        assert a.get(R["R1"].id).title == R["R1"].title
        import io

        out = io.BytesIO()
        assert a.export("jsonl", out) == len(R) and out.getvalue()
        with pytest.raises(StoreError, match="read-only"):
            a.ingest(_changed(R["R1"], R["R1"].text + " Bản sửa."))
    assert path.read_bytes() == before
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 3")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="upgrade"):
        Archive(path, read_only=True)
    with pytest.raises(StoreError, match="no archive"):
        Archive(tmp_path / "missing.db", read_only=True)
