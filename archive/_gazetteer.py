"""Place filters across the 2025 reform, through helper D's gazetteer (``extractor.gazetteer``).

The archive never calls the extractor; it only reads the gazetteer's data, so that a filter on an
old-era name ("Bắc Giang") also finds records about the new-era unit that absorbed it ("Bắc Ninh",
post-2025). If the gazetteer cannot be loaded, filters fall back to names stored in the archive.
"""

from __future__ import annotations

from typing import NamedTuple


class PlaceCond(NamedTuple):
    """One way a record_places row can satisfy a filter: level + (folded name | code) [+ era]."""

    level: str
    name_folded: str | None
    code: str | None
    era: str | None


def equivalents(level: str, name: str) -> list[PlaceCond]:
    """Units named ``name`` at ``level`` (either era) and the post-2025 units an old one went to."""
    try:
        from extractor.gazetteer import gazetteer
        gaz = gazetteer()
    except (ImportError, OSError, ValueError, KeyError):
        return []
    from archive.filters import fold_place

    conds: list[PlaceCond] = []
    for unit in gaz.search(name):
        if unit.level != level:
            continue
        conds.append(PlaceCond(level, fold_place(unit.short), None, None))
        conds.append(PlaceCond(level, None, unit.code, unit.era))
        if unit.era == "pre2025":
            for succ in gaz.successors(unit):
                conds.append(PlaceCond(succ.level, None, succ.code, "post2025"))
                conds.append(PlaceCond(succ.level, fold_place(succ.short), None, "post2025"))
    return list(dict.fromkeys(conds))
