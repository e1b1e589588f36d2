"""Vietnamese text normalisation shared by extraction, matching and search.

Portals mix NFC and NFD, and two tone-placement conventions ("hoà"/"hòa", "uỷ"/"ủy"). Matching
and search only work if every stage sees one form, so everything goes through :func:`normalize`
before any comparison. We keep the *classic* placement ("hòa", "ủy"): it is what most government
text and the official gazetteer use.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below
# In NFD: an open syllable ending in o+a / o+e / u+y with the tone on the last vowel ("hoà", "uỷ").
# "qu" + y ("quý") is a consonant cluster, so the tone legitimately sits on y and is left alone.
_NEW_STYLE = re.compile(
    r"(?<![^\W\d_])"  # start of a word
    r"([^\W\d_]*?)"  # onset
    r"(?:(?<![qQ])([uU])([yY])|([oO])([aAeE]))"
    r"([" + _TONES + r"])"
    r"(?![^\W\d_]|[\u0300-\u036f])"  # nothing after: an open syllable
)
_SPACES = re.compile(r"[\u00a0\u2007\u202f\u200b\u2060\ufeff\t\x0b\x0c]")
_DD = str.maketrans({"đ": "d", "Đ": "D"})


def _move_tone(m: re.Match[str]) -> str:
    onset, u, y, o, a, tone = m.groups()
    first, second = (u, y) if u else (o, a)
    return f"{onset}{first}{tone}{second}"


def normalize_reference(text: str) -> str:
    """The definition of :func:`normalize`: decompose everything, move tones, recompose.

    About 1 ms per KB, so :func:`normalize` only sends it the words it can change; tests check
    the two agree.
    """
    if not text:
        return text
    decomposed = unicodedata.normalize("NFD", text)
    decomposed = _NEW_STYLE.sub(_move_tone, decomposed)
    text = unicodedata.normalize("NFC", decomposed)
    return _SPACES.sub(lambda m: "" if m.group() in _INVISIBLE else " ", text)


# Toned vowels that carry the tone in the "new" placement after o / u (hoà, thoả, khoẻ, uỷ): in NFC
# text these are the only words tone placement can change.
_AFTER_O = "àáảãạèéẻẽẹÀÁẢÃẠÈÉẺẼẸ"
_AFTER_U = "ỳýỷỹỵỲÝỶỸỴ"
_INVISIBLE = "\u200b\u2060\ufeff"


def normalize(text: str) -> str:
    """NFC, classic tone placement, and ordinary spaces instead of NBSP/zero-width marks.

    Runs on every article and every query, so the tone rule (which only ever touches single
    words) is applied just to the words that can change, found with C-speed ``str.find``.
    """
    if not text:
        return text
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    hits: list[int] = []
    for chars, before in ((_AFTER_O, "oO"), (_AFTER_U, "uU")):
        for ch in chars:
            i = text.find(ch, 1)
            while i != -1:
                if text[i - 1] in before:
                    hits.append(i)
                i = text.find(ch, i + 1)
    if hits:
        parts: list[str] = []
        last = 0
        for i in sorted(hits):
            if i < last:
                continue  # same word as the previous hit
            start, end = i, i + 1
            while start > last and text[start - 1].isalpha():
                start -= 1
            while end < len(text) and text[end].isalpha():
                end += 1
            parts.append(text[last:start])
            parts.append(_normalize_word(text[start:end]))
            last = end
        parts.append(text[last:])
        text = "".join(parts)
    if _SPACES.search(text):
        text = _SPACES.sub(lambda m: "" if m.group() in _INVISIBLE else " ", text)
    return text


@lru_cache(maxsize=8192)
def _normalize_word(word: str) -> str:
    return normalize_reference(word)


def fold(text: str) -> str:
    """Lower-case, strip every diacritic and map đ -> d: the form search indexes and queries share."""
    decomposed = unicodedata.normalize("NFD", text.translate(_DD))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


_TRACKING = re.compile(r"^(utm_|fbclid$|gclid$|zarsrc$|zalo|_ga$)", re.I)


def canonical_url(url: str) -> str:
    """A stable spelling of a URL: lower-case scheme and host, no default port, no fragment,
    tracking parameters dropped, remaining query sorted. Record ids and frontier dedupe use it."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    if parts.username:
        host = f"{parts.username}@{host}"
    path = parts.path or "/"
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not _TRACKING.match(k)))
    return urlunsplit((scheme, host, path, query, ""))
