"""The shipped gazetteer: Vietnam's units before and after the 1 July 2025 reform, and the mapping.

Loaded once, lazily, from ``models/data/gazetteer.json.gz`` (built by
``scripts/build_gazetteer.py``). A code means nothing without its era: 3,316 new commune codes
are reused old codes, often for another unit, so every key here is ``(era, level, code)``.

Names are indexed by :func:`name_key`: folded (no diacritics, đ -> d, lower case), apostrophes and
hyphens dropped, numbers without leading zeros. "Đắk Hà", "Dak Ha", "Đăk Hà" and "Phường 01" /
"phuong 1" thus meet; which of several candidates a text means is the resolver's job.
"""

from __future__ import annotations

import gzip
import json
import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from models.text import fold, normalize

DATA = Path(__file__).parent / "data"
ERAS = ("pre2025", "post2025")
LEVELS = ("province", "district", "commune")
REFORM_DATE = "2025-07-01"

_TOKEN = re.compile(r"\w+|[^\w\s]")
_DROP = frozenset("-'\u2019\u2018`\u2013\u2014´")


def _fold_table() -> dict[int, str]:
    table = {}
    for cp in range(0x41, 0x2020):
        c = chr(cp)
        f = fold(c)
        if f != c and len(f) == 1:
            table[cp] = f
    for c in "\u2019\u2018`´":
        table[ord(c)] = "'"
    table[ord("_")] = " "  # word-segmented text joins syllables with "_": "Gia_Bình"
    return table


_FOLD = _fold_table()


def fold_keep_offsets(text: str) -> str:
    """fold() one character at a time, so offsets in the result are offsets in ``text`` (NFC)."""
    return text.translate(_FOLD)


def key_tokens(folded: str) -> list[str]:
    return [t.lstrip("0") or "0" if t.isdigit() else t for t in _TOKEN.findall(folded) if t not in _DROP]


def name_key(name: str) -> str:
    return " ".join(key_tokens(fold_keep_offsets(normalize(name))))


@dataclass(frozen=True, slots=True)
class Unit:
    era: str
    level: str
    code: str
    name: str  # official full name, e.g. "Huyện Gia Bình"
    short: str  # "Gia Bình"
    type: str  # "Huyện", "Thị xã", "Xã", "Thành phố Trung ương" ...
    province_code: str
    district_code: str | None = None  # pre2025 communes only
    aliases: tuple[str, ...] = field(default=())

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.era, self.level, self.code)

    def __str__(self) -> str:
        return f"{self.name} ({self.level} {self.code}, {self.era})"


class Gazetteer:
    """Units of both eras, indexed by (era, level, code) and by folded name, plus the 2025 mapping."""

    def __init__(self, data: dict, aliases: dict[str, list[str]], bare_never: list[str] = ()) -> None:
        self.bare_never = frozenset(name_key(n) for n in bare_never)
        self.units: dict[tuple[str, str, str], Unit] = {}
        self.children: dict[tuple[str, str, str], list[Unit]] = defaultdict(list)
        self.by_name: dict[str, list[Unit]] = defaultdict(list)
        extra = defaultdict(list, data.get("aliases", {}))
        for k, v in aliases.items():
            extra[k].extend(v)
        for era in ERAS:
            for code, name, short, typ in data[era]["provinces"]:
                self._add(Unit(era, "province", code, name, short, typ, code,
                               aliases=tuple(extra.get(f"{era}:province:{code}", ()))))
        for code, name, short, typ, prov in data["pre2025"]["districts"]:
            self._add(Unit("pre2025", "district", code, name, short, typ, prov,
                           aliases=tuple(extra.get(f"pre2025:district:{code}", ()))))
        for code, name, short, typ, dist in data["pre2025"]["communes"]:
            prov = self.units[("pre2025", "district", dist)].province_code
            self._add(Unit("pre2025", "commune", code, name, short, typ, prov, dist,
                           aliases=tuple(extra.get(f"pre2025:commune:{code}", ()))))
        for code, name, short, typ, prov in data["post2025"]["communes"]:
            self._add(Unit("post2025", "commune", code, name, short, typ, prov,
                           aliases=tuple(extra.get(f"post2025:commune:{code}", ()))))
        m = data["mapping_2025"]
        self.new_of: dict[tuple[str, str, str], list[tuple[str, str, str]]] = {}
        self.old_of: dict[tuple[str, str, str], list[tuple[str, str, str]]] = defaultdict(list)
        for level, table, target in (("province", m["province"], "province"),
                                     ("district", m["district"], "commune"),
                                     ("commune", m["commune"], "commune")):
            for old, news in table.items():
                news = [news] if isinstance(news, str) else news
                okey = ("pre2025", level, old)
                self.new_of[okey] = [("post2025", target, n) for n in news]
                for n in news:
                    self.old_of[("post2025", target, n)].append(okey)

    def _add(self, u: Unit) -> None:
        self.units[u.key] = u
        if u.level == "district":
            self.children[(u.era, "province", u.province_code)].append(u)
        elif u.level == "commune":
            parent = ("pre2025", "district", u.district_code) if u.district_code else \
                (u.era, "province", u.province_code)
            self.children[parent].append(u)
        # short names are shipped normalized; only the hand-written aliases need normalize()
        for n in {" ".join(key_tokens(u.short.translate(_FOLD))), *(name_key(a) for a in u.aliases)}:
            self.by_name[n].append(u)

    # -- look-ups ---------------------------------------------------------------------------
    def get(self, era: str, level: str, code: str | None) -> Unit | None:
        return self.units.get((era, level, code)) if code else None

    def province_of(self, u: Unit) -> Unit:
        return self.units[(u.era, "province", u.province_code)]

    def district_of(self, u: Unit) -> Unit | None:
        return self.units.get((u.era, "district", u.district_code)) if u.district_code else None

    def named(self, name: str, *, era: str | None = None, level: str | None = None) -> list[Unit]:
        """Units whose short name (or a known alias) folds to the same key as ``name``."""
        return [u for u in self.by_name.get(name_key(name), ())
                if (era is None or u.era == era) and (level is None or u.level == level)]

    def is_within(self, u: Unit, parent: Unit) -> bool:
        if u.era != parent.era:
            return False
        if parent.level == "province":
            return u.province_code == parent.code and u is not parent
        return parent.level == "district" and u.district_code == parent.code

    def successors(self, u: Unit) -> list[Unit]:
        """Post-2025 units an old unit went to (a province -> its new province; a district or a
        commune -> the new communes its territory went to)."""
        return [self.units[k] for k in self.new_of.get(u.key, ())]

    def predecessors(self, u: Unit) -> list[Unit]:
        """Pre-2025 units a new unit was formed from (communes, plus island districts for a đặc khu)."""
        if u.level == "province":
            return [self.units[k] for k, v in self.new_of.items()
                    if k[1] == "province" and ("post2025", "province", u.code) in v]
        return [self.units[k] for k in self.old_of.get(u.key, ()) if k[1] != "district" or not
                self.children.get(k)]

    def search(self, query: str, *, era: str | None = None) -> list[Unit]:
        """Units matching ``query`` by code, full name or short name, diacritic-insensitive.
        A leading type word ("huyện Gia Bình", "tỉnh bac ninh") narrows the level."""
        q = normalize(query).strip()
        eras = (era,) if era else ERAS
        if q.isdigit():
            return [u for u in self.units.values() if u.code == q and u.era in eras]
        level, name = split_prefix(q)
        hits = [u for u in self.named(name) if u.era in eras and (level is None or u.level in level)]
        if not hits and level is not None:  # "Thành phố Hà Nội" is a full name, not type + name
            hits = [u for u in self.named(q) if u.era in eras]
        order = {e: i for i, e in enumerate(ERAS)}
        return sorted(hits, key=lambda u: (order[u.era], LEVELS.index(u.level), u.code))


