"""Bad input never gives a traceback: a clear DecodeError, or a best-effort record with warnings."""

from __future__ import annotations

import base64
import io
import json
import time

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from extractor import extract
from models.errors import DecodeError
from service.cli import main

PARA = "Huyện ủy Gia Bình đã kết nạp được 89 đảng viên mới trong năm 2023, vượt chỉ tiêu Nghị quyết đề ra."


def test_empty_file_is_a_clear_cli_error(tmp_path, capsys):
    f = tmp_path / "empty.html"
    f.write_bytes(b"")
    assert main(["extract", str(f)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"error: {f}: empty input: no HTML to extract"


def test_pdf_bytes_are_refused(tmp_path, capsys):
    f = tmp_path / "report.html"
    f.write_bytes(b"%PDF-1.5\n%\xd0\xd4\xc5\xd8\n1 0 obj <<>> endobj\n" + bytes(range(256)) * 20)
    assert main(["extract", str(f)]) == 2
    captured = capsys.readouterr()
    assert "looks like a PDF document" in captured.err and "Traceback" not in captured.err
    assert captured.out == ""


def test_twenty_megabyte_page_gives_a_record():
    # 20 MB the way real pages get that big: inline base64 images and script blobs around the article
    blob = base64.b64encode(b"\x89PNG" + bytes(range(256)) * 40_000).decode()
    html = ("<html><head><meta charset='utf-8'><title>Trang lớn - Cổng TTĐT</title><script>var d='"
            + "x" * 4_000_000 + "';</script></head><body><h1>Trang lớn</h1><div class='content-detail'>"
            + f"<p>{PARA}</p>" + "".join(f'<p><img src="data:image/png;base64,{blob}"></p>' for _ in range(1))
            + f"<p>{PARA} Đoạn cuối.</p></div>"
            + "<div class='sidebar'>" + "<p>Tin khác về các xã trong huyện.</p>" * 20_000 + "</div></body></html>").encode()
    html = html + b" " * max(0, 20_000_000 - len(html))
    assert len(html) >= 20_000_000
    t = time.perf_counter()
    r = extract(html)
    assert time.perf_counter() - t < 60
    assert r.title == "Trang lớn"
    assert r.text == f"{PARA}\n\n{PARA} Đoạn cuối."


def test_truncated_html_gives_best_effort_record():
    html = ("<html><head><title>Tin bài - Cổng TTĐT</title></head><body><h1>Tin bài</h1>"
            f"<div class='content-detail'><p>{PARA}</p><p>Đoạn thứ hai bị cắt ngang ở giữa câu khi tải ve").encode()
    r = extract(html)
    assert r.title == "Tin bài"
    assert r.text.startswith(PARA) and r.text.endswith("khi tải ve")


@pytest.mark.parametrize("opening,closing", [("<div>", "</div>"), ("<div><span>", ""), ("<table><tr><td>", ""),
                                             ("<b><i>", "</i></b>")])
def test_ten_thousand_levels_of_nesting(opening, closing):
    html = ("<html><head><title>Sâu - Cổng TTĐT</title></head><body>" + opening * 10_000
            + f"<p>{PARA}</p>" + closing * 10_000 + "</body></html>").encode()
    t = time.perf_counter()
    r = extract(html)  # no RecursionError, no quadratic blow-up
    assert time.perf_counter() - t < 20
    assert PARA in r.text


def _warc(path, gz: bool, n: int = 3) -> list[str]:
    urls = []
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=gz)
        for i in range(n):
            url = f"https://xa.gov.vn/tin-tuc/bai-{i}.html"
            body = (f"<html><head><meta charset='utf-8'><title>Bài {i}</title></head><body><h1>Bài số {i}</h1>"
                    f"<div class='content-detail'><p>{PARA} Số thứ tự {i}.</p></div></body></html>").encode()
            hh = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=hh))
            urls.append(url)
    return urls


def test_warc_records_become_records_in_order(tmp_path, capsys):
    f = tmp_path / "crawl.warc.gz"
    urls = _warc(f, gz=True)
    assert main(["extract", str(f)]) == 0
    recs = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["url"] for r in recs] == urls
    assert [r["title"] for r in recs] == ["Bài số 0", "Bài số 1", "Bài số 2"]


def test_warc_with_a_corrupt_record(tmp_path, capsys):
    f = tmp_path / "crawl.warc.gz"
    urls = _warc(f, gz=True)
    data = bytearray(f.read_bytes())
    members = [i for i in range(len(data)) if data[i:i + 3] == b"\x1f\x8b\x08"]
    mid = (members[1] + members[2]) // 2  # inside the second record's compressed bytes
    data[mid:mid + 24] = b"\x00CORRUPT\x00" * 2 + b"\xff" * 6
    f.write_bytes(bytes(data))
    code = main(["extract", str(f)])
    captured = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in captured.err
    assert f"error: {f}: corrupt WARC record" in captured.err
    got = [json.loads(line)["url"] for line in captured.out.splitlines()]
    assert got == [urls[0], urls[2]]  # the records around the damaged one still come out


def test_warc_http_charset_decodes_a_windows_1258_page(tmp_path, capsys):
    from test_decode import to_cp1258

    f = tmp_path / "legacy.warc"
    body = to_cp1258("<html><head><title>Huyện ủy kết nạp đảng viên</title></head><body><h1>Huyện ủy kết nạp đảng viên</h1>"
                     f"<div class='content-detail'><p>{PARA}</p></div></body></html>")
    with open(f, "wb") as fh:
        w = WARCWriter(fh, gzip=False)
        hh = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=windows-1258")], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record("http://xa.gov.vn/a.html", "response", payload=io.BytesIO(body),
                                            http_headers=hh))
    assert main(["extract", str(f)]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["title"] == "Huyện ủy kết nạp đảng viên" and rec["text"] == PARA
    assert rec["fetched_at"]  # WARC-Date


def test_mangled_pages_never_raise_anything_but_decode_error(corpus_dir):
    import random

    pages = sorted((corpus_dir / "pages").glob("*.html"))[:20]
    assert pages, "corpus/pages is missing: the corpus is committed"
    rng = random.Random(7)
    junk = [b"<", b">", b"</div>", b"<table>", b"<!--", b"<script>", b"&#", b"\xc3", b"\x00", b"<br", b'"']
    for i in range(30):
        data = bytearray(rng.choice(pages).read_bytes())
        at = rng.randrange(len(data))
        if i % 3 == 0:
            data = data[:at]
        elif i % 3 == 1:
            for _ in range(40):
                data[rng.randrange(len(data))] = rng.randrange(256)
        else:
            data[at:at] = b"".join(rng.choice(junk) for _ in range(30))
        try:
            extract(bytes(data), "https://xa.gov.vn/2024/01/02/bai.html")
        except DecodeError:
            pass


def test_warc_cut_off_mid_record(tmp_path, capsys):
    f = tmp_path / "cut.warc.gz"
    urls = _warc(f, gz=True)
    data = f.read_bytes()
    f.write_bytes(data[: len(data) - 200])  # the crawler died while writing the last record
    assert main(["extract", str(f)]) == 2
    captured = capsys.readouterr()
    assert [json.loads(x)["url"] for x in captured.out.splitlines()] == urls[:2]
    assert "corrupt WARC record" in captured.err and "Traceback" not in captured.err
