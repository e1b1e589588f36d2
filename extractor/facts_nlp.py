"""Text machinery for fact extraction: folding, sentence spans, segmentation and phrase matching.

Only sentences that pass a cheap folded-substring prefilter are word-segmented (underthesea) and
matched (spaCy ``PhraseMatcher`` over folded syllables), because segmentation costs ~1-2 ms per
sentence and most sentences of an article hold no figure at all. Within those, only windows of a
few words around a figure go through underthesea's tokenizer, and its CRF tags a window only when
a number word's word boundary decides a count (:class:`_WordStarts`). Every syllable keeps its
char offsets into the article text, so facts can point back at their evidence.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from models.text import fold, normalize

PATTERNS = Path(__file__).with_name("patterns") / "facts.toml"


def _fold_table() -> dict[int, str]:
    """Length-preserving fold for NFC text: each precomposed Latin letter maps to its base letter."""
    table: dict[int, str] = {}
    for cp in range(0x00C0, 0x2000):
        c = chr(cp)
        f = fold(c)
        if f != c and len(f) == 1:
            table[cp] = f
    for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        table[ord(c)] = c.lower()
    return table


_FOLD = _fold_table()


def fold_same_length(text: str) -> str:
    """:func:`models.text.fold` for NFC text, keeping every char at its offset (for regex offsets)."""
    return text.translate(_FOLD)


# --- sentences ------------------------------------------------------------------------------------

# A sentence ends at . ! ? … (or "/.") followed by space and an upper-case letter, digit or quote,
# and at every line break. Abbreviations that end with a dot ("TP.", "H.", "TX.", "Q.", "P.", "ThS.",
# initials) do not end a sentence.
_END = re.compile(r"(?:[.!?…]+[\"”’)]*|/\.)(?=\s+[\"“‘(]?[^\W_a-zđ]|\s*$)|\n+")
_ABBREV = re.compile(r"(?:^|[\s(])(?:TP|Tp|H|TX|Q|P|ThS|TS|PGS|GS|BS|St|[A-ZĐ])\.$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans (start, end) of the sentences of ``text``, whitespace-trimmed, in order."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        if m.group().startswith("\n"):
            end = m.start()
        else:
            if _ABBREV.search(text, max(0, m.start() - 6), m.start() + 1):
                continue
            end = m.end()
        _add(text, start, end, spans)
        start = m.end()
    _add(text, start, len(text), spans)
    return spans


_MAX_SENTENCE = 1200  # chars; longer "sentences" (tables, lists without stops) are cut at clause marks


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > _MAX_SENTENCE:
        cut = max(text.rfind(c, start, start + _MAX_SENTENCE) for c in ";, ")
        cut = cut + 1 if cut > start else start + _MAX_SENTENCE
        _add(text, start, cut, spans)
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        spans.append((start, end))


# --- syllables and matching -------------------------------------------------------------------------

_PIECE = re.compile(r"\d+(?:[.,]\d+)*|[^\W_]+|[^\w\s]")


def syllables(text: str) -> list[str]:
    """Folded syllables of a phrase, split the way sentence tokens are split."""
    return _PIECE.findall(fold_same_length(unicodedata.normalize("NFC", text)))


@dataclass
class Sentence:
    """A segmented sentence: folded syllables with their char offsets into the article text."""

    start: int
    end: int
    text: str  # the original sentence text
    sylls: list[str] = field(default_factory=list)
    orig: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    word_start: _WordStarts | list[bool] = field(default_factory=list)  # lazily segmented
    # (label, first syllable, end syllable) of every phrase match.
    matches: list[tuple[str, int, int]] = field(default_factory=list)

    def span_text(self, i: int, j: int) -> str:
        """Original text from syllable i up to (not including) syllable j."""
        return self.text[self.starts[i] - self.start:self.ends[j - 1] - self.start]


class Engine:
    """Patterns and spaCy objects, built once per process (see :func:`engine`)."""

    def __init__(self) -> None:
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Doc
        from spacy.vocab import Vocab

        self.data = tomllib.loads(PATTERNS.read_text(encoding="utf-8"))
        self._Doc = Doc
        self.vocab = Vocab()  # all an ORTH PhraseMatcher needs (spacy.blank builds a whole Language)
        self.matcher = PhraseMatcher(self.vocab)
        groups: dict[str, list[str]] = {}
        for section in ("cues", "objects"):
            for label, phrases in self.data[section].items():
                groups[f"{section[:-1]}:{label}"] = phrases
        for label in ("target", "actual_reset", "cumulative", "comparison_before"):
            groups[f"role:{label}"] = self.data["roles"][label]
        groups["breakdown"] = self.data["breakdown"]["cues"]
        groups["unit"] = self.data["units"]["after"]
        groups["title"] = self.data["badges"]["person_titles"]
        groups["single"] = self.data["badges"]["single"]
        groups["qualifier"] = self.data["qualifiers"]["words"]
        # Role words, qualifiers and person titles must match with their diacritics too: folded, "tặng" (award)
        # is "tăng" (increase) and "Nguyễn" is "nguyên" (former).
        self.exact: dict[str, set[tuple[str, ...]]] = {}
        for label, phrases in groups.items():
            docs = [Doc(self.vocab, words=list(s)) for s in {tuple(syllables(p)) for p in phrases} if s]
            self.matcher.add(label, docs)
            if label.startswith("role:") or label in ("title", "qualifier"):
                self.exact[label] = {tuple(_PIECE.findall(normalize(p).lower())) for p in phrases}
        terms = sorted({" ".join(syllables(t)) for t in self.data["prefilter"]["terms"]}, key=len, reverse=True)
        self.prefilter = re.compile("|".join(re.escape(t) for t in terms))
        self.tiers = set(self.data["badges"]["tiers"])
        # Last word of each "not a target" phrase, with its diacritics ("đạt" measures, "đặt" sets).
        self.not_target_before = frozenset(normalize(w).lower().split()[-1]
                                           for w in self.data["roles"]["not_target_before"])

    def wanted(self, folded_sentence: str) -> bool:
        """Cheap test before segmentation: a trigger term, and a count-like number that either precedes
        a counted noun ("89 đảng viên", "hai đồng chí") or closely follows a cue ("kết nạp được 5")."""
        if not self.prefilter.search(folded_sentence):
            return False
        return bool(_COUNT_NOUN.search(folded_sentence) or _CUE_COUNT.search(folded_sentence))

    def parse(self, text: str, start: int, end: int, memo: dict[str, Sentence] | None = None) -> Sentence:
        """Segment one sentence and run the phrase matcher over its syllables (``memo`` caches by text)."""
        key = text[start:end]
        rel = memo.get(key) if memo is not None else None
        if rel is None:
            rel = self._parse_text(key)
            if memo is not None:
                memo[key] = rel
        return Sentence(start=start, end=end, text=rel.text, sylls=rel.sylls, orig=rel.orig,
                        starts=[x + start for x in rel.starts], ends=[x + start for x in rel.ends],
                        word_start=rel.word_start, matches=rel.matches)

    def _parse_text(self, text: str) -> Sentence:
        sent = Sentence(start=0, end=len(text), text=text)
        # underthesea's CRF costs ~0.1 ms per syllable, so only windows of a few words around each
        # count-like figure are segmented; the rest is split on spaces, which is all the matcher needs.
        tokens = [(m.start(), m.end()) for m in _WORD.finditer(text)]
        ends = [e for _s, e in tokens]
        folded = fold_same_length(text)
        wanted = [False] * len(tokens)
        for rx, window in ((_COUNT_NOUN, _WINDOW), (_CUE_COUNT, 0)):
            for m in rx.finditer(folded):
                first = bisect_right(ends, m.start())
                last = min(bisect_left(ends, m.end()), len(tokens) - 1)
                for n in range(max(0, first - window), min(len(tokens), last + window + 1)):
                    wanted[n] = True
        starts = _WordStarts()
        orig, sylls, p_starts, p_ends = sent.orig, sent.sylls, sent.starts, sent.ends
        flags, owner = starts.flags, starts.owner
        n = 0
        while n < len(tokens):
            k = n
            while k < len(tokens) and wanted[k] == wanted[n]:
                k += 1
            lo, hi = tokens[n][0], tokens[k - 1][1]
            window = len(starts.windows)
            if not wanted[n]:
                # Split on spaces: a piece starts a word when spaces (not just "_", which no piece
                # holds) separate it from the piece before. Pieces never span a space, so matching
                # the whole stretch finds exactly the pieces of its words, in place.
                found = list(_PIECE.finditer(text, lo, hi))
                spans = [m.span() for m in found]
                orig.extend([m.group() for m in found])
                sylls.extend([folded[a:b] for a, b in spans])
                p_starts.extend([a for a, _b in spans])
                p_ends.extend([b for _a, b in spans])
                if spans:
                    flags.append(True)
                    flags.extend([text[spans[x - 1][1]:spans[x][0]].strip("_") != "" for x in range(1, len(spans))])
                owner.extend([window] * len(spans))
                n = k
                continue
            # Pieces come from underthesea's own tokenizer (what word_tokenize tags); whether a
            # piece starts a word is left to the CRF, asked only if a reader needs it.
            starts.windows.append((text, lo, hi, len(sylls)))
            cursor = lo
            for w, word in enumerate(_tokenize(text[lo:hi])):
                first_piece = True
                for piece in _PIECE.findall(word):
                    pos = text.find(piece, cursor)
                    if pos < 0:  # underthesea changed the text (rare): skip the piece, keep alignment
                        continue
                    cursor = pos + len(piece)
                    orig.append(piece)
                    sylls.append(folded[pos:cursor])
                    p_starts.append(pos)
                    p_ends.append(cursor)
                    # A token's first piece starts a word unless the CRF joins the token to the one
                    # before (never the window's first token): unknown until asked.
                    flags.append(first_piece if not first_piece or w == 0 else None)
                    owner.append(window)
                    first_piece = False
            n = k
        sent.word_start = starts
        if not sent.sylls:
            return sent
        doc = self._Doc(self.vocab, words=sent.sylls)
        found = sorted(((self.vocab.strings[k], s, e) for k, s, e in self.matcher(doc)),
                       key=lambda m: (m[1], -(m[2] - m[1])))
        # Within one family (cue, object, role, unit...) a match inside a longer one is dropped:
        # "chuyển đảng chính thức" hides "chính thức"; families overlap freely ("huy hiệu" is both a
        # badge cue and a counted object).
        reach: dict[str, int] = {}
        for label, s, e in found:
            if label in self.exact and tuple(o.lower() for o in sent.orig[s:e]) not in self.exact[label]:
                continue
            family = label.split(":")[0]
            if reach.get(family, -1) >= e:
                continue
            reach[family] = max(reach.get(family, -1), e)
            sent.matches.append((label, s, e))
        return sent


_WORD = re.compile(r"\S+")
_WINDOW = 2  # words segmented on each side of a counted figure
_NUM = r"(?:(?<![\d/.,-])(?:\d{1,3}(?:,\d{3})+(?![\d%])|\d[\d.]*(?![\d%/]|,\d|-\d))|\b(?:mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi|tram|nghin|ngan)\b)"
_COUNT_NOUN = re.compile(_NUM + r"\s+(?:[^\s,;.]+\s+){0,2}?(?:dang vien|dong chi|quan chung|nguoi|truong hop|doi tuong|"
                         r"chi bo|to chuc|huy hieu|huy chuong|ca nhan|hoc vien|d/c|dang bo|tccs|nam tuoi|tuoi dang|"
                         r"doan vien|hoi vien)")
_CUE_COUNT = re.compile(r"(?:ket nap|chinh thuc|huy hieu|tuoi dang|tong so|:|\|)\s*(?:[^\s,;.]+\s+){0,3}?" + _NUM)


def _tokenize(text: str) -> list[str]:
    """underthesea's regex tokenizer, called exactly as ``word_tokenize`` calls it: its tokens are
    the units the CRF tags, so their pieces are the pieces of the segmented words."""
    from underthesea.pipeline.word_tokenize.regex_tokenize import tokenize

    return tokenize(text, use_token_normalize=True, fixed_words=[])


def _segment_words(text: str) -> list[str]:
    from underthesea import word_tokenize

    return word_tokenize(text)


def load_segmenter() -> None:
    """Load underthesea's CRF model now. It loads on first use and not thread-safely, and since
    segmentation is lazy no particular sentence is sure to trigger it."""
    _segment_words("Đảng bộ đã kết nạp 5 đảng viên mới.")


class _WordStarts:
    """Whether each syllable of a sentence starts a word, resolved lazily.

    The CRF behind ``word_tokenize`` costs ~40 us per token and only one question needs it: does a
    number word ("năm", "ba", "tư") start a word, or is it part of one ("Hà Nam", "thứ ba")? Most
    windows never get asked, so a window is segmented on the first question about one of its
    syllables whose answer the tokenizer alone cannot give.
    """

    __slots__ = ("flags", "owner", "windows")

    def __init__(self) -> None:
        self.flags: list[bool | None] = []
        self.owner: list[int] = []  # window index of each syllable
        self.windows: list[tuple[str, int, int, int]] = []  # (text, lo, hi, first syllable)

    def __len__(self) -> int:
        return len(self.flags)

    def __getitem__(self, i: int) -> bool:
        flag = self.flags[i]
        if flag is None:
            self._resolve(self.owner[i])
            flag = self.flags[i]
        return bool(flag)

    def _resolve(self, window: int) -> None:
        """Segment one window and replay the piece walk of :meth:`Engine._parse_text` over its words."""
        text, lo, hi, k = self.windows[window]
        cursor = lo
        for word in _segment_words(text[lo:hi]):
            first_piece = True
            for piece in _PIECE.findall(word):
                pos = text.find(piece, cursor)
                if pos < 0:
                    continue
                cursor = pos + len(piece)
                self.flags[k] = first_piece
                k += 1
                first_piece = False


@cache
def engine() -> Engine:
    """The process-wide engine: TOML, vocab and matcher are built on first use only."""
    return Engine()
