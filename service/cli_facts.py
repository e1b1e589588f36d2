"""CLI commands (facts)."""

from service.cli import app  # noqa: F401
