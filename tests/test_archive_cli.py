"""The archive commands end to end: real files in, real SQLite, exit codes and messages out."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from archive_fixture import records

from archive import Archive
from service.cli import main

R = records()
CORPUS_PAGES = Path(__file__).resolve().parents[1] / "corpus" / "pages"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def db(tmp_path, capsys) -> str:
    path = tmp_path / "archive.db"
    src = tmp_path / "records.jsonl"
    src.write_text("".join(r.model_dump_json() + "\n" for r in R.values()), encoding="utf-8")
    code, out, _ = run(capsys, "ingest", str(src), "--db", str(path))
    assert code == 0 and "new 8, updated 0, unchanged 0, failed 0" in out
    return str(path)


def test_ingest_again_is_unchanged_and_failures_are_named(db, tmp_path, capsys):
    src = tmp_path / "records.jsonl"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\nnot json\n', encoding="utf-8")
    code, out, err = run(capsys, "ingest", str(src), str(bad), str(tmp_path / "missing.html"), "--db", db)
    assert code != 0
    assert "new 0, updated 0, unchanged 8, failed 3" in out
    assert "bad.jsonl:1" in err and "bad.jsonl:2" in err and "missing.html" in err
    assert "Traceback" not in err


def test_db_from_environment(db, capsys, monkeypatch):
    monkeypatch.setenv("VNNEWS_DB", db)
    code, out, _ = run(capsys, "search", "Dong Cuu", "--format", "jsonl")
    assert code == 0 and len(out.splitlines()) == 2


def test_search_formats(db, capsys):
    code, out, _ = run(capsys, "search", "Đông Cứu", "--db", db, "--format", "jsonl")
    hits = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [h["id"] for h in hits] == [R["R4"].id, R["R8"].id]
    assert "[[Đông Cứu]]" in hits[0]["snippet"] and "<mark>Đông Cứu</mark>" in hits[0]["snippet_html"]
    code, out, _ = run(capsys, "search", "dang vien", "--province", "Bắc Ninh", "--from", "2023-12", "--to",
                       "2023-12", "--db", db, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and {r["id"] for r in rows} == {R["R2"].id, R["R3"].id}
    code, out, _ = run(capsys, "search", "dak song", "--db", db)
    assert code == 0 and "2 records match" in out and "Đăk Song" in out
    code, out, _ = run(capsys, "search", "dang vien", "--kind", "new_members", "--min", "100", "--limit", "1",
                       "--db", db, "--format", "jsonl")
    assert code == 0 and len(out.splitlines()) == 1


@pytest.mark.parametrize(("args", "message"), [
    (["search", '"dang vien'], "unbalanced quote"),
    (["search", "dang AND"], "incomplete query"),
    (["search", "(dang"], "unbalanced parenthesis"),
    (["search", "x", "--province", "Atlantis"], "unknown province"),
    (["search", "x", "--from", "2023-02-30"], "bad date"),
    (["search", "x", "--kind", "votes"], "unknown fact kind"),
    (["stats", "--kind", "votes"], "unknown kind"),
    (["stats", "--kind", "new_members", "--to", "31/13/2023"], "bad date"),
    (["show", "nope"], "no record"),
    (["export", "--district", "Không Có"], "unknown district"),
])
def test_bad_input_is_one_clear_line_and_non_zero(db, capsys, args, message):
    code, out, err = run(capsys, *args, "--db", db)
    assert code != 0
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_not_a_database(tmp_path, capsys):
    bad = tmp_path / "x.db"
    bad.write_text("hello" * 1000)
    code, _, err = run(capsys, "search", "x", "--db", str(bad))
    assert code == 5 and "not a vnnews archive" in err


def test_stats_formats(db, capsys):
    code, out, _ = run(capsys, "stats", "--kind", "new_members", "--by", "province", "--per", "year",
                       "--format", "json", "--db", db)
    rows = json.loads(out)
    assert code == 0
    assert {"province": "Bắc Ninh", "year": "2023", "kind": "new_members", "total": 191, "articles": 2,
            "duplicates_dropped": 1, "superseded": 0} in rows
    code, out, _ = run(capsys, "stats", "--kind", "new_members", "--by", "district", "--per", "none",
                       "--format", "csv", "--db", db)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {(r["district"], r["total"]) for r in rows} >= {("Gia Bình", "94"), ("Lương Tài", "102")}
    code, out, _ = run(capsys, "stats", "--kind", "new_members", "--db", db)
    assert code == 0 and "duplicates dropped: 1" in out and "191" in out


def test_show(db, capsys):
    code, out, _ = run(capsys, "show", R["R1"].id, "--db", db)
    assert code == 0 and "Huyện Gia Bình kết nạp được 89 đảng viên mới" in out
    assert "kết nạp được 89 đảng viên mới" in out and "new_members" in out and "transfers" in out
    code, out, _ = run(capsys, "show", R["R1"].id, "--db", db, "--format", "json")
    assert code == 0 and json.loads(out) == R["R1"].model_dump(mode="json")


def test_export_to_file(db, tmp_path, capsys):
    out_file = tmp_path / "out.jsonl"
    code, _, err = run(capsys, "export", "--format", "jsonl", "--site", "daksong.daknong.gov.vn", "--output",
                       str(out_file), "--db", db)
    assert code == 0 and "exported 2 records" in err
    assert {json.loads(line)["id"] for line in out_file.read_text().splitlines()} == {R["R5"].id, R["R6"].id}
    code, out, _ = run(capsys, "export", "--format", "csv", "--db", db)
    assert code == 0 and len(list(csv.DictReader(io.StringIO(out)))) == 8


def _write_warc(path: Path, pages: list[Path]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for page in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"https://demo.gov.vn/{page.stem}.html", "response",
                                                          payload=io.BytesIO(page.read_bytes()),
                                                          http_headers=headers))


def test_ingest_html_and_warc_then_reextract(tmp_path, capsys):
    pages = sorted(p for p in CORPUS_PAGES.glob("*.html"))[:3]
    assert len(pages) == 3, "corpus/pages is missing: the corpus is committed"
    db = str(tmp_path / "a.db")
    warc = tmp_path / "crawl.warc.gz"
    _write_warc(warc, pages[:2])
    code, out, err = run(capsys, "ingest", str(warc), str(pages[2]), "--db", db)
    assert code == 0, err
    assert "new 3" in out
    with Archive(db) as a:
        caps = list(a.captures())
        assert len(caps) == 2 and all(p == str(warc) for _, p, _ in caps)
        # pretend the first capture was extracted by an older extractor
        rid = caps[0][0]
        old = a.get(rid)
        a.ingest(old.model_copy(update={"extractor": old.extractor.model_copy(update={"version": "0.0-old"}),
                                        "facts": []}), warc_path=caps[0][1], warc_offset=caps[0][2])
        assert a.get(rid).extractor.version == "0.0-old"
    code, out, err = run(capsys, "reextract", "--db", db)
    assert code == 0, err
    assert "updated 1, unchanged 1" in out
    with Archive(db) as a:
        from extractor import EXTRACTOR_VERSION

        assert a.get(rid).extractor.version == EXTRACTOR_VERSION
        assert a.get(rid) == old


def test_reextract_reports_missing_warc(tmp_path, capsys):
    db = str(tmp_path / "a.db")
    with Archive(db) as a:
        a.ingest(R["R1"], warc_path=str(tmp_path / "gone.warc.gz"), warc_offset=0)
    code, out, err = run(capsys, "reextract", "--db", db)
    assert code != 0 and "gone.warc.gz is missing" in err
    with Archive(db) as a:
        assert a.get(R["R1"].id) == R["R1"]


def test_ingest_a_directory(tmp_path, capsys):
    d = tmp_path / "in" / "sub"
    d.mkdir(parents=True)
    (d / "records.jsonl").write_text("".join(r.model_dump_json() + "\n" for r in R.values()), encoding="utf-8")
    (d / "notes.txt").write_text("not an input")
    code, out, err = run(capsys, "ingest", str(tmp_path / "in"), "--db", str(tmp_path / "a.db"))
    assert code == 0, err
    assert "new 8, updated 0, unchanged 0, failed 0" in out
