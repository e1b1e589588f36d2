"""A real HTTP/1.1 server on a loopback address for tests, with faults on demand.

Each :class:`LocalServer` listens on its own address (127.0.0.1, 127.0.0.2, ... all reach lo on
Linux), runs its own asyncio loop in a daemon thread, and records every request it receives
(:attr:`LocalServer.hits`, with server-side monotonic timestamps) and the largest number of requests
it ever had in flight at once. A handler maps a :class:`Request` to a :class:`Reply`; a reply can
delay its headers (timeouts), drip its body (``chunk_delay``), stream a lazily generated body of
any size, or reset the connection. Stable API: other test modules import it.

    with LocalServer(lambda req: Reply(body=b"<html>hi</html>")) as srv:
        httpx.get(srv.url("/"))
        assert srv.hits[0].path == "/"
"""

from __future__ import annotations

import asyncio
import inspect
import socket
import struct
import threading
import time
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit


@dataclass(slots=True)
class Request:
    method: str
    target: str  # as sent: path + query
    headers: dict[str, str]  # lower-case names
    body: bytes = b""

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.target).query)


@dataclass(slots=True)
class Reply:
    status: int = 200
    body: bytes | str | Iterable[bytes] | AsyncIterable[bytes] = b""
    content_type: str | None = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)
    length: int | None = None  # Content-Length for a streamed body (else chunked)
    delay: float = 0.0  # before the status line
    chunk_delay: float = 0.0  # between body chunks
    reset: bool = False  # abort the connection (TCP RST) instead of answering
    close: bool = False  # close the connection after this reply


@dataclass(slots=True, frozen=True)
class Hit:
    at: float  # time.monotonic() when the request head was read
    method: str
    target: str
    headers: dict[str, str]

    @property
    def path(self) -> str:
        return urlsplit(self.target).path


Handler = Callable[[Request], Reply | Awaitable[Reply]]

_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 304: "Not Modified", 307: "Temporary Redirect",
            308: "Permanent Redirect", 403: "Forbidden", 404: "Not Found", 429: "Too Many Requests",
            500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


class LocalServer:
    def __init__(self, handler: Handler, host: str = "127.0.0.1", port: int = 0) -> None:
        if not host.startswith("127.") and host != "::1":
            raise ValueError("tests talk only to loopback")
        self.handler = handler
        self.host = host
        self.port = port
        self.hits: list[Hit] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.connections = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True, name=f"http-{host}")
        self._server: asyncio.Server | None = None
        self._lock = threading.Lock()

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> LocalServer:
        self._thread.start()
        fut = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._conn, self.host, self.port, reuse_address=True), self._loop)
        self._server = fut.result(10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        async def _close() -> None:
            if self._server is not None:
                self._server.close()
                for task in asyncio.all_tasks():
                    if task is not asyncio.current_task():
                        task.cancel()

        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(_close(), self._loop).result(10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base + path

    def hits_for(self, path: str) -> list[Hit]:
        return [h for h in self.hits if h.target == path or h.path == path]

    # -- protocol -------------------------------------------------------------------------------

    async def _conn(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                line = await reader.readline()
                if not line or not line.strip():
                    break
                try:
                    method, target, _version = line.decode("latin-1").split()
                except ValueError:
                    break
                headers: dict[str, str] = {}
                while True:
                    h = await reader.readline()
                    if h in (b"\r\n", b"\n", b""):
                        break
                    k, _, v = h.decode("latin-1").partition(":")
                    headers[k.strip().lower()] = v.strip()
                body = b""
                if headers.get("content-length", "").isdigit():
                    body = await reader.readexactly(int(headers["content-length"]))
                with self._lock:
                    self.hits.append(Hit(time.monotonic(), method, target, headers))
                    self.in_flight += 1
                    self.max_in_flight = max(self.max_in_flight, self.in_flight)
                try:
                    keep = await self._answer(Request(method, target, headers, body), writer)
                finally:
                    with self._lock:
                        self.in_flight -= 1
                if not keep or headers.get("connection", "").lower() == "close":
                    break
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            try:
                writer.close()
            except RuntimeError:
                pass

    async def _answer(self, req: Request, writer: asyncio.StreamWriter) -> bool:
        reply = self.handler(req)
        if inspect.isawaitable(reply):
            reply = await reply
        assert isinstance(reply, Reply)
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.reset:
            sock = writer.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
            return False
        head = [f"HTTP/1.1 {reply.status} {_REASONS.get(reply.status, 'Status')}"]
        if reply.content_type:
            head.append(f"Content-Type: {reply.content_type}")
        head += [f"{k}: {v}" for k, v in reply.headers]
        body = reply.body.encode("utf-8") if isinstance(reply.body, str) else reply.body
        if isinstance(body, bytes | bytearray):
            head.append(f"Content-Length: {len(body)}")
            chunks: Iterable[bytes] | AsyncIterable[bytes] = [bytes(body)] if body else []
            chunked = False
        else:
            chunks = body
            chunked = reply.length is None
            head.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {reply.length}")
        if reply.close:
            head.append("Connection: close")
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        await writer.drain()
        if isinstance(chunks, AsyncIterable):
            async for chunk in chunks:
                await self._send(writer, chunk, chunked, reply.chunk_delay)
        else:
            for chunk in chunks:
                await self._send(writer, chunk, chunked, reply.chunk_delay)
        if chunked:
            writer.write(b"0\r\n\r\n")
        await writer.drain()
        return not reply.close

    @staticmethod
    async def _send(writer: asyncio.StreamWriter, chunk: bytes, chunked: bool, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        if chunked:
            writer.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        else:
            writer.write(chunk)
        await writer.drain()


class lazy_bytes:  # noqa: N801 - reads like the function it replaces
    """``total`` bytes generated chunk by chunk on each iteration, never held in memory at once.

    Re-iterable, so one Reply can answer many requests; ``sent`` counts bytes actually yielded."""

    def __init__(self, total: int, chunk: int = 64 * 1024) -> None:
        self.total, self.chunk, self.sent = total, chunk, 0

    def __iter__(self) -> Iterator[bytes]:
        block = b"<p>" + b"x" * (self.chunk - 8) + b"</p>\n"
        done = 0
        while done < self.total:
            piece = block[: min(self.chunk, self.total - done)]
            done += len(piece)
            self.sent += len(piece)
            yield piece
