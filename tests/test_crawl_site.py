"""A whole crawl of four synthetic portals (>= 220 articles) on 127.0.0.2-5, with faults.

One crawl runs per module; each test checks one promise a user relies on: every URL accounted for
with the right reason, politeness seen from the server's side, records stored, WARC valid, a
re-crawl made of conditional GETs, and `vnnews extract` over the WARCs giving back the records.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from helpers_crawl import Portal, fault_portal, serve, warm_extractor

from scrapers.crawl import Crawler, CrawlOptions

DELAY = 0.03
ROOT = Path(__file__).resolve().parents[1]


def _opts(servers: dict, tmp: Path, **kw: object) -> CrawlOptions:
    return CrawlOptions(seeds=[s.url("/") for s in servers.values()], db=tmp / "archive.db",
                        warc_dir=tmp / "warc", delay=DELAY, concurrency=4, timeout=0.6, deadline=1.0,
                        retries=2, backoff=0.05, max_retry_after=2.0, max_bytes=1 << 20, progress=False,
                        fsync=False, **kw)


@pytest.fixture(scope="module")
def site():
    portals = {
        "127.0.0.2": Portal("xa-a", 70, cp1258_every=7),
        "127.0.0.3": Portal("xa-b", 70, sitemap_index=True),
        "127.0.0.4": fault_portal("xa-c", 60),
        "127.0.0.5": Portal("xa-d", 20, crawl_delay=0.1),
    }
    servers = {addr: serve(p, addr) for addr, p in portals.items()}
    yield portals, servers
    for s in servers.values():
        s.stop()


@pytest.fixture(scope="module")
def crawled(site, tmp_path_factory):
    portals, servers = site
    warm_extractor()
    tmp = tmp_path_factory.mktemp("crawl")
    summary = asyncio.run(Crawler(_opts(servers, tmp)).run())
    db = sqlite3.connect(tmp / "archive.db")
    db.row_factory = sqlite3.Row
    rows = {r["url"]: dict(r) for r in db.execute("SELECT * FROM crawl_urls")}
    return portals, servers, tmp, summary, rows, db


def _row(rows: dict, server, path: str) -> dict:
    return rows[server.url(path)]


def test_every_url_ends_in_a_state_with_its_reason(crawled):
    portals, servers, _, summary, rows, _ = crawled
    assert not [u for u, r in rows.items() if r["state"] in ("queued", "in-progress")]
    n_articles = sum(p.n_articles for p in portals.values())
    assert n_articles >= 200
    for addr, portal in portals.items():
        for art in portal.articles:
            r = _row(rows, servers[addr], art.path)
            assert (r["state"], r["reason"]) == ("fetched", None), r
            assert r["record_id"] and r["warc_path"] and r["http_status"] == 200
    c = servers["127.0.0.4"]
    expect = {
        "/tin-tuc/loi-503-roi-hoi-phuc-50301.html": ("fetched", None, 2),
        "/tin-tuc/luon-loi-500-50001.html": ("failed", "status 500", 2),
        "/tin-tuc/khong-ton-tai-40401.html": ("failed", "status 404", 1),
        "/tin-tuc/vong-lap-chuyen-huong-30201.html": ("failed", "redirect-loop", 2),
        "/tin-tuc/chuyen-huong-dung-30101.html": ("fetched", None, 2),
        "/tin-tuc/sai-kieu-noi-dung-41501.html": ("skipped", "type", 1),
        "/tin-tuc/trang-50mb-41301.html": ("skipped", "size", 1),
        "/tin-tuc/nho-giot-40801.html": ("failed", "deadline", 2),
        "/tin-tuc/qua-han-40802.html": ("failed", "timeout", 2),
    }
    for path, (state, reason, attempts) in expect.items():
        r = _row(rows, c, path)
        assert (r["state"], r["reason"], r["attempts"]) == (state, reason, attempts), (path, r)
    reset = _row(rows, c, "/tin-tuc/ngat-ket-noi-10401.html")
    assert reset["state"] == "failed" and reset["attempts"] == 2 and reset["reason"].endswith("-error")
    redirected = _row(rows, c, "/tin-tuc/chuyen-huong-dung-30101.html")
    assert redirected["final_url"] == c.url("/tin-tuc/xa-c-bai-viet-so-0-1000.html")
    for server in servers.values():
        assert _row(rows, server, "/private/tai-lieu-noi-bo-so-1-99999.html")["reason"] == "robots"
        for path in ("/files/bao-cao-tong-ket-2023.pdf", "/dang-nhap", "/in-bai?id=1"):
            assert _row(rows, server, path)["reason"] == "filter", path
        # skipped means never requested
        requested = {h.target for h in server.hits}
        assert not {"/private/tai-lieu-noi-bo-so-1-99999.html", "/files/bao-cao-tong-ket-2023.pdf",
                    "/dang-nhap", "/logo.png"} & requested
    states = summary["states"]
    assert states["failed"]["status 500"] == 1 and states["skipped"]["robots"] == 4


def test_big_body_is_streamed_and_cut_not_downloaded(crawled):
    portals = crawled[0]
    big = portals["127.0.0.4"].faults["/tin-tuc/trang-50mb-41301.html"]
    assert big.body.sent < 8 * 1024 * 1024  # the server stopped long before 50 MB


def test_politeness_seen_from_the_server(crawled):
    _, servers, *_ = crawled
    for addr, server in servers.items():
        if addr != "127.0.0.4":  # there, abandoned slow replies still count as in flight server-side
            assert server.max_in_flight == 1, addr  # one connection, one request at a time, per host
        times = sorted(h.at for h in server.hits)
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        floor = 0.1 if addr == "127.0.0.5" else DELAY  # robots.txt Crawl-delay: 0.1 on .5
        assert min(gaps) >= floor * 0.95, (addr, min(gaps))
    c = servers["127.0.0.4"]
    retry = c.hits_for("/tin-tuc/loi-503-roi-hoi-phuc-50301.html")
    assert retry[1].at - retry[0].at >= 0.95  # Retry-After: 1 honoured
    ua = servers["127.0.0.2"].hits[0].headers["user-agent"]
    assert "vnnews" in ua and "contact" in ua


def test_records_stored_and_windows_1258_decoded(crawled):
    portals, servers, tmp, summary, rows, db = crawled
    n_articles = sum(p.n_articles for p in portals.values())
    records = {r[0]: r[1] for r in db.execute("SELECT id, title FROM records")}
    assert len(records) == n_articles + 1  # + the page that recovered from 503s
    a = portals["127.0.0.2"]
    cp = [art for art in a.articles if art.charset == "windows-1258"]
    assert len(cp) >= 10
    for art in cp:
        rid = _row(rows, servers["127.0.0.2"], art.path)["record_id"]
        assert records[rid] == art.title
    assert summary["records"]["new"] == n_articles + 1


def test_warc_files_pass_warcio_check(crawled):
    tmp = crawled[2]
    files = sorted(str(p) for p in (tmp / "warc").glob("*.warc.gz"))
    assert files
    out = subprocess.run([str(ROOT / ".venv/bin/warcio"), "check", *files], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_frontier_command_lists_every_url(crawled):
    from service.cli import main

    tmp, rows = crawled[2], crawled[4]
    out = subprocess.run([str(ROOT / ".venv/bin/vnnews"), "frontier", "--db", str(tmp / "archive.db"),
                          "--state", "failed", "--format", "jsonl"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    lines = [json.loads(x) for x in out.stdout.splitlines()]
    assert {x["url"] for x in lines} == {u for u, r in rows.items() if r["state"] == "failed"}
    assert all(x["reason"] for x in lines)
    assert main(["frontier", "--db", str(tmp / "nope.db")]) == 2


def test_extract_over_warcs_reproduces_the_archive(crawled, capsys):
    from service.cli import main

    tmp, db = crawled[2], crawled[5]
    files = sorted(str(p) for p in (tmp / "warc").glob("*.warc.gz"))
    code = main(["extract", *files])
    out = capsys.readouterr().out
    assert code == 0
    extracted = {}
    for line in out.splitlines():
        rec = json.loads(line)
        extracted[rec["id"]] = rec
    archived = {r[0]: (r[1], r[2]) for r in db.execute("SELECT id, title, url FROM records")}
    assert set(archived) <= set(extracted)
    for rid, (title, url) in archived.items():
        assert (extracted[rid]["title"], extracted[rid]["url"]) == (title, url)


def test_recrawl_sends_conditional_gets_and_writes_revisits(crawled):
    portals, servers, tmp, first, rows, db = crawled
    before = {addr: len(s.hits) for addr, s in servers.items()}
    # re-crawl one portal: the others' URLs in the same archive are left alone
    summary = asyncio.run(Crawler(_opts({"127.0.0.2": servers["127.0.0.2"]}, tmp)).run())
    assert len(servers["127.0.0.3"].hits) == before["127.0.0.3"]
    assert summary["run"] == first["run"] + 1 and not summary["resumed"]
    a = servers["127.0.0.2"]
    new_hits = a.hits[before["127.0.0.2"]:]
    article_hits = [h for h in new_hits if h.path.startswith("/tin-tuc/xa-a")]
    assert len(article_hits) == portals["127.0.0.2"].n_articles
    assert all("if-none-match" in h.headers for h in article_hits)
    state = {r[0]: r[1] for r in db.execute("SELECT url, state FROM crawl_urls")}
    assert all(state[a.url(art.path)] == "not-modified" for art in portals["127.0.0.2"].articles)
    assert summary["records"].get("new", 0) == 0
    from warcio.archiveiterator import ArchiveIterator

    newest = sorted((tmp / "warc").glob("*.warc.gz"))[-1]
    with open(newest, "rb") as fh:
        types = [r.rec_type for r in ArchiveIterator(fh)]
    assert types.count("revisit") >= portals["127.0.0.2"].n_articles


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
