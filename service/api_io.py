"""Request bodies and streamed downloads for the HTTP API.

Bodies are read chunk by chunk and refused the moment they pass the limit, so a 2 GB upload costs
the server ``max_body`` bytes, not 2 GB. Exports are produced by the archive writing to a file-like
object in a worker thread; :func:`stream_writer` turns those writes into an async byte stream with
a bounded queue, so a slow client slows the export instead of filling memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import queue
import threading
from collections.abc import AsyncIterator, Callable
from typing import IO, Any

from starlette.requests import Request

from models.errors import InputError, PayloadTooLargeError


def _too_large(limit: int) -> PayloadTooLargeError:
    return PayloadTooLargeError(f"request body larger than {limit} bytes", detail=f"max_body={limit}")


def declared_length(request: Request, limit: int) -> int | None:
    """Refuse up front when Content-Length already says the body is too large."""
    raw = request.headers.get("content-length")
    if raw is None:
        return None
    try:
        length = int(raw)
    except ValueError:
        raise InputError("bad Content-Length header", detail=raw) from None
    if length > limit:
        raise _too_large(limit)
    return length


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, refused with 413 as soon as it passes ``limit`` bytes."""
    declared_length(request, limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


async def spool_body(request: Request, limit: int, out: IO[bytes]) -> int:
    """Copy the body into ``out`` (a temp file) under the same limit; returns the byte count."""
    declared_length(request, limit)
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        out.write(chunk)
    out.flush()
    return size


class _QueueWriter(io.RawIOBase):
    """A write-only binary file that hands each write to a bounded queue (wrappable in TextIOWrapper)."""

    def __init__(self, q: queue.Queue[bytes | BaseException | None], cancelled: threading.Event) -> None:
        super().__init__()
        self._q = q
        self._cancelled = cancelled

    def write(self, data: str | bytes) -> int:  # type: ignore[override]
        if self._cancelled.is_set():
            raise BrokenPipeError("client went away")
        chunk = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        if chunk:
            while True:
                try:
                    self._q.put(chunk, timeout=0.5)
                    break
                except queue.Full:
                    if self._cancelled.is_set():
                        raise BrokenPipeError("client went away") from None
        return len(data)

    def writable(self) -> bool:
        return True


async def stream_writer(produce: Callable[[Any], object]) -> AsyncIterator[bytes]:
    """Run ``produce(file)`` in a thread and yield what it writes, in order."""
    q: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=64)
    cancelled = threading.Event()

    def run() -> None:
        try:
            produce(_QueueWriter(q, cancelled))
        except BaseException as e:  # handed to the consumer, which re-raises it
            with contextlib.suppress(queue.Full):
                q.put(e, timeout=5)
            return
        with contextlib.suppress(queue.Full):
            q.put(None, timeout=5)

    worker = threading.Thread(target=run, name="vnnews-export", daemon=True)
    worker.start()
    try:
        while True:
            item = await asyncio.to_thread(q.get)
            if item is None:
                break
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        cancelled.set()
