"""CLI commands for extraction: ``schema`` (and, from the extraction work, ``extract``, ``eval``, ``explain``)."""

from __future__ import annotations

import json

import typer

from models.record import Record
from service.cli import app


@app.command()
def schema() -> None:
    """Print the JSON Schema of a record (the contract of `vnnews extract` output)."""
    typer.echo(json.dumps(Record.model_json_schema(), ensure_ascii=False, indent=2))
