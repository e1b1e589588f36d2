"""Place resolution (placeholder until the gazetteer work lands: resolves nothing)."""

from __future__ import annotations

from datetime import date

from models.record import Locality


def resolve_locality(*, title: str | None, lead: str | None, text: str, site: str | None,
                     published: date | None) -> Locality | None:
    return None


def resolve_place(mention: str, *, context: Locality | None, published: date | None) -> Locality | None:
    return None
