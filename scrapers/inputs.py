"""Read the pages a user hands us — HTML files, WARC/WARC.gz files, stdin — as :class:`Page` objects.

``vnnews extract``, ``ingest`` and ``reextract`` all go through here, so "what counts as a page"
is decided once. A file that cannot be read becomes an :class:`InputFailure` carrying the reason
and the caller carries on with the next input: one bad file never hides the good ones.
"""

from __future__ import annotations

import io
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

MAX_INPUT_BYTES = 64 * 1024 * 1024  # far above any real article page; keeps a stray ISO image out


@dataclass(frozen=True, slots=True)
class Page:
    origin: str  # where it came from, for messages: a path, "-", or "path#offset"
    body: bytes
    url: str | None = None
    http_charset: str | None = None
    fetched_at: str | None = None
    warc_path: str | None = None
    warc_offset: int | None = None


@dataclass(frozen=True, slots=True)
class InputFailure:
    origin: str
    message: str


def charset_of(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    if not content_type:
        return None
    msg = Message()
    msg["content-type"] = content_type
    charset = msg.get_param("charset")
    return charset.strip().lower() if isinstance(charset, str) and charset.strip() else None


def is_warc(path: str) -> bool:
    name = path.lower()
    return name.endswith((".warc", ".warc.gz", ".arc", ".arc.gz"))


def iter_inputs(paths: Iterable[str], *, url: str | None = None,
                stdin: BinaryIO | None = None) -> Iterator[Page | InputFailure]:
    """Every page of every input, in input order. ``url`` applies to a single HTML input."""
    for path in paths:
        if path == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            body = stream.read(MAX_INPUT_BYTES + 1)
            if len(body) > MAX_INPUT_BYTES:
                yield InputFailure("-", f"stdin: larger than {MAX_INPUT_BYTES // 2**20} MB")
            else:
                yield Page("-", body, url=url)
        elif is_warc(path):
            yield from iter_warc(path)
        else:
            yield _read_file(path, url)


def _read_file(path: str, url: str | None) -> Page | InputFailure:
    p = Path(path)
    try:
        if p.is_dir():
            return InputFailure(path, f"{path}: is a directory")
        if p.stat().st_size > MAX_INPUT_BYTES:
            return InputFailure(path, f"{path}: larger than {MAX_INPUT_BYTES // 2**20} MB")
        return Page(path, p.read_bytes(), url=url)
    except OSError as e:
        return InputFailure(path, f"{path}: {e.strerror or e}")


def iter_warc(path: str, *, offsets: Iterable[int] | None = None) -> Iterator[Page | InputFailure]:
    """HTML ``response`` records of a WARC, in file order.

    A corrupt record becomes an :class:`InputFailure` naming its offset, and reading resumes at the
    next record boundary, so one damaged record does not hide the pages after it. A .warc.gz is read
    one gzip member (= one record, by WARC convention) at a time, so damage stays inside its member.
    """
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed in finally; generator must keep it open
    except OSError as e:
        yield InputFailure(path, f"{path}: {e.strerror or e}")
        return
    wanted = set(offsets) if offsets is not None else None
    try:
        gz = fh.read(2) == b"\x1f\x8b"
        fh.seek(0)
        for item in (_iter_gzip(path, fh) if gz else _iter_plain(path, fh)):
            if isinstance(item, Page) and wanted is not None and item.warc_offset not in wanted:
                continue
            yield item
    finally:
        fh.close()


_ERRORS = (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error)


def _reason(e: BaseException) -> str:
    reason = str(e).splitlines()[0][:120] if str(e) else ""
    if not reason or not reason.isascii() or not reason.isprintable():
        reason = {"ArchiveLoadFailed": "unreadable record header"}.get(type(e).__name__, type(e).__name__)
    return reason


def _iter_gzip(path: str, fh: BinaryIO) -> Iterator[Page | InputFailure]:
    for start, data in _gzip_members(fh):
        if isinstance(data, BaseException):
            nxt = _next_boundary(fh, start + 1)
            yield InputFailure(path, f"{path}: corrupt WARC record at offset {start} ({_reason(data)})"
                                     + ("; skipped to the next record" if nxt is not None else ""))
            continue
        it = _QuietIterator(io.BytesIO(data))
        try:
            for record in it:
                page = _warc_page(path, record)  # payload first: get_record_offset() consumes it
                offset = start + it.get_record_offset()
                if page is not None:
                    yield Page(f"{path}#{offset}", page[0], url=page[1], http_charset=page[2], fetched_at=page[3],
                               warc_path=path, warc_offset=offset)
            if it.err_count:
                yield InputFailure(path, f"{path}: WARC record at offset {start} has a wrong Content-Length")
        except _ERRORS as e:
            yield InputFailure(path, f"{path}: corrupt WARC record at offset {start} ({_reason(e)})")


def _gzip_members(fh: BinaryIO, chunk: int = 1 << 20) -> Iterator[tuple[int, bytes | BaseException]]:
    """(file offset, decompressed bytes or the error) of each gzip member; after a damaged member
    reading resumes at the next gzip header."""
    pos = 0
    pending = b""
    while True:
        if not pending:
            fh.seek(pos)
            pending = fh.read(chunk)
            if not pending:
                return
        d = zlib.decompressobj(wbits=31)
        out: list[bytes] = []
        fed = 0
        size = 0
        try:
            data = pending
            while True:
                piece = d.decompress(data)
                size += len(piece)
                if size > 4 * MAX_INPUT_BYTES:
                    raise ValueError("gzip member larger than any page")
                out.append(piece)
                fed += len(data)
                if d.eof:
                    break
                data = fh.read(chunk)
                if not data:
                    raise EOFError("gzip member cut off")
        except (zlib.error, EOFError, ValueError) as e:
            yield pos, e
            nxt = _next_boundary(fh, pos + 1)
            if nxt is None:
                return
            pos, pending = nxt, b""
            continue
        yield pos, b"".join(out)
        rest = d.unused_data
        pos += fed - len(rest)
        pending = rest
        fh.seek(pos + len(pending))


def _iter_plain(path: str, fh: BinaryIO) -> Iterator[Page | InputFailure]:
    base = 0
    seen = False
    while True:
        fh.seek(base)
        it = _QuietIterator(fh)
        last = base
        try:
            for record in it:
                page = _warc_page(path, record)  # payload first: get_record_offset() consumes it
                offset = base + it.get_record_offset()
                last, seen = offset, True
                if page is not None:
                    yield Page(f"{path}#{offset}", page[0], url=page[1], http_charset=page[2], fetched_at=page[3],
                               warc_path=path, warc_offset=offset)
            if it.err_count:
                yield InputFailure(path, f"{path}: {it.err_count} WARC record(s) with a wrong Content-Length")
            return
        except _ERRORS as e:
            nxt = _next_boundary(fh, last + 1)
            where = f"after offset {last}" if seen else f"at offset {base}"
            yield InputFailure(path, f"{path}: corrupt WARC record {where} ({_reason(e)})"
                                     + ("; skipped to the next record" if nxt is not None else ""))
            if nxt is None or nxt <= base:
                return
            base = nxt


class _QuietIterator(ArchiveIterator):
    """warcio writes a multi-line warning with raw bytes to stderr for a bad Content-Length; we
    report damage ourselves, one line per file."""

    INC_RECORD = ""


def _warc_page(path: str, record) -> tuple[bytes, str | None, str | None, str | None] | None:
    if record.rec_type != "response":
        return None
    ctype = record.http_headers.get_header("Content-Type") if record.http_headers else None
    if ctype and "html" not in ctype.lower():  # text/html, application/xhtml+xml; not sitemaps/feeds
        return None
    status = record.http_headers.get_statuscode() if record.http_headers else "200"
    if status and not status.startswith("2"):
        return None
    body = record.content_stream().read()
    return (body, record.rec_headers.get_header("WARC-Target-URI"), charset_of(ctype),
            record.rec_headers.get_header("WARC-Date"))


def _next_boundary(fh: BinaryIO, start: int) -> int | None:
    """Offset of the next record start at or after ``start``: a gzip member or a WARC/ARC header line."""
    fh.seek(0)
    gz = fh.read(2) == b"\x1f\x8b"
    marker = b"\x1f\x8b\x08" if gz else b"\nWARC/1."
    fh.seek(start)
    chunk_start = start
    tail = b""
    while True:
        chunk = fh.read(1 << 20)
        if not chunk:
            return None
        data = tail + chunk
        i = data.find(marker)
        if i != -1:
            pos = chunk_start - len(tail) + i
            return pos if gz else pos + 1
        tail = data[-(len(marker) - 1):]
        chunk_start += len(chunk)


@dataclass(frozen=True, slots=True)
class GoldPage:
    """One corpus page with its gold answers (corpus/pages/<slug>.html + corpus/gold/<slug>.json)."""

    slug: str
    body: bytes
    gold: dict
    url: str | None = None
    http_charset: str | None = None


def iter_corpus(directory: str | Path) -> Iterator[GoldPage]:
    """Every gold-annotated page of a corpus directory, in slug order.

    Raises :class:`models.errors.InputError` when the directory has no pages/ and gold/ pair,
    so ``vnnews eval`` on a wrong path fails with one clear line.
    """
    import json

    from models.errors import InputError

    root = Path(directory)
    pages, gold = root / "pages", root / "gold"
    if not pages.is_dir() or not gold.is_dir():
        raise InputError(f"{root}: not a corpus directory (needs pages/ and gold/)")
    for g in sorted(gold.glob("*.json")):
        page = pages / f"{g.stem}.html"
        if not page.is_file():
            continue
        try:
            data = json.loads(g.read_text("utf-8"))
        except (OSError, ValueError) as e:
            raise InputError(f"{g}: unreadable gold JSON ({e})") from e
        yield GoldPage(g.stem, page.read_bytes(), data, data.get("url"), data.get("http_charset"))