# Type words -> the levels they can name. "thành phố" is both a centrally-run city (province level)
# and a provincial city (district level).
TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "tinh": ("province",), "thanh pho": ("province", "district"), "tp": ("province", "district"),
    "huyen": ("district",), "quan": ("district",), "thi xa": ("district",), "tx": ("district",),
    "xa": ("commune",), "phuong": ("commune",), "thi tran": ("commune",), "tt": ("commune",),
    "dac khu": ("commune",),
}


def split_prefix(q: str) -> tuple[tuple[str, ...] | None, str]:
    """("huyện Gia Bình") -> (("district",), "Gia Bình"); no type word -> (None, q)."""
    toks = key_tokens(fold_keep_offsets(q))
    for n in (2, 1):
        head = " ".join(toks[:n])
        if len(toks) > n and head in TYPE_WORDS:
            rest = toks[n:]
            if rest and rest[0] == ".":
                rest = rest[1:]
            return TYPE_WORDS[head], " ".join(rest)
    return None, q


@cache
def gazetteer() -> Gazetteer:
    """The one shared instance (about 0.3 s to load the first time)."""
    raw = gzip.decompress((DATA / "gazetteer.json.gz").read_bytes())
    extra = tomllib.loads((DATA / "aliases.toml").read_text(encoding="utf-8"))
    return Gazetteer(json.loads(raw), extra.get("aliases", {}), extra.get("bare", {}).get("never", []))


_MARKED = re.compile(r"[^\x00-\x7f\W\d_]")


def has_diacritics(text: str) -> bool:
    """Whether a text is written with Vietnamese marks at all (some portals strip them)."""
    sample = text[:4000]
    marked = len(_MARKED.findall(sample))
    return marked >= 3 or (marked > 0 and marked * 200 > len(sample))


def _ref(g: Gazetteer, u: Unit) -> dict:
    parents = []
    if u.level == "commune" and u.district_code:
        parents.append(g.units[("pre2025", "district", u.district_code)].name)
    if u.level != "province":
        parents.append(g.province_of(u).name)
    return {"name": u.name, "short": u.short, "level": u.level, "type": u.type, "code": u.code,
            "era": u.era, "parents": parents}


def lookup(query: str, *, era: str | None = None) -> list[dict]:
    """Units matching ``query`` (name or code, diacritic-insensitive) with their lineage across the
    2025 reform: an old unit's ``became`` (new province, or the new communes its territory went
    to), a new unit's ``formed_from`` (the old units). What ``vnnews places`` prints."""
    from models.errors import NotFoundError, QueryError

    if era not in (None, *ERAS):
        raise QueryError(f"unknown era {era!r}: use pre2025, post2025 or both")
    if not query.strip():
        raise QueryError("empty place query")
    g = gazetteer()
    hits = g.search(query, era=era)
    if not hits:
        raise NotFoundError(f"no administrative unit matches {query!r}"
                            + (f" in {era}" if era else ""))
    out = []
    for u in hits:
        d = _ref(g, u)
        if u.era == "pre2025":
            d["became"] = [_ref(g, n) for n in g.successors(u)]
        else:
            d["formed_from"] = [_ref(g, o) for o in g.predecessors(u)]
        out.append(d)
    return out
