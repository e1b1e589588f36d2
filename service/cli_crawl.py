"""CLI commands (crawl)."""

from service.cli import app  # noqa: F401
