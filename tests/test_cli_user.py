"""The CLI as a user meets it: a typo in --db, odd characters in errors, a crash, Ctrl-C.

Regression tests for bugs found by driving every command by hand; real SQLite files, the real
`service.cli.main`, and a real subprocess for the signal.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from archive_fixture import records

from service.cli import main

ROOT = Path(__file__).resolve().parents[1]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def db(tmp_path, capsys) -> str:
    path = tmp_path / "archive.db"
    src = tmp_path / "records.jsonl"
    src.write_text("".join(r.model_dump_json() + "\n" for r in records().values()), encoding="utf-8")
    assert run(capsys, "ingest", str(src), "--db", str(path))[0] == 0
    return str(path)


@pytest.mark.parametrize("argv", [["search", "dang vien"], ["stats", "--kind", "new_members"],
                                  ["show", "abc"], ["export"], ["reextract"], ["frontier"]])
def test_read_command_on_a_missing_db_says_so_and_creates_nothing(tmp_path, capsys, argv):
    missing = tmp_path / "typo.db"
    code, out, err = run(capsys, *argv, "--db", str(missing))
    assert code == 2
    assert "typo.db" in err and "no such" in err and "Traceback" not in err
    assert out == ""
    assert list(tmp_path.iterdir()) == [], "a read command created files"


def test_export_to_a_file_from_a_missing_db_leaves_no_output_file(tmp_path, capsys):
    target = tmp_path / "out.csv"
    code, _, err = run(capsys, "export", "--format", "csv", "-o", str(target), "--db", str(tmp_path / "no.db"))
    assert code == 2 and "no such archive" in err
    assert not target.exists()


def test_error_message_with_markup_like_input_is_printed_verbatim(db, capsys):
    # rich used to parse "[/x]" in the echoed input as a closing tag and crash with a traceback
    code, out, err = run(capsys, "search", "x", "--province", "[/x]", "--db", db)
    assert code == 2
    assert "[/x]" in err and "Traceback" not in err


def test_unexpected_failure_is_one_line_not_a_traceback(tmp_path, capsys):
    # an archive with no records at all (a fresh file) is the first thing a new user searches
    empty = tmp_path / "empty.db"
    assert run(capsys, "ingest", str(tmp_path / "nothing.html"), "--db", str(empty))[0] == 1
    code, out, err = run(capsys, "search", "dang vien", "--db", str(empty))
    assert "Traceback" not in err
    assert code in (0, 1)
    if code == 1:
        assert err.count("\n") == 1 and "VNNEWS_DEBUG" in err


def test_explain_names_the_input_that_failed(tmp_path, capsys):
    binary = tmp_path / "blob.html"
    binary.write_bytes(bytes(range(256)) * 40)
    code, _, err = run(capsys, "explain", str(binary))
    assert code == 2 and "blob.html:" in err
    code, _, err = run(capsys, "explain", str(tmp_path))
    assert code == 2 and "is a directory" in err


def test_ctrl_c_exits_130_with_one_word(tmp_path):
    code = ("import sys; from service.cli import main; print('ready', flush=True); "
            "sys.exit(main(['extract', '-']))")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(0.5)  # now blocked in main(): importing commands or reading stdin
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert "interrupted" in err and "Traceback" not in err


def test_frontier_table_shows_urls_with_brackets_verbatim(tmp_path, capsys):
    from scrapers.frontier import Entry, Frontier

    path = tmp_path / "crawl.db"
    f = Frontier(path)
    try:
        f.add([Entry(url="http://127.0.0.1/tin[/b]?p=[bold]1", kind="page", state="skipped", reason="filter")])
    finally:
        f.close()
    code, out, err = run(capsys, "frontier", "--db", str(path))
    assert code == 0, err
    assert "tin[/b]?p=[bold]1" in out


def test_version_for_batch_jobs_to_log(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("vnnews ")


def test_search_on_an_empty_archive_finds_nothing(tmp_path, capsys):
    path = tmp_path / "empty.db"
    from archive import Archive

    Archive(path).close()
    code, out, err = run(capsys, "search", "dang vien", "--format", "jsonl", "--db", str(path))
    assert (code, out, err) == (0, "", "")


def _vnnews(*argv: str, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "service", *argv], input=stdin, capture_output=True,
                          cwd=ROOT, timeout=120, check=False)


def test_ingest_stdin_takes_json_lines_from_extract_and_pages(tmp_path):
    page = (ROOT / "corpus" / "pages" / "a-gia-binh-ket-nap-2023.html").read_bytes()
    db = str(tmp_path / "a.db")
    line = _vnnews("extract", "-", "--url", "https://giabinh.bacninh.gov.vn/tin/a.html", stdin=page).stdout
    done = _vnnews("ingest", "-", "--db", db, stdin=line)
    assert done.returncode == 0 and b"new 1" in done.stdout
    shown = _vnnews("search", "Gia Binh", "--format", "jsonl", "--db", db, stdin=b"")
    assert b"https://giabinh.bacninh.gov.vn/tin/a.html" in shown.stdout  # the record, not the JSON as HTML
    bad = _vnnews("ingest", "-", "--db", db, stdin=b'{"not": "a record"}\n')
    assert bad.returncode != 0 and b"not a record" in bad.stderr
