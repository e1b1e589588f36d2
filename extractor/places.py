"""Place mentions and the article's subject unit, valid for the article's date.

Mentions are found on folded text (no diacritics, offsets kept) with one spaCy ``PhraseMatcher``
over every unit name of both eras; a match counts when a type word stands before it ("huyện",
"H.", "Huyện ủy", "Đảng bộ xã", "TP.", "Q.", ...), which also tells its level. Bare names count only
for provinces and, at resolution time, for units inside the site's own unit: "Gia Bình" is a
district, a thị trấn, a phường in Bình Định and a new commune, so a bare name proves little.

Resolution never guesses: a name that several units carry is kept only when the other units the
article names (its province, its district) or the site's own unit single one out.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

from models.gazetteer import (
    Gazetteer,
    Unit,
    fold_keep_offsets,
    gazetteer,
    has_diacritics,
)
from models.record import Locality
from models.text import fold, normalize

REFORM = date(2025, 7, 1)
_BODY_CHARS = 1500
_LEAD_CHARS = 400  # a body's opening: where an unannounced subject would be named

PATTERNS = Path(__file__).parent / "patterns" / "places.toml"


def _load_type_words() -> tuple[list, dict, dict, frozenset, dict]:
    """extractor/patterns/places.toml -> the look-up tables the prefix reader uses."""
    data = tomllib.loads(PATTERNS.read_text(encoding="utf-8"))
    types, committees, abbrevs, names = [], {}, {}, {}
    for t in data["type"]:
        folded = fold(t["words"])
        types.append((tuple(folded.split()), tuple(t["levels"]), t["words"]))
        names[folded] = tuple(t["types"])
    for c in data["committee"]:
        committees[fold(c["word"])] = tuple(c["levels"])
        names[fold(c["word"])] = tuple(c["types"])
    no_dot = set()
    for a in data["abbrev"]:
        abbrevs[fold(a["word"])] = tuple(a["levels"])
        names[fold(a["word"])] = tuple(a["types"])
        if not a.get("dot", True):
            no_dot.add(fold(a["word"]))
    types.sort(key=lambda t: -len(t[0]))
    return types, committees, abbrevs, frozenset(no_dot), names


# (folded words, levels, marked spelling); "<word> ủy"; abbreviations; those usable without a dot;
# folded type word -> the unit types it names
_TYPES, _COMMITTEES, _ABBREV, _ABBREV_NO_DOT, _TYPE_NAMES = _load_type_words()
_BEFORE_NAME = frozenset({".", "uy", *_ABBREV_NO_DOT, *(w[-1] for w, _, _ in _TYPES)})
_WORD = re.compile(r"\w+|[^\w\s\-'`\u2013\u2014\u00b4]")
_SENTENCE_END = re.compile(r"[.!?;](?:\s|$)|\n")
_DASH = re.compile(r"[-\u2013\u2014/]")
_GLUE_WORDS = frozenset({",", "va", ";"})
_LIST_GLUE = ({","}, {"va"}, {",", "va"}, {";"})


@dataclass(frozen=True, slots=True)
class Mention:
    start: int  # offsets in the NFC text (the pipeline's text is NFC already)
    end: int
    text: str  # as written, type word included
    name: str  # the name part, normalize()d
    key: str  # folded name key
    levels: tuple[str, ...] | None  # None: a bare name
    exact: bool  # written with the same marks as the unit's name (diacritic texts)
    tok: int  # index of the first name token (for order)
    prefix: str = ""  # the type word as written, folded: "thi tran", "huyen uy", "tp."


class _Finder:
    """The PhraseMatcher over every unit name, built once (about 0.5 s)."""

    def __init__(self, gaz: Gazetteer) -> None:
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Doc
        from spacy.vocab import Vocab

        # A bare Vocab is all an ORTH PhraseMatcher needs; spacy.blank() would also build a whole
        # Language (config validation, tokenizer rules) only to hand back its vocab.
        self.vocab = Vocab()
        self.Doc = Doc
        self.matcher = PhraseMatcher(self.vocab, attr="ORTH")
        self.gaz = gaz
        patterns = [Doc(self.vocab, words=k.split()) for k in gaz.by_name if k]
        self.matcher.add("PLACE", patterns)
        self.province_keys = {k for k, units in gaz.by_name.items()
                              if any(u.level == "province" for u in units)}

    def find(self, text: str) -> list[Mention]:
        if not text:
            return []
        # NFC only: tone placement does not survive folding, and the pipeline's text is normalized
        norm = unicodedata.normalize("NFC", text)
        folded = fold_keep_offsets(norm)
        found = list(_WORD.finditer(folded))
        if not found:
            return []
        toks = [(m.start(), m.end(), m.group()) for m in found]
        words = [t[2] if t[2][0] != "0" or not t[2].isdigit() else t[2].lstrip("0") or "0"
                 for t in toks]
        doc = self.Doc(self.vocab, words=words)
        marked = has_diacritics(norm)
        cased = norm != norm.lower()
        typed: list[tuple[int, int, int, tuple[str, ...] | None]] = []  # (s, e, prefix start, levels)
        for _, s, e in self.matcher(doc):
            levels, pstart = self._prefix(norm, toks, s, marked)
            if levels is None and not (e - s >= 2 or " ".join(words[s:e]) in self.province_keys) \
                    and not (s >= 1 and words[s - 1] in _GLUE_WORDS):
                continue  # a bare one-word name: only ever a province
            typed.append((s, e, pstart, levels))
        # overlapping matches: a typed name beats a bare one ("tỉnh Bắc Ninh", not "Tĩnh Bắc"),
        # then the longer one
        chosen: list[tuple[int, int, int, tuple[str, ...] | None]] = []
        used: set[int] = set()
        for c in sorted(typed, key=lambda c: (c[3] is None, c[0] - c[1], c[0])):
            if used.isdisjoint(range(c[2], c[1])):
                chosen.append(c)
                used.update(range(c[2], c[1]))
        out: list[Mention] = []
        last: Mention | None = None
        last_end_tok = -10
        for s, e, pstart, levels in sorted(chosen):
            if levels is None and last is not None and last.levels and s - last_end_tok <= 2:
                glue = {words[i] for i in range(last_end_tok, s)}
                if glue in _LIST_GLUE or (s == last_end_tok and _DASH.search(
                        norm, toks[s - 1][1], toks[s][0])):
                    levels = last.levels  # "các xã Đông Cứu, Giang Sơn và Lãng Ngâm", "xã A - B"
            key = " ".join(words[s:e])
            name = norm[toks[s][0]:toks[e - 1][1]]
            if cased and not (name[:1].isupper() or name[:1].isdigit()):
                continue  # "huyện ủy chủ trì" is no huyện Chũ: names are capitalised
            if levels is None:
                if (e - s < 2 and key not in self.province_keys) or key in self.gaz.bare_never:
                    continue
                if not all(w[:1].isupper() for w in name.split() if w[:1].isalpha()):
                    continue  # bare names are proper nouns: "Bắc Ninh", never "bắc ninh"
                if self._inside_longer_name(norm, toks, s, e):
                    continue  # "Đại tá Trương Xuân Lai" is a man, not xã Trường Xuân
            start = toks[pstart][0]
            exact = normalize(name)
            exact_ok = any(u.short == exact or exact in u.aliases for u in self.gaz.by_name[key])
            last = Mention(start, toks[e - 1][1], norm[start:toks[e - 1][1]], exact, key, levels,
                           exact_ok or not marked, s, " ".join(words[pstart:s]))
            out.append(last)
            last_end_tok = e
        return out

    @staticmethod
    def _inside_longer_name(norm: str, toks: list[tuple[int, int, str]], s: int, e: int) -> bool:
        def cap(i: int) -> bool:
            w = norm[toks[i][0]:toks[i][1]]
            return w[:1].isupper() and w.isalpha()

        # a capitalised word right after continues a person's name ("Trương Xuân Lai"); one right
        # before is usually an organisation ("Tỉnh đoàn Bắc Ninh", "UBND Bắc Ninh"), so it may stay
        return e < len(toks) and cap(e) and not _DASH.search(norm, toks[e - 1][1], toks[e][0])

    @staticmethod
    def _prefix(norm: str, toks: list[tuple[int, int, str]], s: int,
                marked: bool) -> tuple[tuple[str, ...] | None, int]:
        """The type word right before token ``s``: its levels and first token index."""
        def orig(i: int, j: int) -> str:
            return norm[toks[i][0]:toks[j - 1][1]].lower()

        i = s
        if i == 0 or toks[i - 1][2] not in _BEFORE_NAME:
            return None, s
        if toks[i - 1][2] == ".":  # an abbreviation: "TP.", "H.", "Q."
            if i >= 2 and toks[i - 2][2] in _ABBREV:
                ab = norm[toks[i - 2][0]:toks[i - 2][1]]
                if ab.isupper() or (len(ab) > 1 and ab[0].isupper()):
                    return _ABBREV[toks[i - 2][2]], i - 2
            return None, s
        if i >= 2 and toks[i - 1][2] == "uy" and toks[i - 2][2] in _COMMITTEES \
                and (not marked or orig(i - 1, i) in ("ủy", "uỷ")):
            return _COMMITTEES[toks[i - 2][2]], i - 2
        for words, levels, spelled in _TYPES:
            n = len(words)
            if i >= n and tuple(t[2] for t in toks[i - n:i]) == words:
                if not marked or orig(i - n, i) == spelled:
                    return levels, i - n
                return None, s
        if i >= 1 and toks[i - 1][2] in _ABBREV_NO_DOT and norm[toks[i - 1][0]:toks[i - 1][1]].isupper():
            return _ABBREV[toks[i - 1][2]], i - 1
        return None, s


@cache
def _finder() -> _Finder:
    return _Finder(gazetteer())


def find_mentions(text: str) -> list[Mention]:
    """Place mentions in ``text`` in order; offsets are into the NFC form of ``text``."""
    return _finder().find(text)


def era_of(published: date | datetime | str | None) -> str:
    if isinstance(published, str):
        published = date.fromisoformat(published[:10])
    if isinstance(published, datetime):
        published = published.date()
    return "post2025" if published is not None and published >= REFORM else "pre2025"


# -- resolution ------------------------------------------------------------------------------
class _Context:
    """What the article is known to be about before reading it: the site's unit, in the era."""

    def __init__(self, gaz: Gazetteer, era: str, site_unit: Unit | None) -> None:
        self.gaz, self.era = gaz, era
        self.units: list[Unit] = []  # the site's unit and its ancestors, in this era
        self.covers: set[str] = set()  # post2025: new communes of the site's old district/commune
        if site_unit is None:
            return
        if site_unit.era == era:
            self.units = _chain(gaz, site_unit)
        elif era == "pre2025":  # a new commune's portal carrying an article from before the reform
            olds = gaz.predecessors(site_unit) if site_unit.level == "commune" else []
            provs = {o.province_code for o in olds} or {
                o.code for o in gaz.predecessors(gaz.province_of(site_unit))}
            if len(provs) == 1:
                self.units = [gaz.units[("pre2025", "province", provs.pop())]]
                dists = {o.district_code for o in olds}
                if len(dists) == 1 and None not in dists:
                    self.units.append(gaz.units[("pre2025", "district", dists.pop())])
            self.covers = {o.code for o in olds}
        else:
            prov = gaz.successors(gaz.province_of(site_unit))
            self.units = list(prov)
            if site_unit.level != "province":
                news = gaz.successors(site_unit)
                self.covers = {u.code for u in news}
                if len(news) == 1:
                    self.units.append(news[0])

    @property
    def unit(self) -> Unit | None:
        return self.units[-1] if self.units else None

    def supports(self, u: Unit) -> int:
        """How strongly the site says ``u``: 2 = it is the site's unit or inside it."""
        if not self.units:
            return 0
        site = self.units[-1]
        if u is site or self.gaz.is_within(u, site) or u.code in self.covers:
            return 2
        return 1 if any(u is a or self.gaz.is_within(u, a) for a in self.units) else 0


