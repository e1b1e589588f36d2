"""Bytes -> text for one HTML page.

Vietnamese portals declare their encoding in every possible way and sometimes wrongly (a page
served as ISO-8859-1 that is really UTF-8, a windows-1258 page whose tone marks are combining
characters). The order follows the HTML spec's sniffing: BOM, transport charset, ``<meta>``
declaration, then a statistical guess. Whatever was chosen, the text leaves here in NFC so that
later stages never see combining marks. Input that is not an HTML page at all (PDF, images,
archives, NUL-heavy binaries) is refused with :class:`DecodeError` instead of producing garbage.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field

from charset_normalizer import from_bytes

from models.errors import DecodeError

# Magic numbers of things people hand us by mistake.
_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP/Office archive"),
    (b"\x1f\x8b", "gzip-compressed data (decompress it first)"),
    (b"\xd0\xcf\x11\xe0", "an old MS Office document"),
    (b"RIFF", "a RIFF media file"),
    (b"\x7fELF", "an executable"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# Labels browsers treat as windows-1252 (WHATWG Encoding Standard); a "latin-1" page is cp1252.
_WIN1252 = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii", "cp1252",
            "windows-1252", "x-cp1252"}
_ALIASES = {"windows-1258": "cp1258", "x-cp1258": "cp1258", "utf8": "utf-8", "unicode": "utf-8",
            "x-user-defined": "cp1252", "tcvn": "cp1258", "vietnamese": "cp1258"}


@dataclass(slots=True)
class Decoded:
    text: str
    encoding: str  # Python codec name actually used
    source: str  # "str" | "bom" | "http" | "meta" | "utf-8" | "guess" | "fallback"
    warnings: list[str] = field(default_factory=list)


def _codec(label: str | None) -> str | None:
    """Python codec for a charset label, or None when Python does not know it."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    if label in _WIN1252:
        label = "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def sniff_binary(data: bytes) -> str | None:
    """What the bytes are if they are clearly not text, else None."""
    head = data[:8]
    for magic, what in _BINARY_MAGIC:
        if head.startswith(magic):
            return what
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return None  # UTF-16/32 text is NUL-heavy by nature
    sample = data[:8192]
    if sample.count(0) > max(4, len(sample) // 100):
        return "binary data (many NUL bytes)"
    return None


def _nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _try(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode(data: bytes | str, *, http_charset: str | None = None) -> Decoded:
    """Decode one page. Raises :class:`DecodeError` for empty or non-HTML input."""
    if isinstance(data, str):
        if not data.strip():
            raise DecodeError("empty input: no HTML to extract")
        return Decoded(_nfc(data), "str", "str")
    if not data or not data.strip():
        raise DecodeError("empty input: no HTML to extract")
    what = sniff_binary(data)
    if what:
        raise DecodeError(f"not an HTML page: looks like {what}")
    warnings: list[str] = []

    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _try(data[len(bom):], codec)
            if text is not None:
                return Decoded(_nfc(text), codec, "bom")
            warnings.append(f"byte-order mark says {codec} but the bytes are not")

    looks_utf8 = _try(data, "utf-8")
    meta_label = _meta_charset(data)
    declared = [("http", http_charset), ("meta", meta_label)]
    if _codec(http_charset) == "cp1252" and _codec(meta_label) not in (None, "cp1252"):
        # "ISO-8859-1" is many servers' default, not a statement about the page; a page that
        # declares windows-1258 itself knows better.
        declared.reverse()
        warnings.append(f"http charset {http_charset!r} overridden by the page's own {meta_label!r}")
    for source, label in declared:
        if not label:
            continue
        codec = _codec(label)
        if codec is None:
            warnings.append(f"unknown {source} charset {label!r}")
            continue
        if codec == "cp1252" and looks_utf8 is not None and not data.isascii():
            # The classic mislabel: UTF-8 bytes served as ISO-8859-1. Browsers would show mojibake;
            # the bytes themselves are unambiguous, so trust them.
            warnings.append(f"{source} charset {label!r} ignored: the bytes are valid UTF-8")
            return Decoded(_nfc(looks_utf8), "utf-8", "utf-8", warnings)
        text = looks_utf8 if codec == "utf-8" else _try(data, codec)
        if text is not None:
            return Decoded(_nfc(text), codec, source, warnings)
        warnings.append(f"{source} charset {label!r} does not decode these bytes")

    if looks_utf8 is not None:
        return Decoded(_nfc(looks_utf8), "utf-8", "utf-8", warnings)
    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        codec = _codec(best.encoding) or best.encoding
        text = _try(data, codec)
        if text is not None:
            warnings.append(f"encoding guessed as {codec}")
            return Decoded(_nfc(text), codec, "guess", warnings)
    text = data.decode("utf-8", errors="replace")
    if text.count("\ufffd") > max(20, len(text) // 20):
        raise DecodeError("undecodable bytes: no charset fits and most characters are invalid")
    warnings.append("no charset fits: undecodable bytes replaced")
    return Decoded(_nfc(text), "utf-8", "fallback", warnings)


def _meta_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:4096])
    if m is None:
        m = _META_CHARSET.search(data[:65536])
    return m.group(1).decode("ascii", "replace") if m else None


