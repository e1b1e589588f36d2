"""Exports stream every matching record and parse back: JSON Lines, CSV, Parquet."""

from __future__ import annotations

import csv
import io
import json

import pytest
from archive_fixture import records

from archive import Archive, Filters
from models.errors import QueryError
from models.record import Record

R = records()


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    with Archive(tmp_path_factory.mktemp("export") / "archive.db") as a:
        a.ingest_many(R.values())
        yield a


def test_jsonl_is_lossless(archive):
    buf = io.BytesIO()
    assert archive.export("jsonl", buf) == 8
    back = [Record.model_validate_json(line) for line in buf.getvalue().splitlines()]
    assert sorted(back, key=lambda r: r.id) == sorted(R.values(), key=lambda r: r.id)


def test_csv_parses_back(archive):
    buf = io.BytesIO()
    assert archive.export("csv", buf, Filters(province="Bắc Ninh")) == 5
    rows = list(csv.DictReader(io.StringIO(buf.getvalue().decode("utf-8"))))
    assert {r["id"] for r in rows} == {R[k].id for k in ("R1", "R2", "R3", "R4", "R7")}
    r1 = next(r for r in rows if r["id"] == R["R1"].id)
    assert r1["district"] == "Gia Bình" and r1["new_members"] == "89" and r1["text"] == R["R1"].text
    assert [f["value"] for f in json.loads(r1["facts"])] == [89, 99]
    assert not buf.closed  # the caller's stream stays usable


def test_parquet_parses_back(archive, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "out.parquet"
    with open(path, "wb") as fh:
        assert archive.export("parquet", fh, Filters(kind="new_members", min_value=100)) == 2
    table = pq.read_table(path)
    assert sorted(table.column("new_members").to_pylist()) == [102, 120]
    assert set(table.column("id").to_pylist()) == {R["R2"].id, R["R5"].id}


def test_empty_export_is_still_a_valid_file(archive, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "empty.parquet"
    with open(path, "wb") as fh:
        assert archive.export("parquet", fh, Filters(date_from="2030")) == 0
    assert pq.read_table(path).num_rows == 0


def test_export_pages_through_large_archives(tmp_path, monkeypatch):
    import archive.export as ex

    monkeypatch.setattr(ex, "PAGE", 3)  # force several pages over 8 records
    with Archive(tmp_path / "a.db") as a:
        a.ingest_many(R.values())
        buf = io.BytesIO()
        assert a.export("jsonl", buf) == 8
    assert len({json.loads(line)["id"] for line in buf.getvalue().splitlines()}) == 8


def test_unknown_format(archive):
    with pytest.raises(QueryError):
        archive.export("xml", io.BytesIO())


def test_bad_filter_fails_before_anything_is_written(archive):
    from models.errors import PlaceError

    buf = io.BytesIO()
    with pytest.raises(PlaceError):
        archive.export("csv", buf, Filters(province="Atlantis"))
    assert buf.getvalue() == b""
