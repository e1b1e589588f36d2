"""The API on a real uvicorn over a real socket on 127.0.0.1: what only a real server shows —
the body limit enforced on the wire, the token, and the SSRF guard refusing the server itself."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from api_data import ARTICLE_HTML, build_archive, records
from api_server import serving

from service.api import create_app

MAX_BODY = 64 * 1024


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("live") / "archive.db"
    build_archive(db)
    with serving(create_app(db, token="t0ken", max_body=MAX_BODY)) as url:
        yield url


@pytest.fixture
def http(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, trust_env=False, timeout=30) as c:
        yield c


def test_search_record_and_stats_over_the_wire(http: httpx.Client) -> None:
    data = http.get("/search", params={"q": "dang vien", "province": "Bac Ninh"}).json()
    assert data["total"] == 2
    rec = http.get(f"/records/{data['hits'][0]['id']}")
    assert rec.status_code == 200 and rec.json()["facts"]
    rows = http.get("/stats", params={"kind": "new_members", "by": "province"}).json()["rows"]
    assert {r["province"]: r["total"] for r in rows if r["year"] == "2023"} == {"Bắc Ninh": 134}
    assert http.get("/").status_code == 200
    assert http.get("/chart.svg").headers["content-type"].startswith("image/svg+xml")


def test_post_extract_over_the_wire(http: httpx.Client) -> None:
    resp = http.post("/extract", params={"url": "https://giabinh.bacninh.gov.vn/a.html"},
                     content=ARTICLE_HTML.format(charset="utf-8").encode(), headers={"Content-Type": "text/html"})
    assert resp.status_code == 200, resp.text
    assert resp.json()["title"] == "Huyện Gia Bình kết nạp 89 đảng viên mới"


def test_oversize_body_refused(http: httpx.Client, base: str) -> None:
    resp = http.post("/extract", content=b"a" * (MAX_BODY * 3), headers={"Content-Type": "text/html"})
    assert resp.status_code == 413 and resp.json()["error"]
    # Without Content-Length (chunked): refused while streaming, over a raw socket to see the answer.
    port = int(base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"POST /extract HTTP/1.1\r\nHost: t\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"b" * 16384
        for _ in range(MAX_BODY // len(chunk) + 2):
            s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        head = s.recv(4096)
    assert head.startswith(b"HTTP/1.1 413"), head[:200]


def test_token_enforced(http: httpx.Client) -> None:
    line = records()[1].model_copy(update={"id": "abcdefabcdefabcd"}).model_dump_json().encode() + b"\n"
    assert http.post("/ingest", content=line).status_code == 401
    assert http.post("/ingest", content=line, headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert http.get("/records/abcdefabcdefabcd").status_code == 404
    ok = http.post("/ingest", content=line, headers={"Authorization": "Bearer t0ken"})
    assert ok.status_code == 200, ok.text
    assert http.get("/records/abcdefabcdefabcd").status_code == 200


def test_get_extract_refuses_the_server_itself(http: httpx.Client, base: str) -> None:
    port = base.rsplit(":", 1)[1]
    for host in ("127.0.0.1", "localhost", "[::1]", "127.1", "2130706433"):
        resp = http.get("/extract", params={"url": f"http://{host}:{port}/records/x"})
        assert resp.status_code == 403, resp.text
        assert set(resp.json()) == {"error", "detail"}


def test_the_cli_refuses_a_public_bind_without_token(tmp_path: Path) -> None:
    from service.cli import main

    db = tmp_path / "x.db"
    build_archive(db)
    assert main(["serve", "--db", str(db), "--host", "0.0.0.0"]) == 2
    assert main(["serve", "--db", str(tmp_path / "missing.db")]) == 2


def test_vnnews_serve_command_end_to_end(tmp_path: Path) -> None:
    """`vnnews serve` as a user runs it: a real process, flags honoured, stopped with SIGTERM."""
    import subprocess
    import sys
    import time

    from api_server import free_port

    db = tmp_path / "serve.db"
    build_archive(db)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "service", "serve", "--db", str(db), "--port", str(port),
                             "--token", "cli-token", "--max-body-mb", "0.01"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=Path(__file__).resolve().parents[1])
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                assert proc.poll() is None, proc.communicate()[1].decode()
                assert time.monotonic() < deadline, "vnnews serve did not start"
                time.sleep(0.1)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", trust_env=False, timeout=30) as c:
            assert c.get("/search", params={"q": "Đắk Song"}).json()["total"] == 1
            assert c.post("/ingest", content=b"{}\n").status_code == 401
            assert c.post("/extract", content=b"x" * 20000, headers={"Content-Type": "text/html"}).status_code == 413
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=15)
    assert f"http://127.0.0.1:{port}/" in err.decode()


def test_a_fresh_server_answers_concurrent_first_extractions(tmp_path: Path) -> None:
    """The NLP models load lazily on the first extraction; concurrent first requests to a freshly
    started server must all get their record (underthesea's loader is not thread-safe by itself).
    A fresh interpreter, so nothing was loaded by earlier tests."""
    import os
    import subprocess
    import sys
    import textwrap

    build_archive(tmp_path / "a.db")
    script = textwrap.dedent(f"""
        import concurrent.futures, sys
        import httpx
        from api_data import ARTICLE_HTML
        from api_server import serving
        from service.api import create_app

        page = ARTICLE_HTML.format(charset="utf-8").encode()
        with serving(create_app({str(tmp_path / "a.db")!r})) as url:
            def post(_):
                r = httpx.post(url + "/extract", content=page, headers={{"Content-Type": "text/html"}},
                               timeout=60, trust_env=False)
                return r.status_code, r.json().get("summary", {{}}).get("new_members")
            with concurrent.futures.ThreadPoolExecutor(4) as pool:
                print(sorted(pool.map(post, range(4))))
    """)
    tests = Path(__file__).resolve().parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tests), str(tests.parent)])}
    out = subprocess.run([sys.executable, "-c", script], cwd=tests.parent, capture_output=True, text=True,
                         timeout=120, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[(200, 89), (200, 89), (200, 89), (200, 89)]", out.stderr[-2000:]
