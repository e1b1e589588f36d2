"""CLI commands for extraction: ``schema``, ``extract`` and ``eval``."""

from __future__ import annotations

import json
import sys
from enum import StrEnum

import typer

from models.errors import DecodeError, InputError, VnnewsError
from models.record import Record
from service.cli import app, err


@app.command()
def schema() -> None:
    """Print the JSON Schema of a record (the contract of `vnnews extract` output)."""
    typer.echo(json.dumps(Record.model_json_schema(), ensure_ascii=False, indent=2))


@app.command()
def extract(
    paths: list[str] = typer.Argument(..., metavar="PATH...",
                                      help="HTML files, WARC/WARC.gz files, or - for stdin."),
    url: str | None = typer.Option(None, "--url", help="URL of a single HTML input (sets id, site, date from path)."),
    pretty: bool = typer.Option(False, "--pretty", help="Indented JSON for people instead of JSON Lines."),
) -> int:
    """Extract one record per page as JSON Lines on stdout, in input order.

    An input that cannot be read or is not an HTML page gets one line on stderr naming it; the others are still processed and the exit code is non-zero at the end.
    """
    from extractor import extract as run
    from scrapers.inputs import InputFailure, iter_inputs

    html_inputs = [p for p in paths if p != "-" and not p.lower().endswith((".warc", ".warc.gz", ".arc", ".arc.gz"))]
    if url and len(paths) > 1:
        raise InputError("--url applies to a single HTML input")
    failed_code = 0
    out = sys.stdout
    with _progress(len(html_inputs)) as advance:
        for item in iter_inputs(paths, url=url):
            if isinstance(item, InputFailure):
                err.print(f"error: {item.message}", soft_wrap=True, markup=False, highlight=False)
                failed_code = max(failed_code, DecodeError.exit_code)
                advance()
                continue
            try:
                record = run(item.body, item.url, http_charset=item.http_charset, fetched_at=item.fetched_at)
            except VnnewsError as e:
                err.print(f"error: {item.origin}: {e.message}", soft_wrap=True, markup=False, highlight=False)
                failed_code = max(failed_code, e.exit_code)
            else:
                out.write(record.model_dump_json(indent=2 if pretty else None) + "\n")
            advance()
    out.flush()
    return failed_code


class _Progress:
    """A rich progress bar on stderr, only for people watching many inputs go by."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.bar = None

    def __enter__(self):
        if self.total >= 20 and sys.stderr.isatty():
            from rich.progress import Progress

            self.bar = Progress(console=err, transient=True)
            self.bar.__enter__()
            task = self.bar.add_task("extracting", total=self.total)
            return lambda: self.bar.advance(task)
        return lambda: None

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


def _progress(total: int) -> _Progress:
    return _Progress(total)


class EvalFormat(StrEnum):
    table = "table"
    json = "json"


@app.command("eval")
def eval_(
    directory: str = typer.Argument(..., metavar="DIR", help="Corpus directory with pages/ and gold/."),
    compare: list[str] = typer.Option([], "--compare", help="Also score another extractor: trafilatura."),
    fmt: EvalFormat = typer.Option(EvalFormat.table, "--format", help="table or json."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List every page that lost points and why."),
) -> int:
    """Score extraction against the gold JSON of a corpus: per-field accuracy, side by side with other extractors when asked (--compare trafilatura)."""
    from extractor.evaluate import FIELDS, RUNNERS, aggregate, misses, score_page
    from scrapers.inputs import iter_corpus

    unknown = [c for c in compare if c not in RUNNERS or c == "vnnews"]
    if unknown:
        raise InputError(f"--compare: unknown extractor {unknown[0]!r} (known: trafilatura)")
    if "trafilatura" in compare:
        try:
            import trafilatura  # noqa: F401
        except ImportError as e:
            raise InputError(f"--compare trafilatura needs trafilatura installed ({e})") from e
    names = ["vnnews", *dict.fromkeys(compare)]
    scores: dict[str, list[dict]] = {n: [] for n in names}
    problems: list[tuple[str, str]] = []
    pages = 0
    for gp in iter_corpus(directory):
        pages += 1
        for name in names:
            try:
                pred = RUNNERS[name](gp.body, gp.url, gp.http_charset)
            except VnnewsError as e:
                problems.append((gp.slug, f"{name}: {e.message}"))
                from extractor.evaluate import Prediction

                pred = Prediction()
            scores[name].append(score_page(pred, gp.gold))
            if verbose and name == "vnnews":
                problems.extend((gp.slug, why) for why in misses(pred, gp.gold))
    if pages == 0:
        raise InputError(f"{directory}: no page has a gold file")
    totals = {n: aggregate(s) for n, s in scores.items()}
    if fmt is EvalFormat.json:
        typer.echo(json.dumps({"pages": pages, "scores": totals,
                               "problems": [{"slug": s, "why": w} for s, w in problems]},
                              ensure_ascii=False, indent=2))
        return 0
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=escape(f"Extraction accuracy on {pages} pages ({directory})"))
    table.add_column("field")
    for n in names:
        table.add_column(n, justify="right")
    for key, label in FIELDS:
        table.add_row(label, *("–" if totals[n][key] is None else f"{totals[n][key]:.3f}" for n in names))
    console = Console()
    console.print(table)
    for slug, why in problems:
        console.print(f"  {slug}: {why}", markup=False, highlight=False)
    return 0
