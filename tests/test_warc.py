"""WARC output: request/response/revisit records, warcinfo, rotation, repair of a cut-off tail."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from scrapers.fetch import Exchange
from scrapers.inputs import iter_warc
from scrapers.warc import WarcWriter, repair_tail

ROOT = Path(__file__).resolve().parents[1]
WARCIO = str(ROOT / ".venv/bin/warcio")


def _exchange(url: str, body: bytes, status: int = 200, charset: str = "utf-8") -> Exchange:
    return Exchange(url=url, date=datetime.now(UTC), request_headers=[("Host", "127.0.0.1"), ("User-Agent", "t")],
                    status=status, reason="OK", http_version="HTTP/1.1",
                    response_headers=[("Content-Type", f"text/html; charset={charset}"),
                                      ("Transfer-Encoding", "chunked"), ("ETag", '"e1"')],
                    raw_body=body, request_target="/" + url.rsplit("/", 1)[-1])


def _records(path: str) -> list:
    with open(path, "rb") as fh:
        return [(r.rec_type, dict(r.rec_headers.headers)) for r in ArchiveIterator(fh)]


def test_exchange_and_revisit_records_pass_warcio_check(tmp_path):
    w = WarcWriter(tmp_path, info={"operator": "test"})
    page = "<html><body><h1>Huyện Gia Bình kết nạp 89 đảng viên mới</h1></body></html>".encode()
    first = w.write_exchanges([_exchange("http://127.0.0.1/a-1.html", page)])[0]
    w.write_revisit(_exchange("http://127.0.0.1/a-1.html", b"", status=304), refers_to=first,
                    refers_to_uri="http://127.0.0.1/a-1.html", payload_digest=first.payload_digest)
    w.close()
    assert len(w.files) == 1
    recs = _records(w.files[0])
    assert [t for t, _ in recs] == ["warcinfo", "response", "request", "revisit", "request"]
    info, response, request, revisit, _ = (h for _, h in recs)
    assert info["WARC-Filename"].endswith(".warc.gz")
    assert response["WARC-Payload-Digest"].startswith("sha1:") and response["WARC-Date"]
    assert request["WARC-Concurrent-To"] == response["WARC-Record-ID"]
    assert revisit["WARC-Refers-To"] == response["WARC-Record-ID"]
    assert revisit["WARC-Payload-Digest"] == response["WARC-Payload-Digest"]
    assert "server-not-modified" in revisit["WARC-Profile"]
    out = subprocess.run([WARCIO, "check", *w.files], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout
    # the readers behind `vnnews extract` get the page back with its URL and charset
    pages = list(iter_warc(w.files[0]))
    assert len(pages) == 1 and pages[0].body == page and pages[0].http_charset == "utf-8"
    assert pages[0].url == "http://127.0.0.1/a-1.html" and pages[0].warc_offset == first.offset


def test_rotation_by_size_each_file_with_its_warcinfo(tmp_path):
    w = WarcWriter(tmp_path, max_bytes=4096)
    blob = os.urandom(6000)  # incompressible: every record passes 4 KiB
    for i in range(6):
        w.write_exchanges([_exchange(f"http://127.0.0.1/p-{i}.html", blob)])
    w.close()
    assert len(w.files) >= 3
    for f in w.files:
        assert _records(f)[0][0] == "warcinfo"
    out = subprocess.run([WARCIO, "check", *w.files], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout


def test_repair_tail_cuts_a_half_written_record(tmp_path):
    w = WarcWriter(tmp_path)
    for i in range(3):
        w.write_exchanges([_exchange(f"http://127.0.0.1/p-{i}.html", b"<html>%d</html>" % i)])
    w.close()
    path = Path(w.files[0])
    whole = path.read_bytes()
    good = len(whole)
    path.write_bytes(whole + whole[200:900])  # a process killed in the middle of the next record
    assert subprocess.run([WARCIO, "check", str(path)], capture_output=True).returncode != 0
    assert repair_tail(path) == 700
    assert path.stat().st_size == good
    assert subprocess.run([WARCIO, "check", str(path)], capture_output=True).returncode == 0
    assert repair_tail(path) == 0  # an intact file is left alone