def _chain(gaz: Gazetteer, u: Unit) -> list[Unit]:
    """[province, district, commune] down to ``u``."""
    out = [gaz.province_of(u)]
    d = gaz.district_of(u)
    if d is not None and u.level == "commune":
        out.append(d)
    if u.level != "province":
        out.append(u)
    return out


def _candidates(gaz: Gazetteer, m: Mention, era: str, ctx: _Context) -> list[Unit]:
    units = [u for u in gaz.by_name.get(m.key, ()) if u.era == era]
    if m.levels is not None:
        units = [u for u in units if u.level in m.levels]
    else:  # a bare name: a province, or a unit inside the site's own unit
        units = [u for u in units if u.level == "province" or ctx.supports(u) == 2]
        # "Châu Thành" bare on Bến Tre's portal: the district, not its thị trấn of the same name
        units = [u for u in units if not any(gaz.is_within(u, o) for o in units)]
    named = _type_named(m)
    if len(units) > 1 and named:  # "TP Thái Nguyên" is the city: a tỉnh is never a "thành phố"
        units = [u for u in units if u.level != "province" or u.type in named] or units
    if len(units) > 1 and m.exact:  # a diacritic text names "Đắk Hà", not "Đăk Hà"
        exact = [u for u in units if u.short == m.name or m.name in u.aliases]
        units = exact or units
    return units


