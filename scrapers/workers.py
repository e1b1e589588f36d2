"""Extraction worker processes for the crawler, each fed over its own pipe by the event loop.

Parsing must neither hold the event loop's GIL nor share its core, so pages are extracted in warm
worker processes (spaCy, gazetteer and underthesea load once per process: seconds). A
``ProcessPoolExecutor`` would do, but its machinery (a manager thread and a feeder thread per
pool, a call queue, a wake-up pipe, a future handed across threads) cost the crawler process more
CPU per page than fetching it. Here the event loop writes the job straight into an idle worker's
pipe and reads the answer when the pipe turns readable: two small pickles and two system calls.

The pool lives as long as the process and serves successive crawls (each its own event loop).
A worker that dies (OOM, segfault) fails the page it held and is replaced; a job whose caller was
cancelled still runs, and its answer is discarded when it comes. Workers watch their parent and
leave once it is gone, so a crawl killed with ``kill -9`` leaves no processes behind.
"""

from __future__ import annotations

import asyncio
import atexit
import multiprocessing
import os
import threading
import time
from collections import deque
from multiprocessing.connection import Connection
from typing import Any

from models.errors import VnnewsError

Result = tuple[str | None, str | None, float]  # (record as JSON or None, why not, CPU seconds)
DIED = "extract: extraction worker died"


def extract_page(body: bytes, url: str, charset: str | None, fetched_at: str | None) -> Result:
    """(the record as JSON, or None; why not; CPU seconds it took). Runs in a worker (or a thread).

    The record travels as its JSON: unpickling a Record (pydantic rebuilding every nested model
    through ``__setstate__``) cost the crawler ~0.6 ms a page, validating the JSON a fifth of that,
    and the round trip is exact. Errors come back as values, not exceptions: an exception class
    that does not pickle must not take the worker down with it."""
    from extractor import extract

    t = time.thread_time()
    try:
        record = extract(body, url, http_charset=charset, fetched_at=fetched_at)
    except VnnewsError as err:
        return None, f"extract: {err.message}", time.thread_time() - t
    except Exception as err:  # noqa: BLE001 - an extractor bug must not stop the crawl
        return None, f"extract: {type(err).__name__}: {err}"[:300], time.thread_time() - t
    return record.model_dump_json(), None, time.thread_time() - t


def _serve(conn: Connection, parent: int) -> None:
    """A worker: load the extractor, say "ready", then answer jobs until the pipe closes."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()
    extract_page(b"<html><body><h1>Tin</h1><p>Chi b\xe1\xbb\x99 h\xe1\xbb\x8dp.</p></body></html>",
                 "http://127.0.0.1/a", None, None)
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(extract_page(*job))


class _Worker:
    __slots__ = ("conn", "proc", "ready", "stale")

    def __init__(self, ctx: Any) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, os.getpid()), daemon=True, name="vnnews-extract")
        self.proc.start()
        child.close()
        self.ready = False
        self.stale = 0  # answers still to come for jobs whose callers gave up

    def take(self) -> Any:
        """The next message that answers a live job (None: the worker is gone)."""
        while True:
            try:
                msg = self.conn.recv()
            except (EOFError, OSError):
                return None
            if msg == "ready":
                self.ready = True
            elif self.stale:
                self.stale -= 1
            else:
                return msg
            if not self.conn.poll():
                return ...  # nothing more yet: keep waiting


class ExtractPool:
    def __init__(self, workers: int) -> None:
        self.ctx = multiprocessing.get_context("spawn")  # never fork: the parent runs threads and a loop
        self.workers = [_Worker(self.ctx) for _ in range(workers)]
        self.idle: deque[_Worker] = deque(self.workers)
        self.waiters: deque[asyncio.Future[_Worker]] = deque()

    @property
    def pids(self) -> list[int]:
        return [w.proc.pid for w in self.workers if w.proc.pid is not None]

    def wait_ready(self, timeout: float = 120.0) -> None:
        """Block until every worker has loaded the extractor (benchmarks time what follows)."""
        end = time.monotonic() + timeout
        for w in self.workers:
            while not w.ready and not w.stale and w.conn.poll(max(0.0, end - time.monotonic())):
                if w.take() is None:
                    break

    async def run(self, body: bytes, url: str, charset: str | None, fetched_at: str | None) -> Result:
        w = self.idle.popleft() if self.idle else None
        if w is None:
            fut: asyncio.Future[_Worker] = asyncio.get_running_loop().create_future()
            self.waiters.append(fut)
            w = await fut
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[Any] = loop.create_future()
        fd = w.conn.fileno()

        def readable() -> None:
            msg = w.take()
            if msg is not ...:
                loop.remove_reader(fd)
                if not answer.done():
                    answer.set_result(msg)

        try:
            w.conn.send((body, url, charset, fetched_at))
        except (OSError, ValueError):
            self._replace(w)
            return None, DIED, 0.0
        loop.add_reader(fd, readable)
        try:
            msg = await answer
        except BaseException:  # cancelled: the job still runs; its answer is dropped when it comes
            loop.remove_reader(fd)
            if not answer.done() or answer.cancelled():
                w.stale += 1
            self._release(w)
            raise
        if msg is None:
            self._replace(w)
            return None, DIED, 0.0
        self._release(w)
        return msg

    def _release(self, w: _Worker) -> None:
        while self.waiters:
            fut = self.waiters.popleft()
            if not fut.done():
                try:
                    fut.set_result(w)
                    return
                except RuntimeError:  # its event loop is gone
                    continue
        self.idle.append(w)

    def _replace(self, dead: _Worker) -> None:
        dead.conn.close()
        if dead.proc.is_alive():
            dead.proc.kill()
        dead.proc.join(1)
        fresh = _Worker(self.ctx)
        self.workers[self.workers.index(dead)] = fresh
        self._release(fresh)

    def close(self) -> None:
        for w in self.workers:
            w.conn.close()  # the worker reads end of file and leaves
        for w in self.workers:
            w.proc.join(5)
            if w.proc.is_alive():
                w.proc.kill()
        self.workers, self.idle = [], deque()


_POOL: tuple[int, int, ExtractPool] | None = None  # (owner pid, workers, pool)
_POOL_LOCK = threading.Lock()


def shared_pool(workers: int) -> ExtractPool:
    """This process's pool of ``workers`` processes, started on first use and kept for later crawls
    (their start-up overlaps the first robots.txt and listing fetches). A forked child gets its own."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None or _POOL[0] != os.getpid() or _POOL[1] != workers:
            if _POOL is not None and _POOL[0] == os.getpid():
                _POOL[2].close()
            _POOL = (os.getpid(), workers, ExtractPool(workers))
        return _POOL[2]


@atexit.register
def _close_pool() -> None:
    if _POOL is not None and _POOL[0] == os.getpid():
        _POOL[2].close()
