"""CLI commands (places)."""

from service.cli import app  # noqa: F401
