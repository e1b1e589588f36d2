"""`vnnews extract` and `vnnews eval` as a user runs them."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from service.cli import main

ROOT = Path(__file__).resolve().parents[1]
PAGE = """<html><head><meta charset="utf-8"><title>{t} - Cổng thông tin điện tử huyện Gia Bình</title></head>
<body><h1>{t}</h1><div class="post-meta">28/11/2023 16:01 · Số lượt xem: 159</div>
<div class="content-detail"><p>Từ đầu năm 2023 đến nay, Huyện ủy Gia Bình đã kết nạp được 89 đảng viên mới.</p>
<p style="text-align:right"><b>Lê Hà</b></p></div></body></html>"""


def _write(tmp_path: Path, name: str, title: str) -> Path:
    p = tmp_path / name
    p.write_text(PAGE.format(t=title), encoding="utf-8")
    return p


def test_json_lines_in_input_order_with_url(tmp_path, capsys):
    a = _write(tmp_path, "a.html", "Bài thứ nhất")
    assert main(["extract", str(a), "--url", "https://giabinh.bacninh.gov.vn/tin/a-1.html"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["url"] == "https://giabinh.bacninh.gov.vn/tin/a-1.html" and rec["site"] == "giabinh.bacninh.gov.vn"
    assert (rec["title"], rec["published"], rec["author"], rec["views"]) == \
        ("Bài thứ nhất", "2023-11-28T16:01:00+07:00", "Lê Hà", 159)
    assert rec["text"] == "Từ đầu năm 2023 đến nay, Huyện ủy Gia Bình đã kết nạp được 89 đảng viên mới."
    assert rec["extractor"]["name"] == "vnnews" and rec["content_sha256"] and rec["id"]


def test_bad_input_named_on_stderr_others_still_processed(tmp_path, capsys):
    a = _write(tmp_path, "a.html", "Bài một")
    bad = tmp_path / "bad.html"
    bad.write_bytes(b"%PDF-1.4 binary")
    c = _write(tmp_path, "c.html", "Bài ba")
    code = main(["extract", str(a), str(bad), str(tmp_path / "missing.html"), str(c)])
    out, err = capsys.readouterr()
    assert code == 2
    assert [json.loads(x)["title"] for x in out.splitlines()] == ["Bài một", "Bài ba"]
    lines = err.strip().splitlines()
    assert lines == [f"error: {bad}: not an HTML page: looks like a PDF document",
                     f"error: {tmp_path / 'missing.html'}: No such file or directory"]


def test_stdin_and_pretty(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(PAGE.format(t="Từ stdin").encode())))
    assert main(["extract", "-", "--pretty"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("{\n  ")
    assert json.loads(out)["title"] == "Từ stdin"


def test_url_with_many_inputs_is_a_usage_error(tmp_path, capsys):
    a, b = _write(tmp_path, "a.html", "A bài"), _write(tmp_path, "b.html", "B bài")
    assert main(["extract", str(a), str(b), "--url", "https://x.gov.vn/a"]) == 2
    assert "--url applies to a single HTML input" in capsys.readouterr().err


def test_console_script_end_to_end(tmp_path):
    a = _write(tmp_path, "a.html", "Qua console script")
    out = subprocess.run([str(ROOT / ".venv/bin/vnnews"), "extract", str(a)], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["title"] == "Qua console script"


def _corpus(tmp_path: Path) -> Path:
    (tmp_path / "pages").mkdir()
    (tmp_path / "gold").mkdir()
    for i, title in enumerate(["Bài một về đảng viên", "Bài hai về huy hiệu"]):
        (tmp_path / "pages" / f"p{i}.html").write_text(PAGE.format(t=title), encoding="utf-8")
        gold = {"slug": f"p{i}", "url": None, "http_charset": None, "title": title,
                "published": "2023-11-28T16:01:00+07:00", "author": "Lê Hà" if i == 0 else "Someone Else",
                "text": "Từ đầu năm 2023 đến nay, Huyện ủy Gia Bình đã kết nạp được 89 đảng viên mới.",
                "must_contain": ["kết nạp được 89 đảng viên mới"], "must_not_contain": ["Số lượt xem"]}
        (tmp_path / "gold" / f"p{i}.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    return tmp_path


def test_eval_json_scores_fields(tmp_path, capsys):
    d = _corpus(tmp_path)
    assert main(["eval", str(d), "--format", "json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["pages"] == 2
    s = res["scores"]["vnnews"]
    assert s["title"] == 1.0 and s["published_day"] == 1.0 and s["published_minute"] == 1.0
    assert s["author"] == 0.5  # the second gold names someone else
    assert s["snippets_kept"] == 1.0 and s["boilerplate_dropped"] == 1.0 and s["text_f1"] == 1.0


def test_eval_table_compares_with_trafilatura(tmp_path, capsys):
    d = _corpus(tmp_path)
    assert main(["eval", str(d), "--compare", "trafilatura", "-v"]) == 0
    out = capsys.readouterr().out
    assert "vnnews" in out and "trafilatura" in out and "published (minute)" in out
    assert "p1: author 'Lê Hà' != 'Someone Else'" in out


def test_eval_on_a_wrong_directory(tmp_path, capsys):
    assert main(["eval", str(tmp_path)]) == 2
    assert "not a corpus directory" in capsys.readouterr().err
    assert main(["eval", str(tmp_path), "--compare", "nonesuch"]) == 2
