"""Read the pages a user hands us — HTML files, WARC/WARC.gz files, stdin — as :class:`Page` objects.

``vnnews extract``, ``ingest`` and ``reextract`` all go through here, so "what counts as a page"
is decided once. A file that cannot be read becomes an :class:`InputFailure` carrying the reason
and the caller carries on with the next input: one bad file never hides the good ones.
"""

from __future__ import annotations

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
    """HTML ``response`` records of a WARC; a corrupt record ends that file with a failure."""
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed in finally; generator must keep it open
    except OSError as e:
        yield InputFailure(path, f"{path}: {e.strerror or e}")
        return
    wanted = set(offsets) if offsets is not None else None
    try:
        it = ArchiveIterator(fh)
        for record in it:
            if record.rec_type != "response":
                continue
            offset = it.get_record_offset()
            if wanted is not None and offset not in wanted:
                continue
            ctype = record.http_headers.get_header("Content-Type") if record.http_headers else None
            if ctype and "html" not in ctype.lower() and "xml" not in ctype.lower():
                continue
            status = record.http_headers.get_statuscode() if record.http_headers else "200"
            if status and not status.startswith("2"):
                continue
            body = record.content_stream().read()
            yield Page(
                f"{path}#{offset}",
                body,
                url=record.rec_headers.get_header("WARC-Target-URI"),
                http_charset=charset_of(ctype),
                fetched_at=record.rec_headers.get_header("WARC-Date"),
                warc_path=path,
                warc_offset=offset,
            )
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as e:
        yield InputFailure(path, f"{path}: corrupt WARC record ({str(e).splitlines()[0][:200] or type(e).__name__})")
    finally:
        fh.close()


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
