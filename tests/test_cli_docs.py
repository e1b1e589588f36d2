"""Every command a user can type is documented in the README, with each of its options (a command
added without docs fails here, as in sqlite-utils)."""

from __future__ import annotations

import re

import pytest
import typer.main
from conftest import ROOT

from service.cli import _register, app

_register()
COMMANDS = typer.main.get_command(app).commands  # type: ignore[attr-defined]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(name: str) -> str:
    m = re.search(rf"^### `vnnews {name}\b.*?(?=^### |\Z)", README, re.M | re.S)
    return m.group(0) if m else ""


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_has_a_readme_section_naming_its_options(name: str) -> None:
    section = _section(name)
    assert section, f"README.md has no '### `vnnews {name} ...`' section"
    for param in COMMANDS[name].params:
        for opt in getattr(param, "opts", []):
            if opt.startswith("--") and opt != "--help":
                assert opt in section, f"`vnnews {name}` option {opt} is not documented in its README section"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_has_help_text(name: str) -> None:
    assert (COMMANDS[name].help or "").strip(), f"`vnnews {name}` has no docstring"
