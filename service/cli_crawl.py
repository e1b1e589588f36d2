"""CLI commands for crawling: ``crawl``, ``frontier`` and ``demo``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.text import Text

from models.errors import InputError
from service.cli import app

_DEFAULT_DB = Path("data/archive.db")
_DEFAULT_WARC = Path("data/warc")


def _since(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--since: not a date (YYYY-MM-DD): {value!r}") from None


@app.command()
def crawl(
    seeds: list[str] = typer.Argument(..., help="Start URLs: portal home pages, listing pages, sitemaps, feeds."),
    db: Path = typer.Option(_DEFAULT_DB, "--db", envvar="VNNEWS_DB", help="Archive database (frontier lives here)."),
    warc_dir: Path = typer.Option(_DEFAULT_WARC, "--warc-dir", help="Directory for WARC files."),
    max_pages: int | None = typer.Option(None, "--max-pages", help="Stop after this many fetches in this run."),
    delay: float = typer.Option(1.0, "--delay", help="Seconds between requests to one host (robots Crawl-delay wins if longer)."),
    concurrency: int = typer.Option(4, "--concurrency", help="Hosts crawled at once (always one connection per host)."),
    scope: str = typer.Option("same-host", "--scope", help="same-host | same-domain | list (only the seed URLs)."),
    since: str | None = typer.Option(None, "--since", help="Skip articles listed before this date (YYYY-MM-DD)."),
    user_agent: str | None = typer.Option(None, "--user-agent", help="User-Agent; keep a contact in it."),
    warc_max_mb: float = typer.Option(1024.0, "--warc-max-mb", help="Start a new WARC file past this size."),
    max_mb: float = typer.Option(8.0, "--max-mb", help="Largest response body kept; bigger ones are skipped."),
    timeout: float = typer.Option(20.0, "--timeout", help="Seconds per phase (connect, read, write)."),
    retries: int = typer.Option(3, "--retries", help="Attempts per request on 429/5xx/timeouts/resets."),
) -> None:
    """Crawl portals politely into the archive and WARC files; re-running resumes or re-crawls.

    A run killed at any point resumes with the same command; a finished run followed by another one
    re-crawls with conditional GETs (unchanged pages become WARC revisit records).
    """
    from scrapers.crawl import CrawlOptions, summary_table
    from scrapers.crawl import crawl as run_crawl
    from scrapers.fetch import DEFAULT_USER_AGENT

    opts = CrawlOptions(seeds=seeds, db=db, warc_dir=warc_dir, max_pages=max_pages, delay=delay,
                        concurrency=concurrency, scope=scope, since=_since(since),
                        user_agent=user_agent or DEFAULT_USER_AGENT, warc_max_mb=warc_max_mb,
                        max_bytes=int(max_mb * 1024 * 1024), timeout=timeout, deadline=max(60.0, 3 * timeout),
                        retries=retries)
    summary = run_crawl(opts)
    Console(stderr=True).print(summary_table(summary))


@app.command()
def frontier(
    db: Path = typer.Option(_DEFAULT_DB, "--db", envvar="VNNEWS_DB", help="Archive database."),
    state: str | None = typer.Option(None, "--state", help="queued | in-progress | fetched | not-modified | skipped | failed"),
    format: str = typer.Option("table", "--format", help="table | jsonl"),
) -> None:
    """List the crawl frontier: every URL with its state and the reason for it."""
    from scrapers.frontier import open_existing

    if format not in ("table", "jsonl"):
        raise InputError(f"--format must be table or jsonl, not {format!r}")
    f = open_existing(db)
    try:
        rows = f.rows(state)
        if format == "jsonl":
            for row in rows:
                typer.echo(json.dumps(row, ensure_ascii=False))
            return
        from rich.table import Table

        t = Table()
        for col in ("state", "reason", "status", "kind"):
            t.add_column(col)
        t.add_column("url", overflow="fold")
        for row in rows:
            # URLs and reasons come from the web: never let rich read "[...]" in them as markup
            t.add_row(*(Text(str(row[k] or "")) for k in ("state", "reason", "http_status", "kind", "url")))
        Console().print(t)
    finally:
        f.close()


@app.command()
def demo(
    db: Path = typer.Option(_DEFAULT_DB, "--db", envvar="VNNEWS_DB", help="Archive database to fill."),
    warc_dir: Path = typer.Option(_DEFAULT_WARC, "--warc-dir", help="Directory for WARC files."),
    port: int = typer.Option(0, "--port", help="Port for the demo portals (0: any free port)."),
) -> None:
    """Serve the bundled corpus as local district portals, crawl them, and show figures by place and year."""
    from scrapers.demo import run_demo

    run_demo(db=db, warc_dir=warc_dir, port=port, console=Console())
