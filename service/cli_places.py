"""CLI commands (places): ``vnnews places QUERY`` looks units up in the shipped gazetteer."""

from __future__ import annotations

import json
from enum import StrEnum

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from service.cli import app


class EraChoice(StrEnum):
    pre2025 = "pre2025"
    post2025 = "post2025"
    both = "both"


class Format(StrEnum):
    table = "table"
    json = "json"


@app.command()
def places(
    query: str = typer.Argument(..., help='A unit name or code, e.g. "Gia Bình", "huyen chau thanh", "09454"'),
    era: EraChoice = typer.Option(EraChoice.both, "--era", help="Which map: before or after 1 July 2025"),
    format: Format = typer.Option(Format.table, "--format", help="table for people, json for programs"),
) -> None:
    """Look administrative units up by name or code (diacritics optional) and show their level,
    code, era, parents and lineage across the 2025 reform (old unit -> new units, new unit <- old units)."""
    from models.gazetteer import lookup

    units = lookup(query, era=None if era is EraChoice.both else era.value)
    if format is Format.json:
        typer.echo(json.dumps(units, ensure_ascii=False, indent=2))
        return
    table = Table(title=escape(f"{len(units)} unit(s) matching {query!r}"), show_lines=True)
    for col in ("unit", "level", "code", "era", "parents", "lineage (2025 reform)"):
        table.add_column(col)
    for u in units:
        if u["era"] == "pre2025":
            lineage = "-> " + "; ".join(f"{n['name']} ({n['code']})" for n in u["became"])
        else:
            lineage = "<- " + "; ".join(f"{o['name']} ({o['code']}"
                                        + (f", {o['parents'][0]}" if o["level"] == "commune" else "")
                                        + ")" for o in u["formed_from"])
        table.add_row(u["name"], u["level"], u["code"], u["era"], ", ".join(u["parents"]), lineage)
    Console(soft_wrap=False, width=160).print(table)
