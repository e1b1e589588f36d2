"""Batch jobs above the archive and the extractor: ingest user inputs, re-extract stored captures.

The archive never calls the extractor (floor rule), so the two meet here. Inputs are HTML files,
WARC files (each HTML response becomes a record that remembers its capture) and JSON Lines of
records from ``vnnews extract``. A bad input is named in ``failures`` and the job carries on.
"""

from __future__ import annotations

import gzip
import io
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from archive import Archive
from models.errors import VnnewsError
from models.record import Record
from scrapers.inputs import InputFailure, Page, is_warc, iter_inputs, iter_warc

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json", ".jsonl.gz")


@dataclass
class JobReport:
    counts: dict[str, int] = field(default_factory=lambda: {"new": 0, "updated": 0, "unchanged": 0, "failed": 0})
    failures: list[str] = field(default_factory=list)  # one line per failed input: "origin: reason"

    def fail(self, message: str) -> None:
        self.counts["failed"] += 1
        self.failures.append(message)


def is_jsonl(path: str) -> bool:
    return path.lower().endswith(JSONL_SUFFIXES)


def _extractor() -> tuple[Callable[..., Record], str]:
    from extractor import EXTRACTOR_VERSION, extract

    return extract, EXTRACTOR_VERSION


def _records_from_pages(pages: Iterable[Page | InputFailure], report: JobReport
                        ) -> Iterator[tuple[Record, str | None, int | None]]:
    extract, _ = _extractor()
    for page in pages:
        if isinstance(page, InputFailure):
            report.fail(page.message)
            continue
        try:
            rec = extract(page.body, page.url, http_charset=page.http_charset, fetched_at=page.fetched_at)
        except VnnewsError as e:
            report.fail(f"{page.origin}: {e.message}")
            continue
        yield rec, page.warc_path, page.warc_offset


def _records_from_jsonl(path: str, report: JobReport) -> Iterator[tuple[Record, None, None]]:
    opener = gzip.open if path.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8") as fh:
            yield from _records_from_lines(path, fh, report)
    except (OSError, UnicodeDecodeError, EOFError) as e:
        report.fail(f"{path}: {getattr(e, 'strerror', None) or e}")


def _records_from_lines(origin: str, lines: Iterable[str], report: JobReport
                        ) -> Iterator[tuple[Record, None, None]]:
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield Record.model_validate_json(line), None, None
        except ValidationError as e:
            first = e.errors()[0]
            where = ".".join(str(x) for x in first.get("loc", ())) or "record"
            report.fail(f"{origin}:{n}: not a record ({where}: {first.get('msg')})")


def _records_from_stdin(report: JobReport) -> Iterator[tuple[Record, str | None, int | None]]:
    """``vnnews extract page.html | vnnews ingest -``: stdin holds JSON Lines of records when it
    starts with ``{``, else one HTML page."""
    data = sys.stdin.buffer.read()
    if data.lstrip()[:1] == b"{":
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            report.fail(f"-: JSON Lines that are not UTF-8 ({e.reason})")
            return
        yield from _records_from_lines("-", text.splitlines(), report)
    else:
        yield from _records_from_pages(iter_inputs(["-"], stdin=io.BytesIO(data)), report)


def iter_path_records(paths: Iterable[str], report: JobReport
                      ) -> Iterator[tuple[Record, str | None, int | None]]:
    """Records from every input in order: JSON Lines as they are, pages through the extractor.
    A directory stands for the HTML, WARC and JSON Lines files under it (sorted)."""
    for path in _expand(paths):
        if path == "-":
            yield from _records_from_stdin(report)
        elif is_jsonl(path):
            yield from _records_from_jsonl(path, report)
        elif path != "-" and not is_warc(path) and not Path(path).exists():
            report.fail(f"{path}: no such file")
        else:
            yield from _records_from_pages(iter_inputs([path]), report)


def _expand(paths: Iterable[str]) -> Iterator[str]:
    for path in paths:
        p = Path(path)
        if path != "-" and p.is_dir():
            yield from sorted(str(f) for f in p.rglob("*") if f.is_file() and (
                f.suffix.lower() in (".html", ".htm") or is_warc(f.name) or is_jsonl(f.name)))
        else:
            yield path


def ingest_paths(archive: Archive, paths: Iterable[str]) -> JobReport:
    """Ingest HTML/WARC/JSONL inputs into ``archive``; returns counts and the failures by name.
    Commits follow the archive's batching: every 20,000 records or every 10 seconds."""
    report = JobReport()
    counts = archive.ingest_many(iter_path_records(paths, report))
    for k, v in counts.items():
        report.counts[k] += v
    return report


def reextract(archive: Archive, *, batch: int = 200) -> JobReport:
    """Rebuild every record that has a stored capture with the current extractor.

    Captures are read WARC by WARC (one pass over each file, only the wanted offsets). A record whose
    WARC is gone is reported, not dropped: the archive keeps its previous extraction.
    """
    report = JobReport()
    by_warc: dict[str, list[tuple[str, int]]] = {}
    for rid, path, offset in archive.captures():
        by_warc.setdefault(path, []).append((rid, offset))

    def records() -> Iterator[tuple[Record, str, int]]:
        for path, wanted in by_warc.items():
            if not Path(path).exists():
                for rid, _ in wanted:
                    report.fail(f"{rid}: its capture {path} is missing; kept the previous extraction")
                continue
            expected = {off: rid for rid, off in wanted}
            seen: set[int] = set()
            for rec, wpath, woff in _records_from_pages(iter_warc(path, offsets=expected), report):
                seen.add(woff)
                yield rec, wpath, woff
            for off in expected.keys() - seen:
                report.fail(f"{path}#{off}: capture of {expected[off]} not readable; kept the previous extraction")

    counts = archive.ingest_many(records(), batch=batch)
    for k, v in counts.items():
        report.counts[k] += v
    return report


def dumps_report(report: JobReport) -> str:
    return json.dumps({**report.counts, "failures": report.failures}, ensure_ascii=False)
