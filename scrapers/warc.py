"""WARC output: every exchange as request + response, 304s as revisits, a warcinfo per file.

warcio's ``capture_http`` cannot see httpx, so records are built here from the bytes the fetcher
kept. Each record is its own gzip member and every exchange is flushed and fsynced before the
frontier marks the URL done: after ``kill -9`` a URL marked fetched always has its bytes on disk.

warcio builds every record; a request/response pair is built into memory first, so an exchange is
one ``write`` under the lock and a big page never holds up another writer.
A file being written when the process died may end in a half record; :func:`repair_tail` cuts it
back to the last complete record so every file passes ``warcio check``.
"""

from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from scrapers.fetch import CRAWLER_NAME, CRAWLER_VERSION, Exchange

REVISIT_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
_HOP_BY_HOP = {"transfer-encoding", "connection", "keep-alive"}


@dataclass(slots=True, frozen=True)
class Stored:
    """Where a response record landed, and what a later revisit must refer to."""

    path: str
    offset: int
    record_id: str
    date: str
    payload_digest: str


def _warc_date(dt: datetime) -> str:
    return dt.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


class WarcWriter:
    """Writes gzip WARC files ``<prefix>-<stamp>-<seq>.warc.gz`` in ``directory``, rotating by size.

    A new file is started for every writer (= every crawl run), so a run never appends to a file a
    killed run left behind.
    """

    def __init__(self, directory: str | Path, *, prefix: str = "vnnews", max_bytes: int = 1024**3,
                 info: dict[str, str] | None = None, sync: bool = True) -> None:
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.prefix = prefix
        self.max_bytes = max_bytes
        self.info = info or {}
        self.sync = sync
        self.stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        self.seq = 0
        self.files: list[str] = []
        self._fh = None
        self._writer: WARCWriter | None = None
        self._lock = threading.Lock()  # records of one exchange stay together, whoever writes
        self.written = 0  # writes so far; :meth:`sync` takes one as "durable up to here"
        self._synced = 0

    @property
    def current(self) -> str | None:
        return self.files[-1] if self._fh is not None else None

    def _open(self) -> None:
        self.seq += 1
        name = f"{self.prefix}-{self.stamp}-{os.getpid()}-{self.seq:05d}.warc.gz"
        path = self.dir / name
        self._fh = open(path, "xb")  # noqa: SIM115 - lives until rotation/close
        self._writer = WARCWriter(self._fh, gzip=True, warc_version="1.1")
        info = {
            "software": f"{CRAWLER_NAME}/{CRAWLER_VERSION} (vnnews, httpx, warcio)",
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "hostname": socket.gethostname(),
            **self.info,
        }
        self._writer.write_record(self._writer.create_warcinfo_record(name, info))
        self.files.append(str(path))

    def _ensure(self) -> WARCWriter:
        if self._fh is None or self._writer is None:
            self._open()
        elif self._fh.tell() >= self.max_bytes:
            self._close()
            self._open()
        assert self._writer is not None
        return self._writer

    def _commit(self, sync: bool | None = None) -> None:
        assert self._fh is not None
        self._fh.flush()
        self.written += 1
        if self.sync if sync is None else sync:
            os.fsync(self._fh.fileno())
            self._synced = self.written

    def sync_through(self, mark: int) -> None:
        """fsync, unless an fsync since write number ``mark`` already made it durable.

        For writes made with ``sync=False``: the crawler writes on its event loop and waits for
        this in a thread, and concurrent pages share one fsync. The file is synced through a
        duplicate descriptor, outside the lock, so writers never wait for the disk; a file
        rotated away in the meantime was fsynced when it was closed."""
        with self._lock:
            if self._synced >= mark or self._fh is None:
                return
            fd, upto = os.dup(self._fh.fileno()), self.written
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        with self._lock:
            self._synced = max(self._synced, upto)

    @classmethod
    def _http_headers(cls, ex: Exchange) -> StatusAndHeaders:
        return StatusAndHeaders(f"{ex.status} {ex.reason}".strip(), cls._response_headers(ex),
                                protocol=ex.http_version)

    def write_exchanges(self, exchanges: list[Exchange], *, sync: bool | None = None) -> list[Stored]:
        """request + response for each exchange (redirect hops included), then flush and fsync
        (``sync=False``: no fsync yet, see :meth:`sync_through`). Records are compressed before
        the lock is taken, so a big page never holds up another writer."""
        built = [self._records(ex) for ex in exchanges]
        with self._lock:
            self._ensure()
            assert self._fh is not None
            offset, path = self._fh.tell(), self.files[-1]
            stored: list[Stored] = []
            for response, request, rid, date, digest in built:
                stored.append(Stored(path, offset, rid, date, digest))
                offset += len(response) + len(request)
            self._fh.write(b"".join(part for b in built for part in b[:2]))
            self._commit(sync)
        return stored

    def _records(self, ex: Exchange) -> tuple[bytes, bytes, str, str, str]:
        """(response member, request member, response record id, WARC-Date, payload digest), built by
        warcio into memory, so the file gets one write per exchange under the lock."""
        date = _warc_date(ex.date)
        extra = {"WARC-Date": date}
        if ex.ip:
            extra["WARC-IP-Address"] = ex.ip
        if ex.truncated:
            extra["WARC-Truncated"] = "length"
        out = BytesIO()
        writer = WARCWriter(out, gzip=True, warc_version="1.1")
        response = writer.create_warc_record(ex.url, "response", payload=BytesIO(ex.raw_body),
                                             length=len(ex.raw_body), http_headers=self._http_headers(ex),
                                             warc_headers_dict=extra)
        rid = response.rec_headers.get_header("WARC-Record-ID")
        request = self._request_record(writer, ex, date, rid)
        writer.write_record(response)
        split = out.tell()
        writer.write_record(request)
        data = out.getvalue()
        return data[:split], data[split:], rid, date, response.rec_headers.get_header("WARC-Payload-Digest")

    @staticmethod
    def _request_record(writer: WARCWriter, ex: Exchange, date: str, concurrent_to: str):
        """The request that answer ``concurrent_to`` (a response or a revisit) was given for."""
        return writer.create_warc_record(
            ex.url, "request", payload=BytesIO(b""), length=0,
            http_headers=StatusAndHeaders(f"GET {ex.request_target} {ex.http_version}", ex.request_headers,
                                          is_http_request=True),
            warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": concurrent_to})

    @staticmethod
    def _response_headers(ex: Exchange) -> list[tuple[str, str]]:
        # The body is stored de-chunked: say so with a true length.
        headers = [(k, v) for k, v in ex.response_headers
                   if k.lower() not in _HOP_BY_HOP and k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(ex.raw_body))))
        return headers

    def write_revisit(self, ex: Exchange, *, refers_to: Stored | None, refers_to_uri: str,
                      payload_digest: str, sync: bool | None = None) -> Stored:
        """A 304 answer to a conditional GET: a revisit (server-not-modified) plus its request."""
        with self._lock:
            return self._write_revisit(ex, refers_to, refers_to_uri, payload_digest, sync)

    def _write_revisit(self, ex: Exchange, refers_to: Stored | None, refers_to_uri: str,
                       payload_digest: str, sync: bool | None) -> Stored:
        writer = self._ensure()
        assert self._fh is not None
        date = _warc_date(ex.date)
        extra = {"WARC-Date": date}
        if refers_to is not None and refers_to.record_id:
            extra["WARC-Refers-To"] = refers_to.record_id
        revisit = writer.create_revisit_record(
            ex.url, payload_digest, refers_to_uri, refers_to.date if refers_to else date,
            http_headers=self._http_headers(ex), warc_headers_dict=extra)
        # warcio names the identical-payload profile; a 304 is the server-not-modified kind.
        revisit.rec_headers.replace_header("WARC-Profile", REVISIT_NOT_MODIFIED)
        rid = revisit.rec_headers.get_header("WARC-Record-ID")
        request = self._request_record(writer, ex, date, rid)
        offset = self._fh.tell()
        writer.write_record(revisit)
        writer.write_record(request)
        self._commit(sync)
        return Stored(self.files[-1], offset, rid, date, payload_digest)

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._fh is not None:
            self._commit()
            self._fh.close()
            self._fh = None
            self._writer = None


def repair_tail(path: str | Path) -> int:
    """Cut a WARC back to its last complete record; returns the bytes removed (0 if intact)."""
    path = Path(path)
    size = path.stat().st_size
    good_end = 0
    try:
        with open(path, "rb") as fh:
            it = ArchiveIterator(fh, no_record_parse=False)
            for record in it:
                record.content_stream().read()
                it.read_to_end(record)
                good_end = it.get_record_offset() + it.get_record_length()
    except Exception:  # noqa: BLE001 - any parse failure means: the tail starts at good_end
        pass
    if good_end == 0:
        path.unlink()  # not even the warcinfo made it: nothing worth keeping
        return size
    if good_end < size:
        with open(path, "r+b") as fh:
            fh.truncate(good_end)
            fh.flush()
            os.fsync(fh.fileno())
        return size - good_end
    return 0
