"""CLI command ``vnnews serve``: the HTTP API and the web page over one archive."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated

import typer

from models.errors import InputError
from service.cli import app, err


@app.command()
def serve(
    db: Annotated[Path, typer.Option("--db", envvar="VNNEWS_DB", help="Archive database (SQLite).")] = Path(
        "data/archive.db"),
    host: Annotated[str, typer.Option(help="Address to listen on; keep 127.0.0.1 unless behind a proxy.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="TCP port.")] = 8000,
    token: Annotated[str | None, typer.Option(envvar="VNNEWS_TOKEN",
                                              help="Bearer token required by POST /ingest.")] = None,
    allow_private: Annotated[bool, typer.Option(
        "--allow-private", help="Let GET /extract fetch loopback/private/link-local addresses.")] = False,
    max_body_mb: Annotated[float, typer.Option("--max-body-mb", min=0.001,
                                               help="Largest request body accepted, in MB.")] = 10.0,
    extract_timeout: Annotated[float, typer.Option(min=0.1, help="Seconds before an extraction answers 504.")] = 30.0,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs) and the search page at / for one archive.

    POST /ingest needs `Authorization: Bearer TOKEN` when --token (or VNNEWS_TOKEN) is set.

    Without a token anyone who can reach the port could write to the archive, so the server then listens on loopback only.
    """
    import uvicorn

    from service.api import create_app

    if not db.exists():
        raise InputError(f"{db}: no such archive (create it with `vnnews ingest` or `vnnews crawl`)")
    if token is None and not _is_loopback(host):
        raise InputError(f"refusing to listen on {host} without --token: POST /ingest would be open to anyone")
    application = create_app(db, token=token, allow_private=allow_private,
                             max_body=int(max_body_mb * 2**20), extract_timeout=extract_timeout)
    shown = f"[{host}]" if ":" in host else host
    err.print(f"vnnews: serving {db} on http://{shown}:{port}/ (API docs: /docs)", soft_wrap=True)
    uvicorn.run(application, host=host, port=port, log_level="warning", access_log=False)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
