"""CLI command ``explain``: show a page's facts over its text, so a person can check a record in seconds."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from models.errors import InputError, VnnewsError
from models.record import Fact, Record
from service.cli import app

_STYLES = {
    "new_members": "bold black on green",
    "transfers": "bold black on cyan",
    "badges": "bold black on yellow",
    "party_members_total": "bold black on magenta",
    "party_orgs_total": "bold black on bright_magenta",
    "candidates_trained": "bold black on bright_blue",
}
_DIM_ROLES = {"target", "previous", "cumulative", "comparison"}


def _read(path: str) -> bytes:
    if path == "-":
        data = sys.stdin.buffer.read()
    else:
        p = Path(path)
        if p.is_dir():
            raise InputError(f"{path}: is a directory, not an HTML file")
        if not p.is_file():
            raise InputError(f"{path}: no such file")
        try:
            data = p.read_bytes()
        except OSError as e:
            raise InputError(f"{path}: cannot read ({e.strerror})") from e
    if not data.strip():
        raise InputError(f"{path}: empty input")
    return data


def render(record: Record, console: Console) -> None:
    """Print the text with evidence highlighted, the facts table and the summary."""
    console.rule(Text(record.title or "(no title)", style="bold"))
    meta = [f"published {record.published or '?'}"]
    if record.locality:
        loc = record.locality
        meta.append("place " + ", ".join(x for x in (loc.commune, loc.district, loc.province) if x))
    console.print(" · ".join(meta), style="dim")
    text = Text(record.text)
    for fact in record.facts:
        style = _STYLES.get(fact.kind, "reverse")
        if fact.role in _DIM_ROLES:
            style = style.replace("bold ", "") + " strike" if fact.role == "target" else style.replace("bold ", "")
        if 0 <= fact.evidence.start < fact.evidence.end <= len(record.text):
            text.stylize(style, fact.evidence.start, fact.evidence.end)
    console.print(text)
    console.print(_table(record.facts, record.text))
    s = record.summary
    summary = Table(title="summary (headline figures)", show_header=True)
    for col in ("new_members", "transfers", "badges", "badges_by_years"):
        summary.add_column(col)
    summary.add_row(*(str(v) if v not in (None, {}) else "-" for v in
                      (s.new_members, s.transfers, s.badges, s.badges_by_years)))
    console.print(summary)
    for f in _headline_only(record):
        console.print(f"title/lead only (not in the text): {f.kind} {f.qualifier + ' ' if f.qualifier else ''}"
                      f"{f.value} [{f.role}] “{f.evidence.sentence}”", style="dim", markup=False)
    for w in record.warnings:
        console.print(f"warning: {w}", style="yellow", markup=False)


def _headline_only(record: Record) -> list[Fact]:
    """Figures the title or lead states that the text does not repeat (they can still be headlines)."""
    from extractor.facts import read_facts

    published = date.fromisoformat(record.published[:10]) if record.published else None
    return read_facts(record.text, title=record.title, lead=record.lead, published=published).headline_only


def _table(facts: list[Fact], text: str) -> Table:
    table = Table(title=f"{len(facts)} facts", show_lines=False)
    for col in ("kind", "value", "qual.", "years", "role", "period", "place", "evidence"):
        table.add_column(col, overflow="fold")
    for f in sorted(facts, key=lambda f: f.evidence.start):
        period = ""
        if f.period:
            span = f"{f.period.start or '?'}..{f.period.end or '?'}" if f.period.start or f.period.end else ""
            period = " ".join(x for x in (f.period.label and f"“{f.period.label}”", span) if x)
        place = ""
        if f.place:
            place = ", ".join(x for x in (f.place.commune, f.place.district, f.place.province) if x) or (
                f.place.mention or "")
        evidence = text[f.evidence.start:f.evidence.end]
        if f.parts:
            evidence += " [" + "; ".join(f"{p.value} {p.label}" for p in f.parts) + "]"
        table.add_row(Text(f.kind, style=_STYLES.get(f.kind, "")), str(f.value), f.qualifier or "",
                      str(f.badge_years or ""), f.role, period, place, evidence)
    return table


@app.command()
def explain(
    path: str = typer.Argument(..., metavar="PATH", help="An HTML file, or - for stdin."),
    url: str | None = typer.Option(None, "--url", help="URL of the page (gives the site and a date fallback)."),
) -> None:
    """Show a page's main text with each fact's evidence highlighted, a table of its facts and the summary."""
    from extractor import extract

    try:
        record = extract(_read(path), url)
    except VnnewsError as e:
        if not e.message.startswith(f"{path}:"):
            e.message = f"{path}: {e.message}"  # name the input, as `vnnews extract` does
        raise
    render(record, Console(highlight=False, soft_wrap=False))
