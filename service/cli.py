"""The ``vnnews`` command line: a thin typer layer, one command = one library call.

Commands live in small ``cli_*`` modules by concern and register themselves on :data:`app`.
:func:`main` is the only place that turns :class:`models.VnnewsError` into an exit code, so no
command prints a traceback for bad input.
"""

from __future__ import annotations

import os
import sys

import typer
from rich.console import Console
from rich.markup import escape

from models.errors import VnnewsError

app = typer.Typer(
    name="vnnews",
    help="Crawl, archive and extract Party-development figures from Vietnamese news portals.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
err = Console(stderr=True, highlight=False)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"vnnews {version('vnnews')}")
        except PackageNotFoundError:  # running from a source tree that was never installed
            typer.echo("vnnews (not installed)")
        raise typer.Exit()


@app.callback()
def _root(show_version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                            help="Print the version and exit.")) -> None:
    """Crawl, archive and extract Party-development figures from Vietnamese news portals."""


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns (and exits with) the process exit code."""
    try:
        _register()  # inside the try: Ctrl-C during the (slow) imports is still just "interrupted"
        rv = app(args=argv, standalone_mode=False)
    except VnnewsError as e:
        err.print(f"[bold red]error:[/] {escape(e.message)}", soft_wrap=True)
        code = e.exit_code
    except (typer.Abort, KeyboardInterrupt):
        err.print("interrupted")
        code = 130
    except typer.TyperException as e:  # usage errors: unknown command, bad option, bad value
        e.show()  # type: ignore[attr-defined]
        code = getattr(e, "exit_code", 2)
    except BrokenPipeError:
        code = 0
    except Exception as e:  # a bug, not bad input: one line for the user, the traceback on request
        if os.environ.get("VNNEWS_DEBUG"):
            raise
        err.print(f"[bold red]internal error:[/] {type(e).__name__}: {escape(str(e))} "
                  "(a bug in vnnews; set VNNEWS_DEBUG=1 to see the traceback)", soft_wrap=True, markup=True)
        code = 1
    else:
        code = rv if isinstance(rv, int) else 0
        if code == 130:  # typer turns Ctrl-C into Exit(130) before we see KeyboardInterrupt
            err.print("interrupted")
    if argv is None:
        sys.exit(code)
    return code


def _register() -> None:
    # Imported for their side effect of adding commands to ``app``.
    from service import cli_archive, cli_crawl, cli_extract, cli_facts, cli_places, cli_serve  # noqa: F401
