"""`vnnews demo`: the corpus served as local portals, crawled twice into one archive."""

from __future__ import annotations

import io
import json
import sqlite3

import pytest
from rich.console import Console

from models.record import record_id
from scrapers.demo import run_demo


@pytest.fixture(scope="module")
def gold(corpus_dir):
    golds = [json.loads(p.read_text("utf-8")) for p in sorted((corpus_dir / "gold").glob("*.json"))]
    golds = [g for g in golds if g.get("url") and (corpus_dir / "pages" / f"{g['slug']}.html").exists()]
    if not golds:
        pytest.skip("no corpus pages yet")
    return golds


def test_demo_crawls_every_corpus_page_and_revisits_on_second_run(tmp_path, gold):
    db, warc = tmp_path / "archive.db", tmp_path / "warc"
    out = io.StringIO()
    console = Console(file=out, width=160)
    first = run_demo(db=db, warc_dir=warc, console=console)
    text = out.getvalue()
    assert "figures per place and year" in text and f"vnnews serve --db {db}" in text
    assert not first["states"].get("failed"), first["states"]
    assert first["states"]["skipped"].get("robots", 0) > 0  # robots.txt Disallow honoured

    con = sqlite3.connect(db)
    urls = dict(con.execute("SELECT id, url FROM records").fetchall())
    want = {record_id(g["url"], ""): g for g in gold}
    assert set(urls) == set(want)  # every page, under its original URL, once
    cp1258 = [g for g in gold if g["encoding"] == "windows-1258"]
    titles = dict(con.execute("SELECT id, title FROM records").fetchall())
    for g in cp1258:  # served with charset=windows-1258 and decoded back
        assert titles[record_id(g["url"], "")] == g["title"]

    second = run_demo(db=db, warc_dir=warc, console=Console(file=io.StringIO()))
    assert second["run"] == first["run"] + 1
    assert second["states"].get("not-modified", {}).get("", 0) >= len(gold)
    assert not second["states"].get("failed") and not second["records"].get("new")
    assert con.execute("SELECT count(*) FROM records").fetchone()[0] == len(want)
