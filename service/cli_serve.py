"""CLI commands (serve)."""

from service.cli import app  # noqa: F401
