"""Fact extraction (placeholder until the facts work lands: finds nothing)."""

from __future__ import annotations

from datetime import date

from models.record import Fact, Locality, Summary


def find_facts(text: str, *, title: str | None = None, lead: str | None = None,
               published: date | None = None) -> list[Fact]:
    return []


def summarise(facts: list[Fact], locality: Locality | None) -> Summary:
    return Summary()