def _type_named(m: Mention) -> tuple[str, ...]:
    """The unit types the mention's type word names ("thị trấn" -> Thị trấn); () when bare."""
    if not m.prefix:
        return ()
    return _TYPE_NAMES.get(m.prefix.split()[0] if m.prefix.endswith("uy") else m.prefix.rstrip(" ."), ())


def _resolve_all(gaz: Gazetteer, mentions: list[Mention], era: str,
                 ctx: _Context) -> tuple[dict[int, Unit], bool]:
    """id(mention) -> unit for every mention that resolves; and whether some name stayed ambiguous.
    A name several units carry goes to the one whose parent or child the article also names, or
    that lies in the site's unit, and only when that one is strictly best supported."""
    cands = [(m, _candidates(gaz, m, era, ctx)) for m in mentions]
    sure = [c[0] for _, c in cands if len(c) == 1]
    out: dict[int, Unit] = {}
    ambiguous = False
    for m, units in cands:
        if len(units) == 1:
            out[id(m)] = units[0]
            continue
        if not units:
            continue
        scored = []
        for u in units:
            s = 0
            for o in sure:  # another unit named in the article: its parent or its child
                if o is not u and (gaz.is_within(u, o) or gaz.is_within(o, u)):
                    s += 2
            for _, others in cands:
                if len(others) > 1 and others is not units and any(
                        gaz.is_within(u, o) or gaz.is_within(o, u) for o in others):
                    s += 1
            s += 3 * ctx.supports(u)
            # the type word breaks a tie ("thị trấn Gia Bình", not "phường Gia Bình") but never beats
            # context: "xã Việt Hùng" of Quế Võ has been a phường since 2023
            s += u.type in _type_named(m)
            scored.append((s, u))
        scored.sort(key=lambda x: -x[0])
        if scored[0][0] > 0 and scored[0][0] > scored[1][0]:
            out[id(m)] = scored[0][1]
        else:
            ambiguous = True
    return out, ambiguous


