"""The site registry: which unit a portal belongs to, and how the crawler reads it.

``extractor/patterns/sites.toml`` ships entries for known portals; a user adds or overrides entries
with a TOML file of the same shape, named by ``VNNEWS_SITES`` or passed to :func:`load_sites`.
Hosts not in the registry still get a unit when their labels spell one, the way government
portals are named: ``dongcuu.giabinh.bacninh.gov.vn`` -> xã Đông Cứu, huyện Gia Bình, tỉnh Bắc Ninh.
Provincial papers and Party sites named after their province (``baonghean.vn``) are placed
the same way. That inference is strict (every label from the right must name exactly one unit inside the
previous one) because a wrong site unit would misplace every record of the site.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from models.errors import InputError
from models.gazetteer import Gazetteer, Unit, gazetteer, name_key
from models.text import normalize

REGISTRY = Path(__file__).parent / "patterns" / "sites.toml"


@dataclass(frozen=True)
class SiteProfile:
    host: str
    name: str | None = None
    province: str | None = None  # short names, as in the gazetteer ("Bắc Ninh", "Gia Bình")
    district: str | None = None
    commune: str | None = None
    era: str = "pre2025"  # the era the names above belong to
    listings: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    selectors: dict[str, str] = field(default_factory=dict)


_FIELDS = set(SiteProfile.__dataclass_fields__) - {"host"}


def _read(path: Path) -> dict[str, SiteProfile]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise InputError(f"cannot read site registry {path}: {e}") from e
    out: dict[str, SiteProfile] = {}
    for host, entry in data.get("sites", {}).items():
        unknown = set(entry) - _FIELDS
        if unknown:
            raise InputError(f"{path}: site {host!r} has unknown keys {sorted(unknown)}")
        out[_host(host)] = SiteProfile(host=_host(host), **entry)
    return out


def _host(host: str) -> str:
    host = host.strip().lower()
    if "://" in host:
        host = host.split("://", 1)[1]
    host = host.split("/", 1)[0].split(":", 1)[0]
    return host[4:] if host.startswith("www.") else host


def load_sites(extra: str | Path | None = None) -> dict[str, SiteProfile]:
    """Shipped registry, then ``extra`` (or ``$VNNEWS_SITES``) on top: host -> profile."""
    sites = dict(_shipped())
    extra = extra or os.environ.get("VNNEWS_SITES")
    if extra:
        user = _read(Path(extra))
        for host, p in user.items():  # a user's typo must not silently misplace a whole site
            named = p.commune or p.district or p.province
            u = unit_of_profile(p) if named else None
            if named and (u is None or u.short.casefold() != normalize(named).casefold()):
                raise InputError(f"{extra}: site {host!r}: no single {p.era} unit "
                                 f"{', '.join(x for x in (p.commune, p.district, p.province) if x)}")
        sites.update(user)
    return sites


@cache
def _shipped() -> dict[str, SiteProfile]:
    return _read(REGISTRY)


def profile_for(host: str | None, sites: dict[str, SiteProfile] | None = None) -> SiteProfile | None:
    """The registry entry for ``host`` or, failing that, for its nearest registered parent domain."""
    if not host:
        return None
    sites = sites if sites is not None else _default_sites()
    h = _host(host)
    while h:
        if h in sites:
            return sites[h]
        if "." not in h:
            return None
        h = h.split(".", 1)[1]
    return None


def unit_of_profile(p: SiteProfile, gaz: Gazetteer | None = None) -> Unit | None:
    gaz = gaz or gazetteer()
    unit = None
    for level, name in (("province", p.province), ("district", p.district), ("commune", p.commune)):
        if not name:
            continue
        if level == "district" and p.era == "post2025":
            continue
        cands = [u for u in gaz.named(name, era=p.era, level=level)
                 if unit is None or gaz.is_within(u, unit)]
        if len(cands) != 1:
            return unit
        unit = cands[0]
    return unit


def infer_unit(host: str, gaz: Gazetteer | None = None) -> Unit | None:
    """``giabinh.bacninh.gov.vn`` -> huyện Gia Bình (pre2025), from the host labels alone
    (government portals under .gov.vn, Party-committee sites under .dcs.vn). Commune portals of the
    new map have no district label: ``xalucnam.bacninh.gov.vn`` -> xã Lục Nam (post2025)."""
    gaz = gaz or gazetteer()
    h = _host(host)
    suffix = next((s for s in (".gov.vn", ".dcs.vn") if h.endswith(s)), None)
    if suffix is None:
        return _paper_province(h, gaz)
    labels = h[: -len(suffix)].split(".")[::-1]  # province label first
    best = None
    for era in ("pre2025", "post2025"):
        unit = None
        used = 0
        for label in labels:
            pool = [u for u in gaz.units.values() if u.era == era and u.level == "province"] \
                if unit is None else gaz.children.get(unit.key, [])
            hits = [u for u in pool if _compact(u) in _label_forms(label, u.level)]
            if len(hits) != 1:
                break
            unit, used = hits[0], used + 1
        if unit is not None and (best is None or used > best[1]):
            best = (unit, used)
    return best[0] if best else None


_PAPER = re.compile(r"^(?:bao|tinhuy|thanhuy)([a-z]+?)(?:tv|dientu|online)?$")


def _paper_province(host: str, gaz: Gazetteer) -> Unit | None:
    """A provincial paper or Party-committee site named after its province: ``baonghean.vn``,
    ``baothaibinh.com.vn``, ``baobacninhtv.vn``, ``tinhuybacninh.vn`` -> that province."""
    if not host.endswith(".vn"):
        return None
    m = _PAPER.match(host.split(".", 1)[0])
    if not m:
        return None
    for era in ("pre2025", "post2025"):
        hits = [u for u in gaz.units.values() if u.era == era and u.level == "province" and _compact(u) == m.group(1)]
        if len(hits) == 1:
            return hits[0]
    return None


_TYPE_LABELS = {"commune": ("xa", "phuong", "thitran", "tt", "dackhu"), "district": ("huyen", "quan", "thixa", "tp")}


def _label_forms(label: str, level: str) -> set[str]:
    """A host label and the label without a type prefix: "xalucnam" -> {"xalucnam", "lucnam"}."""
    forms = {label}
    for t in _TYPE_LABELS.get(level, ()):
        if label.startswith(t) and len(label) > len(t) + 2:
            forms.add(label[len(t):])
    return forms


@cache
def _compact_cache(name: str) -> str:
    return name_key(name).replace(" ", "")


def _compact(u: Unit) -> str:
    return _compact_cache(u.short)


@cache
def _default_sites() -> dict[str, SiteProfile]:
    return load_sites()


@cache
def unit_for_host(host: str) -> Unit | None:
    """The unit a site belongs to: its own registry entry; else what its host labels spell when
    that is more specific than a parent domain's entry (``trungkenh.luongtai.bacninh.gov.vn`` is
    xã Trung Kênh, not huyện Lương Tài); else the parent domain's entry."""
    p = profile_for(host)
    entry = unit_of_profile(p) if p is not None and (p.province or p.district or p.commune) else None
    if p is not None and p.host == _host(host):
        return entry
    inferred = infer_unit(host)
    if entry is None:
        return inferred
    if inferred is not None and _depth(inferred) > _depth(entry):
        return inferred
    return entry


def _depth(u: Unit) -> int:
    return {"province": 0, "district": 1, "commune": 2}[u.level]
