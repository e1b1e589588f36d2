"""Place filters across the 2025 reform, through the shipped gazetteer (``models.gazetteer``), so
that a filter on an old-era name ("Bắc Giang") also finds records about the new-era unit that
absorbed it ("Bắc Ninh", post-2025)."""

from __future__ import annotations

from typing import NamedTuple

from models.gazetteer import gazetteer


class PlaceCond(NamedTuple):
    """One way a record_places row can satisfy a filter: level + (folded name | code) [+ era]."""

    level: str
    name_folded: str | None
    code: str | None
    era: str | None


def equivalents(level: str, name: str) -> list[PlaceCond]:
    """Units named ``name`` at ``level`` (either era) and the post-2025 units an old one went to."""
    from archive.filters import fold_place

    gaz = gazetteer()

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
