"""Vietnamese numerals: digits with thousands dots, number words, and the way back.

Reports write "1.234 đảng viên" (dot = thousands), "90,26%" (comma = decimal), "09 chi bộ" (leading
zero), or spell counts out ("mười lăm", "hai mươi mốt", "một trăm linh năm", "một nghìn hai trăm").
Word forms change with position ("một"/"mốt", "bốn"/"tư", "năm"/"lăm"/"nhăm"), so parsing works on
folded syllables (no diacritics) where those spellings collapse into a small table.
"""

from __future__ import annotations

import re

from extractor.folding import fold

_UNITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]

# Folded syllable -> digit. "lam"/"nham" (5), "mot" (1 after mươi), "tu" (4 after mươi) are position
# variants; "bay"/"bay" and "bon" cover the "bẩy" and "bốn" spellings once folded.
_DIGIT = {"khong": 0, "mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "lam": 5, "nham": 5,
          "sau": 6, "bay": 7, "tam": 8, "chin": 9, "linh": None, "le": None}
_TENS_WORDS = {"muoi"}  # "mười" and "mươi" fold alike; "mười" starts a teen only at group start
_SCALE = {"nghin": 1000, "ngan": 1000, "trieu": 1_000_000}
NUMBER_SYLLABLES = frozenset(set(_DIGIT) | _TENS_WORDS | {"tram"} | set(_SCALE))

_DIGITS_RE = re.compile(r"^0*(\d{1,3}(?:\.\d{3})+|\d+)$")


def parse_digits(token: str) -> int | None:
    """Integer value of a digit token: "1.234" -> 1234, "09" -> 9, "120" -> 120.

    Decimal commas ("90,26") and ratios/dates ("25/32", "19-5") are not counts: None.
    """
    m = _DIGITS_RE.match(token)
    if not m:
        return None
    return int(m.group(1).replace(".", ""))


def _group(sylls: list[str]) -> int | None:
    """Value of a group below 1000 written in folded syllables, None if it is not well formed."""
    if not sylls:
        return None
    value = 0
    i = 0
    if len(sylls) >= 2 and sylls[1] == "tram":
        d = _DIGIT.get(sylls[0])
        if d is None:
            return None
        value = d * 100
        i = 2
        if i == len(sylls):
            return value
        if sylls[i] in ("linh", "le"):
            if i + 2 != len(sylls):
                return None
            d = _DIGIT.get(sylls[i + 1])
            if d is None or d == 0:
                return None
            return value + d
    rest = sylls[i:]
    if not rest:
        return value
    if rest[0] == "muoi":  # mười + unit
        if len(rest) == 1:
            return value + 10
        if len(rest) == 2 and rest[1] != "tu":
            d = _DIGIT.get(rest[1])
            if d is None or d == 0:
                return None
            return value + 10 + d
        return None
    if len(rest) >= 2 and rest[1] == "muoi":
        d = _DIGIT.get(rest[0])
        if d is None or d < 2:
            return None
        value += d * 10
        if len(rest) == 2:
            return value
        if len(rest) == 3:
            u = _DIGIT.get(rest[2])
            if u is None or u == 0:
                return None
            return value + u
        return None
    if len(rest) == 1 and i == 0:
        d = _DIGIT.get(rest[0])
        return None if d is None or rest[0] in ("tu", "lam", "nham") else d
    return None


def parse_words(words: str | list[str]) -> int | None:
    """Value of a spelled-out number ("hai mươi mốt" -> 21, "một nghìn hai trăm" -> 1200), else None."""
    sylls = fold(words).split() if isinstance(words, str) else [fold(w) for w in words]
    if not sylls:
        return None
    total = 0
    current: list[str] = []
    last_scale = None
    for s in sylls:
        if s in _SCALE:
            scale = _SCALE[s]
            if last_scale is not None and scale >= last_scale:
                return None
            g = _group(current) if current else None
            if g is None:
                return None
            total += g * scale
            last_scale = scale
            current = []
        elif s in NUMBER_SYLLABLES:
            current.append(s)
        else:
            return None
    if current:
        if last_scale is not None and current[:1] == ["khong"] and current[1:2] == ["tram"]:
            current = current[2:]
            if current[:1] in (["linh"], ["le"]):
                current = current[1:]
        g = _group(current)
        if g is None:
            return None
        total += g
    return total


def _below_thousand(n: int, *, full: bool) -> str:
    """Words for 0 < n < 1000; ``full`` spells the hundreds even when zero ("không trăm linh năm")."""
    h, rest = divmod(n, 100)
    parts: list[str] = []
    if h or full:
        parts += [_UNITS[h], "trăm"]
    if rest == 0:
        return " ".join(parts)
    t, u = divmod(rest, 10)
    if t == 0:
        if parts:
            parts.append("linh")
        parts.append(_UNITS[u])
    elif t == 1:
        parts.append("mười")
        if u:
            parts.append("lăm" if u == 5 else _UNITS[u])
    else:
        parts += [_UNITS[t], "mươi"]
        if u:
            parts.append({1: "mốt", 4: "tư", 5: "lăm"}.get(u, _UNITS[u]))
    return " ".join(parts)


def to_words(n: int) -> str:
    """Standard Vietnamese words for 0 <= n < 1,000,000,000 ("1005" -> "một nghìn không trăm linh năm")."""
    if n < 0 or n >= 1_000_000_000:
        raise ValueError(f"out of range: {n}")
    if n == 0:
        return "không"
    out: list[str] = []
    m, rest = divmod(n, 1_000_000)
    k, u = divmod(rest, 1000)
    if m:
        out += [_below_thousand(m, full=False), "triệu"]
    if k:
        out += [_below_thousand(k, full=bool(m)), "nghìn"]
    elif m and u:
        out += ["không", "nghìn"]
    if u:
        out.append(_below_thousand(u, full=bool(m or k)))
    return " ".join(out)