def _subject_in(gaz: Gazetteer, found: list[tuple[Mention, Unit]], zone: str,
                whole: bool) -> tuple[Unit, str | None] | None:
    """The subject a zone states: its first unit (an address after it, "xã Đông Cứu, huyện Gia
    Bình", only names parents; deeper units after it are a breakdown), lifted to the common parent
    when the title, or the sentence naming that first unit, names siblings ("huyện A và huyện B")."""
    if not found:
        return None
    m0, u0 = found[0]
    end = len(zone)
    if not whole:
        stop = _SENTENCE_END.search(zone, m0.end)
        end = stop.start() if stop else end
    units = [u for m, u in found if m.start < end]
    same = {u.key for u in units if u.level == u0.level and not gaz.is_within(u, u0)}
    if len(same) > 1:
        common = _common_parent(gaz, [u for u in units if u.key in same])
        return (common, None) if common else None
    return u0, m0.text


def _common_parent(gaz: Gazetteer, units: list[Unit]) -> Unit | None:
    chains = [_chain(gaz, u) for u in units]
    common = None
    for level_units in zip(*chains, strict=False):
        if all(u is level_units[0] for u in level_units):
            common = level_units[0]
        else:
            break
    return common if common is not None and common.level != units[0].level else None


def to_locality(gaz: Gazetteer, u: Unit, mention: str | None = None) -> Locality:
    prov = gaz.province_of(u)
    dist = gaz.district_of(u) if u.level == "commune" else (u if u.level == "district" else None)
    return Locality(province=prov.short, district=dist.short if dist else None,
                    commune=u.short if u.level == "commune" else None, level=u.level, code=u.code,
                    era=u.era, province_code=prov.code, district_code=dist.code if dist else None,
                    mention=mention)


