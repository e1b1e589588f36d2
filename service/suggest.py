"""Place suggestions for the page's pickers (``GET /places``), across both administrative eras.

A picker needs prefix matches as the user types ("gia b" -> Gia Bình), which the gazetteer's exact
name look-up does not give; this scans its folded-name index once per request (~15k keys, well
under a millisecond) rather than keeping a second index of its own.
"""

from __future__ import annotations

from typing import Any

from models.gazetteer import LEVELS, Unit, gazetteer, name_key, split_prefix
from models.text import normalize


def _describe(u: Unit) -> dict[str, Any]:
    g = gazetteer()
    province = g.province_of(u)
    district = g.district_of(u)
    return {
        "name": u.short,
        "full_name": u.name,
        "type": u.type,
        "level": u.level,
        "era": u.era,
        "code": u.code,
        "province": province.short if u.level != "province" else None,
        "province_code": u.province_code,
        "district": district.short if district else None,
        "district_code": u.district_code,
    }


def suggest_places(q: str, *, level: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """Units whose code equals ``q`` or whose short name (or alias) starts with it, folded;
    the exact spelling first, then the same name without accents, then prefixes; larger units first."""
    g = gazetteer()
    levels, name = split_prefix(q)
    if level is not None:
        levels = (level,) if levels is None or level in levels else ()
    key = name_key(name)
    if not key:
        return []
    found: dict[tuple[str, str, str], tuple[float, Unit]] = {}
    if key.isdigit():
        for u in g.search(key):
            found[u.key] = (0, u)
    else:
        for k, units in g.by_name.items():
            if k.startswith(key):
                rank = 0 if k == key else 2
                for u in units:
                    if u.key not in found or found[u.key][0] > rank:
                        found[u.key] = (rank, u)
    exact = normalize(name).strip().lower()
    hits = [(r if r or u.short.lower() == exact else r + 0.5, u) for r, u in found.values()
            if levels is None or u.level in levels]
    hits.sort(key=lambda ru: (ru[0], LEVELS.index(ru[1].level), name_key(ru[1].short), ru[1].era, ru[1].code))
    return [_describe(u) for _, u in hits[:limit]]
