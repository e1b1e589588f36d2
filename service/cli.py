"""The ``vnnews`` command line: a thin typer layer, one command = one library call.

Commands live in small ``cli_*`` modules by concern and register themselves on :data:`app`.
:func:`main` is the only place that turns :class:`models.VnnewsError` into an exit code, so no
command prints a traceback for bad input.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from models.errors import VnnewsError

app = typer.Typer(
    name="vnnews",
    help="Crawl, archive and extract Party-development figures from Vietnamese news portals.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
err = Console(stderr=True, highlight=False)


@app.callback()
def _root() -> None:
    """Crawl, archive and extract Party-development figures from Vietnamese news portals."""


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns (and exits with) the process exit code."""
    _register()
    try:
        rv = app(args=argv, standalone_mode=False)
    except VnnewsError as e:
        err.print(f"[bold red]error:[/] {e.message}", soft_wrap=True)
        code = e.exit_code
    except (typer.Abort, KeyboardInterrupt):
        err.print("interrupted")
        code = 130
    except typer.TyperException as e:  # usage errors: unknown command, bad option, bad value
        e.show()  # type: ignore[attr-defined]
        code = getattr(e, "exit_code", 2)
    except BrokenPipeError:
        code = 0
    else:
        code = rv if isinstance(rv, int) else 0
    if argv is None:
        sys.exit(code)
    return code


def _register() -> None:
    # Imported for their side effect of adding commands to ``app``.
    from service import cli_archive, cli_crawl, cli_extract, cli_facts, cli_places, cli_serve  # noqa: F401
