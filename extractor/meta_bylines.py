"""Who wrote it: bylines under the title, signatures at the end of the body, agencies credited
instead of a person (patterns/meta_bylines.toml)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bs4 import NavigableString, Tag

from extractor.clean import BLOCK_TAGS, TEXT_TYPE, Paragraph, class_tokens, squash
from extractor.folding import fold
from extractor.meta_dates import Moment, find_date, line_of, load_patterns, norm_line
from models.text import normalize


@dataclass(frozen=True, slots=True)
class _BylineData:
    prefix: re.Pattern[str]
    source_prefix: re.Pattern[str]
    unit: re.Pattern[str]
    suffix: re.Pattern[str]
    agencies: tuple[str, ...]
    agency_prefixes: tuple[str, ...]  # folded agency names + " "
    staff: frozenset[str]
    views: re.Pattern[str]


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(normalize(w)) for w in sorted(words, key=len, reverse=True))


@cache
def bylines() -> _BylineData:
    raw = load_patterns("meta_bylines.toml")
    return _BylineData(
        prefix=re.compile(rf"^(?:{_alt(raw['prefixes'])})\s*[:：]\s*", re.I),
        source_prefix=re.compile(rf"^\(?\s*(?:{_alt(raw['source_prefixes'])})\b", re.I),
        unit=re.compile(rf"(?:^|[\s,(–—-])(?:{_alt(raw['units'])})(?=$|[\s.,:;)–—-])"),
        suffix=re.compile(rf"\s*(?:{_alt(raw['suffixes'])})\s*$", re.I),
        agencies=tuple(normalize(a) for a in raw["agencies"]),
        agency_prefixes=tuple(fold(normalize(a)) + " " for a in raw["agencies"]),
        staff=frozenset(raw["staff"]),
        views=re.compile(rf"(?:{_alt(raw['views'])})\s*[:：]?\s*(\d{{1,3}}(?:[.,]\d{{3}})+|\d+)", re.I),
    )


# --- bylines -----------------------------------------------------------------------------------

_INITIALS = re.compile(r"^(?:[A-ZĐ]\.){1,3}[A-ZĐ]?\.?$")  # "T.H", "N.T.T."
_BARE_LINK = re.compile(r"(?:https?://|www\.)\S+")
_END_MARK = re.compile(r"\s*(?:\./\.|/\.|\.)\s*$")  # "./.", "/.", "." closing a credit line
_PARENS = re.compile(r"\s*\([^)]*\)\s*")
_NAME_SPLIT = re.compile(r"\s*(?:[–—,;]|\s-\s|-(?=\s*[A-ZĐ]))\s*")
_DIGIT_OR_STOP = re.compile(r"\d|[.;:!?]")
_ABBR = re.compile(r"[A-ZĐ]{2,4}")


def _name_word(w: str) -> bool:
    """A capitalised syllable ("Hằng"), an all-caps abbreviation ("PV", "HL") or initials ("T.H")."""
    core = w.rstrip(".")
    if not core or not core.isalpha():
        return bool(_INITIALS.match(w))
    if core.isupper():
        return len(core) <= 4
    return core[0].isupper() and core[1:].islower() if len(core) > 1 else core.isupper()


def _is_name(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= 6 or len(text) > 45:
        return False
    return all(_name_word(w) for w in words)


def parse_byline(line: str) -> tuple[str | None, str | None] | None:
    """(author, source) of a credit line, or None when the line is not one.

    "Tin, ảnh: Nguyễn Thị Thu Trang" -> ("Nguyễn Thị Thu Trang", None);
    "Minh Hằng (Trung tâm VH-TT&TT huyện)" -> ("Minh Hằng", None); "Theo baobacninh.vn" -> (None, "Theo baobacninh.vn").
    """
    bd = bylines()
    text = normalize(squash(line)).strip()
    if _BARE_LINK.fullmatch(text) and len(text) < 400:
        return None, text  # a bare link to the original article
    text = _END_MARK.sub("", text).strip(" .-–—")
    if not text or len(text) > 90:
        return None
    if bd.source_prefix.match(text):
        src = text.strip("()").strip()
        return (None, src) if 5 <= len(src) <= 80 else None
    if text in bd.agencies or text.strip("()") in bd.agencies:
        return None, text.strip("()")
    had_prefix = bool(bd.prefix.match(text))
    text = bd.prefix.sub("", text).strip()
    text = _PARENS.sub(" ", text).strip()  # "(Trung tâm VH-TT&TT huyện)"
    text = bd.suffix.sub("", text).strip(" .,-–—")
    names: list[str] = []
    for part in _NAME_SPLIT.split(text):
        part = part.strip(" .")
        if not part:
            continue
        m = bd.unit.search(part)
        if m is not None:
            if m.start() == 0 or not part[: m.start()].strip():
                break  # the rest is the unit: "– Đài TT Huyện"
            part = part[: m.start()].strip(" .-–—")
        if _is_name(part):
            names.append(part)
        else:
            break
    if not names:
        # "Văn phòng Huyện ủy", "Ban Biên tập": an office credited instead of a person
        if bd.unit.match(text) and len(text) <= 60 and len(text.split()) <= 7 and not _DIGIT_OR_STOP.search(text) \
                and not line.rstrip().endswith("."):
            return None, text
        return None
    if all(n in bd.agencies or fold(n).startswith(bd.agency_prefixes) for n in names):
        return None, " ".join(names)
    if len(names) == 1 and len(names[0].split()) == 1 and not had_prefix and names[0] not in bd.staff \
            and not _ABBR.fullmatch(names[0]):
        return None  # one capitalised word alone ("Hết", "Trân trọng") is not a signature
    return ", ".join(dict.fromkeys(names)), None


def signature(paras: list[Paragraph]) -> tuple[str | None, str | None, int]:
    """Credit lines at the end of the body: (author, source, how many trailing paragraphs they are)."""
    author = source = None
    used = 0
    for p in reversed(paras[-3:]):
        parsed = parse_byline(p.text)
        if parsed is None:
            break
        a, s = parsed
        plausible = p.right or p.bold or len(p.text) <= 40 or s is not None
        if not plausible:
            break
        if a and author is None:
            author = a
        if s and source is None:
            source = s
        used += 1
        if a:
            break
    return author, source, used


def leading(paras: list[Paragraph]) -> tuple[str | None, str | None, Moment | None, int]:
    """Dateline and byline opening the body ("Xã X, ngày 21 tháng 10 năm 2022", a bold name):
    (author, source, date, how many leading paragraphs they are)."""
    author = source = None
    when: Moment | None = None
    used = 0
    bd = bylines()
    for p in paras[:3]:
        text = normalize(p.text)
        hit = find_date(text) if len(text) <= 90 else None
        if hit is not None and len(text) - len(hit[1].group(0)) <= 45 and when is None:
            when = hit[0]
            used += 1
            continue
        parsed = parse_byline(text) if len(text) <= 60 else None
        if parsed and (p.bold or p.right or bd.prefix.match(text)) and author is None and source is None:
            author, source = parsed
            used += 1
            continue
        break
    return author, source, when, used


def top_byline(anchor: Tag | None) -> tuple[str | None, str | None]:
    """A credit line right under the title ("Tin, ảnh: ...", class="author")."""
    if anchor is None:
        return None, None
    bd = bylines()
    n = 0
    memo: dict[int, str] = {}
    for node in anchor.next_elements:
        if not TEXT_TYPE[type(node)]:
            continue
        raw = squash(str(node))
        if not raw:
            continue
        n += 1
        if n > 12:
            break
        line = norm_line(line_of(node, memo))
        if bd.prefix.match(line) or (node.parent is not None and {"author", "byline", "tacgia"}
                                     & _ancestor_tokens(node.parent, 3)) or _emphasised(node):
            parsed = parse_byline(line)
            if parsed:
                return parsed
    return None, None


def _emphasised(node: NavigableString) -> bool:
    """Bold or right-aligned: how portals set a byline apart when it has no label."""
    el = node.parent
    for _ in range(4):
        if el is None or el.name in BLOCK_TAGS and el.name not in ("td", "p", "div"):
            return False
        if el.name in ("b", "strong", "em", "i") or str(el.get("align", "")).lower() == "right" \
                or "right" in str(el.get("style", "")).lower().replace(" ", "").partition("text-align:")[2][:6]:
            return True
        el = el.parent
    return False


def _ancestor_tokens(el: Tag, depth: int) -> set[str]:
    out: set[str] = set()
    for _ in range(depth):
        if el is None or not isinstance(el, Tag):
            break
        out |= class_tokens(el)
        el = el.parent
    return out
