"""CLI commands (archive)."""

from service.cli import app  # noqa: F401
