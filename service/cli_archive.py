"""CLI commands over the archive: ingest, search, stats, show, export, reextract.

Each command is one library call (archive.Archive / scrapers.jobs) plus formatting; errors are
models.errors exceptions that service.cli.main turns into one line and an exit code.
"""

from __future__ import annotations

import csv
import json
import sys
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from archive import Archive, Filters
from models.errors import InputError
from service.cli import app

DB_HELP = "Archive database (SQLite file)."
DbOpt = typer.Option(Path("data/archive.db"), "--db", envvar="VNNEWS_DB", help=DB_HELP)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class SearchFormat(StrEnum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"


class StatsFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class ShowFormat(StrEnum):
    pretty = "pretty"
    json = "json"


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


class By(StrEnum):
    province = "province"
    district = "district"
    commune = "commune"


class Per(StrEnum):
    year = "year"
    month = "month"
    none = "none"


def _filters(province: str | None, district: str | None, commune: str | None, date_from: str | None,
             date_to: str | None, site: str | None, author: str | None, kind: str | None,
             min_value: int | None, max_value: int | None) -> Filters:
    return Filters(province=province, district=district, commune=commune, date_from=date_from, date_to=date_to,
                   site=site, author=author, kind=kind, min_value=min_value, max_value=max_value)


ProvinceOpt = typer.Option(None, "--province", help="Province name or code (either era).")
DistrictOpt = typer.Option(None, "--district", help="District name or code (pre-2025 units).")
CommuneOpt = typer.Option(None, "--commune", help="Commune/ward name or code (either era).")
FromOpt = typer.Option(None, "--from", help="Published on or after (YYYY, YYYY-MM or YYYY-MM-DD).")
ToOpt = typer.Option(None, "--to", help="Published on or before (YYYY, YYYY-MM or YYYY-MM-DD).")
SiteOpt = typer.Option(None, "--site", help="Host, e.g. giabinh.bacninh.gov.vn (subdomains included).")
AuthorOpt = typer.Option(None, "--author", help="Author name (diacritics optional).")
KindOpt = typer.Option(None, "--kind", help="Records with an actual fact of this kind.")
MinOpt = typer.Option(None, "--min", help="Fact value at least this.")
MaxOpt = typer.Option(None, "--max", help="Fact value at most this.")


def _existing(db: Path) -> Archive:
    """Open an archive a read command needs: a typo in --db must not silently create an empty one."""
    if not db.exists():
        raise InputError(f"{db}: no such archive (create it with `vnnews ingest` or `vnnews crawl`)")
    return Archive(db)


def _marked(snippet: str) -> Text:
    """A snippet's [[...]] matches as highlighted rich text (no markup parsing of article text)."""
    text = Text()
    for i, part in enumerate(snippet.replace("]]", "[[").split("[[")):
        text.append(part, style="bold yellow" if i % 2 else None)
    return text


@app.command()
def ingest(paths: list[str] = typer.Argument(..., help="HTML files, WARC files, JSON Lines of records."),
           db: Path = DbOpt) -> int:
    """Store pages (through the extractor) or records (JSON Lines from `vnnews extract`) in the archive.

    Prints how many records were new, updated, unchanged and failed; each failed input is named on
    stderr, and the exit status is non-zero when any input failed (the good ones are still stored).
    """
    from scrapers.jobs import ingest_paths

    with Archive(db) as archive:
        report = ingest_paths(archive, paths)
    for line in report.failures:
        err.print(f"failed: {escape(line)}")
    c = report.counts
    out.print(f"new {c['new']}, updated {c['updated']}, unchanged {c['unchanged']}, failed {c['failed']}")
    return 1 if c["failed"] else 0


@app.command()
def search(query: str = typer.Argument("", help='Words, "phrases", prefix*, AND/OR/NOT; diacritics optional.'),
           province: str | None = ProvinceOpt, district: str | None = DistrictOpt,
           commune: str | None = CommuneOpt, date_from: str | None = FromOpt, date_to: str | None = ToOpt,
           site: str | None = SiteOpt, author: str | None = AuthorOpt, kind: str | None = KindOpt,
           min_value: int | None = MinOpt, max_value: int | None = MaxOpt,
           limit: int = typer.Option(20, "--limit", min=0, help="Hits to show."),
           offset: int = typer.Option(0, "--offset", min=0, help="Hits to skip."),
           fmt: SearchFormat = typer.Option(SearchFormat.table, "--format", help="table, jsonl or csv."),
           db: Path = DbOpt) -> None:
    """Full-text search of the archive (Vietnamese folding: "dang vien" finds "đảng viên")."""
    f = _filters(province, district, commune, date_from, date_to, site, author, kind, min_value, max_value)
    with _existing(db) as archive:
        result = archive.search(query, f, limit=limit, offset=offset)
    if fmt is SearchFormat.jsonl:
        for h in result.hits:
            sys.stdout.write(json.dumps(h.to_dict(), ensure_ascii=False) + "\n")
    elif fmt is SearchFormat.csv:
        w = csv.writer(sys.stdout)
        w.writerow(["id", "score", "published", "site", "province", "district", "commune", "title", "url", "snippet"])
        for h in result.hits:
            loc = h.locality
            w.writerow([h.id, h.score, h.published, h.site, loc and loc.province, loc and loc.district,
                        loc and loc.commune, h.title, h.url, h.snippet])
    else:
        about = "" if result.total_exact else "about "
        table = Table(title=f"{about}{result.total} records match", show_lines=True)
        for col in ("id", "published", "place", "title / snippet"):
            table.add_column(col, overflow="fold")
        for h in result.hits:
            loc = h.locality
            place = ", ".join(x for x in (loc.commune, loc.district, loc.province) if x) if loc else ""
            table.add_row(h.id, (h.published or "")[:10], place,
                          Text(h.title or "", style="bold") + Text("\n") + _marked(h.snippet))
        out.print(table)


@app.command()
def stats(kind: str = typer.Option(..., "--kind", help="new_members, transfers or badges."),
          by: By = typer.Option(By.province, "--by", help="Place level to group by."),
          per: Per = typer.Option(Per.year, "--per", help="year, month or none."),
          province: str | None = ProvinceOpt, district: str | None = DistrictOpt,
          commune: str | None = CommuneOpt, date_from: str | None = FromOpt, date_to: str | None = ToOpt,
          site: str | None = SiteOpt, author: str | None = AuthorOpt,
          min_value: int | None = MinOpt, max_value: int | None = MaxOpt,
          fmt: StatsFormat = typer.Option(StatsFormat.table, "--format", help="table, json or csv."),
          db: Path = DbOpt) -> None:
    """Sum headline figures by place and period, counting no one twice.

    A figure reported by several articles counts once (duplicates dropped); for one place, kind and
    period the latest report supersedes earlier different figures, a wider period supersedes the
    periods inside it, and a place's own figure supersedes the sum of its sub-units."""
    f = _filters(province, district, commune, date_from, date_to, site, author, None, min_value, max_value)
    with _existing(db) as archive:
        result = archive.stats(kind, by=by.value, per=None if per is Per.none else per.value, filters=f)
    rows = result.rows
    if fmt is StatsFormat.json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
        return
    keys = list(rows[0]) if rows else [by.value, *([] if per is Per.none else [per.value]), "kind", "total",
                                      "articles", "duplicates_dropped", "superseded"]
    if fmt is StatsFormat.csv:
        w = csv.DictWriter(sys.stdout, fieldnames=keys)
        w.writeheader()
        w.writerows(rows)
        return
    table = Table(title=f"{kind} by {by.value}" + ("" if per is Per.none else f" and {per.value}"),
                  caption=f"duplicates dropped: {result.duplicates_dropped}; superseded: {result.superseded}")
    for k in keys:
        table.add_column(k, justify="right" if k in ("total", "articles", "duplicates_dropped", "superseded") else "left")
    for r in rows:
        table.add_row(*("" if r[k] is None else escape(str(r[k])) for k in keys))
    out.print(table)


@app.command()
def show(record_id: str = typer.Argument(..., metavar="ID", help="Record id."),
         fmt: ShowFormat = typer.Option(ShowFormat.pretty, "--format", help="pretty or json."),
         db: Path = DbOpt) -> None:
    """Print one record with its facts and the evidence behind each."""
    with _existing(db) as archive:
        rec = archive.get(record_id)
    if fmt is ShowFormat.json:
        sys.stdout.write(rec.model_dump_json(indent=1) + "\n")
        return
    loc = rec.locality
    out.print(f"[bold]{escape(rec.title or '(no title)')}[/]")
    out.print(f"{rec.id}  {rec.published or '?'}  {escape(rec.url or '')}")
    if rec.author or rec.source:
        out.print(f"author: {escape(rec.author or '-')}  source: {escape(rec.source or '-')}")
    if loc:
        out.print("place: " + escape(", ".join(x for x in (loc.commune, loc.district, loc.province) if x))
                  + (f" ({loc.era})" if loc.era else ""))
    s = rec.summary
    out.print(f"summary: new_members={s.new_members} transfers={s.transfers} badges={s.badges}"
              + (f" by years {s.badges_by_years}" if s.badges_by_years else ""))
    out.print(f"extractor: {rec.extractor.name} {rec.extractor.version}")
    for w in rec.warnings:
        out.print(f"[yellow]warning:[/] {escape(w)}")
    if rec.facts:
        table = Table(show_lines=True)
        for col in ("kind", "value", "role", "period", "place", "evidence"):
            table.add_column(col, overflow="fold")
        for fct in rec.facts:
            per = fct.period
            period = (per.label or f"{per.start or ''}..{per.end or ''}") if per else ""
            place = ", ".join(x for x in (fct.place.commune, fct.place.district, fct.place.province) if x) \
                if fct.place else ""
            ev = fct.evidence
            quote = rec.text[ev.start:ev.end] if ev.end <= len(rec.text) else ev.sentence
            table.add_row(fct.kind, f"{fct.qualifier + ' ' if fct.qualifier else ''}{fct.value}", fct.role,
                          escape(period), escape(place),
                          escape(ev.sentence).replace(escape(quote), f"[bold yellow]{escape(quote)}[/]", 1))
        out.print(table)
    out.print()
    out.print(escape(rec.text))


@app.command()
def export(fmt: ExportFormat = typer.Option(ExportFormat.jsonl, "--format", help="jsonl, csv or parquet."),
           province: str | None = ProvinceOpt, district: str | None = DistrictOpt,
           commune: str | None = CommuneOpt, date_from: str | None = FromOpt, date_to: str | None = ToOpt,
           site: str | None = SiteOpt, author: str | None = AuthorOpt, kind: str | None = KindOpt,
           min_value: int | None = MinOpt, max_value: int | None = MaxOpt,
           output: Path | None = typer.Option(None, "--output", "-o", help="File to write (default: stdout)."),
           db: Path = DbOpt) -> None:
    """Stream records out as JSON Lines (whole records), CSV or Parquet (one row per record)."""
    f = _filters(province, district, commune, date_from, date_to, site, author, kind, min_value, max_value)
    with _existing(db) as archive:
        if output is None:
            if fmt is ExportFormat.parquet and sys.stdout.isatty():
                raise InputError("refusing to write Parquet to a terminal: use --output FILE")
            n = archive.export(fmt.value, sys.stdout.buffer, f)
            sys.stdout.buffer.flush()
        else:
            tmp = output.with_name(output.name + ".part")
            try:
                with open(tmp, "wb") as fh:
                    n = archive.export(fmt.value, fh, f)
                tmp.replace(output)
            except OSError as e:
                raise InputError(f"{output}: cannot write ({e.strerror or e})") from None
            finally:
                tmp.unlink(missing_ok=True)
    err.print(f"exported {n} records")


@app.command()
def reextract(db: Path = DbOpt) -> int:
    """Rebuild every record from its stored WARC capture with the current extractor.

    Records keep their id; each now names the extractor version that made it. A record whose
    capture cannot be read keeps its previous extraction and is reported.
    """
    from scrapers.jobs import reextract as run

    with _existing(db) as archive:
        report = run(archive)
    for line in report.failures:
        err.print(f"failed: {escape(line)}")
    c = report.counts
    out.print(f"re-extracted: updated {c['updated']}, unchanged {c['unchanged']}, new {c['new']}, "
              f"failed {c['failed']}")
    return 1 if c["failed"] else 0