def resolve_locality(*, title: str | None, lead: str | None, text: str, site: str | None,
                     published: date | None) -> Locality | None:
    """The article's subject unit: what the title says, else the lead, else the site's own unit,
    else the first unit of the body's first paragraphs; None when nothing is certain.

    After the reform a text may still name only abolished units ("Huyện ủy Gia Bình" in July 2025):
    the subject is then the new province they lie in, the most specific unit that is certain.

    The body is read only when needed (a name left ambiguous, or no place in title and lead),
    and only its first 1,500 characters: that keeps this well under a millisecond an article."""
    gaz = gazetteer()
    from extractor.sites import unit_for_host

    site_unit = unit_for_host(site) if site else None
    # no date: a portal of the new map publishes after the reform
    era = era_of(published) if published is not None or site_unit is None else site_unit.era
    got = _subject(gaz, title or "", lead or "", text or "", era, _Context(gaz, era, site_unit))
    if got is None and era == "post2025":
        old = _subject(gaz, title or "", lead or "", text or "", "pre2025", _Context(gaz, "pre2025", site_unit))
        if old is not None:
            new = gaz.successors(gaz.province_of(old[0]))
            got = (new[0], None) if len(new) == 1 else None
    return to_locality(gaz, got[0], got[1]) if got else None


def _subject(gaz: Gazetteer, title: str, lead: str, text: str, era: str,
             ctx: _Context) -> tuple[Unit, str | None] | None:
    finder = _finder()
    head = [finder.find(title), finder.find(lead)]
    body: list[Mention] | None = None
    resolved, ambiguous = _resolve_all(gaz, head[0] + head[1], era, ctx)
    if ambiguous and text:
        body = finder.find(text[:_BODY_CHARS])
        resolved, _ = _resolve_all(gaz, head[0] + head[1] + body, era, ctx)
    for i, (zone, zone_text) in enumerate(zip(head, (title, lead), strict=True)):
        got = _subject_in(gaz, [(m, resolved[id(m)]) for m in zone if id(m) in resolved], zone_text, i == 0)
        if got:
            return got
    if body is None:
        body = finder.find(text[:_BODY_CHARS]) if text else []
        resolved, _ = _resolve_all(gaz, head[0] + head[1] + body, era, ctx)
    found = [(m, resolved[id(m)]) for m in body if id(m) in resolved]
    if ctx.unit is not None:
        # a district portal writing about one of its communes names it first in the body
        first_par = min(len(text), text.find("\n\n") % (len(text) + 1), _LEAD_CHARS)
        if found and found[0][1].level == "commune" and ctx.unit.level != "commune" \
                and found[0][0].levels is not None and found[0][0].start < first_par \
                and ctx.supports(found[0][1]) == 2:
            return found[0][1], found[0][0].text
        return ctx.unit, None
    return _subject_in(gaz, found, text, False)


def resolve_place(mention: str, *, context: Locality | None, published: date | None) -> Locality | None:
    """A fact's own place ("xã Đông Cứu", "huyện Châu Thành"), read against the subject locality."""
    gaz = gazetteer()
    era = (context.era if context is not None and context.era else None) or era_of(published)
    ctx_unit = _unit_of(gaz, context) if context is not None else None
    if ctx_unit is not None and ctx_unit.era != era:
        ctx_unit = None
    ctx = _Context(gaz, era, ctx_unit)
    mentions = _finder().find(mention)
    resolved, _ = _resolve_all(gaz, mentions, era, ctx)
    for m in mentions:
        if id(m) in resolved:
            return to_locality(gaz, resolved[id(m)], m.text)
    return None


def _unit_of(gaz: Gazetteer, loc: Locality) -> Unit | None:
    if loc.level and loc.code and loc.era:
        return gaz.get(loc.era, loc.level, loc.code)
    return None

