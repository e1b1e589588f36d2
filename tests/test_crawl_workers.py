"""Extraction worker processes: answers reach the job that asked, a cancelled job's answer is
dropped, a worker that dies fails only the page it held and is replaced."""

from __future__ import annotations

import asyncio
import json
import os
import signal

from scrapers.workers import DIED, ExtractPool


def _page(title: str) -> bytes:
    return (f'<html lang="vi"><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f'<h1>{title}</h1><div class="content"><p>{title}. Sáng nay, Đảng ủy xã tổ chức hội nghị '
            "sơ kết công tác xây dựng Đảng.</p></div></body></html>").encode()


def test_answers_cancellation_and_a_dead_worker():
    pool = ExtractPool(1)
    try:
        pool.wait_ready()

        async def go():
            first = await pool.run(_page("Bài một"), "http://127.0.0.1/bai-1.html", "utf-8", None)
            slow = asyncio.ensure_future(pool.run(_page("Bài bỏ dở"), "http://127.0.0.1/bai-2.html", "utf-8", None))
            await asyncio.sleep(0)  # sent to the worker, then abandoned
            slow.cancel()
            after = await pool.run(_page("Bài ba"), "http://127.0.0.1/bai-3.html", "utf-8", None)
            os.kill(pool.pids[0], signal.SIGKILL)
            died = await pool.run(_page("Bài bốn"), "http://127.0.0.1/bai-4.html", "utf-8", None)
            again = await pool.run(_page("Bài năm"), "http://127.0.0.1/bai-5.html", "utf-8", None)
            return first, slow.cancelled(), after, died, again

        first, cancelled, after, died, again = asyncio.run(go())
    finally:
        pool.close()
    assert cancelled
    for result, slug, title in ((first, "bai-1", "Bài một"), (after, "bai-3", "Bài ba"), (again, "bai-5", "Bài năm")):
        doc, reason, cpu = result
        assert reason is None and cpu > 0
        record = json.loads(doc)
        assert record["url"].endswith(f"/{slug}.html") and title in record["title"]
    assert died == (None, DIED, 0.0)
