"""The HTTP API and the web page: a thin FastAPI layer over the same library calls the CLI makes.

Every error leaves through one handler as ``{"error": ..., "detail": ...}`` with the status its
:class:`models.errors.VnnewsError` class carries; FastAPI's own validation and routing errors are
reshaped to match, so a client parses one error format. Anything the handler does not know is a
bug of ours and is the only way to get a 500.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import dataclasses
import functools
import hashlib
import hmac
import json
import logging
import os
import pathlib
import queue
import ssl
import tempfile
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import httpx
from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from models.errors import (
    AuthError,
    DecodeError,
    ExtractTimeoutError,
    FetchError,
    ForbiddenError,
    InputError,
    QueryError,
    UnsupportedMediaError,
    VnnewsError,
)
from models.record import Record
from scrapers.guard import GuardedTransport
from scrapers.inputs import charset_of
from service import chart
from service.api_io import read_body, spool_body, stream_writer
from service.suggest import suggest_places

log = logging.getLogger("vnnews.api")
WEB = pathlib.Path(__file__).with_name("web")
DEFAULT_EXTRACT_TIMEOUT = 30.0

Kind = Literal["new_members", "transfers", "badges", "party_members_total", "party_orgs_total",
               "candidates_trained"]
HeadlineKind = Literal["new_members", "transfers", "badges"]  # what /stats sums (Record.summary)
By = Literal["province", "district", "commune"]
Per = Literal["year", "month", "none"]


class ApiError(BaseModel):
    """Every error response: a one-line message for people and an optional detail."""

    error: str
    detail: Any = None


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ApiError, "description": "Bad input: malformed query, bad date, unknown place, bad parameter"},
    404: {"model": ApiError, "description": "No such record"},
    413: {"model": ApiError, "description": "Request body over the server's limit"},
    500: {"model": ApiError, "description": "A bug or an archive failure on our side"},
}


def _error(status: int, message: str, detail: Any = None) -> JSONResponse:
    return JSONResponse({"error": message, "detail": detail}, status_code=status)


def _jsonable(obj: Any) -> Any:
    """Archive results may be pydantic models, dataclasses or plain dicts; the wire sees JSON."""
    if hasattr(obj, "to_dict") and not isinstance(obj, type):
        return _jsonable(obj.to_dict())
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json")
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {k: _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    return obj


class _Archives:
    """A small pool of :class:`archive.Archive` connections; each request checks one out.

    Not one per worker thread (the server runs up to 40, and each connection keeps a 64 MB page
    cache), and not one shared connection: a slow query would hold up every other request.
    """

    def __init__(self, path: str, size: int = 4) -> None:
        self.path = path
        self.size = size
        self._idle: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._all: list[Any] = []
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def use(self) -> Iterator[Any]:
        try:
            archive = self._idle.get_nowait()
        except queue.Empty:
            with self._lock:
                grow = len(self._all) < self.size
                if grow:
                    from archive import Archive

                    self._all.append(Archive(self.path))
                    archive = self._all[-1]
            if not grow:
                archive = self._idle.get()
        try:
            yield archive
        finally:
            self._idle.put(archive)

    def close(self) -> None:
        with self._lock:
            for archive in self._all:
                with contextlib.suppress(Exception):
                    archive.close()
            self._all.clear()


def _filters(**params: Any) -> Any:
    """The archive's Filters from query parameters; a value it rejects is the caller's mistake."""
    from archive import Filters

    given = {k: v for k, v in params.items() if v not in (None, "")}
    try:
        return Filters(**given)
    except (ValidationError, TypeError, ValueError) as e:
        raise QueryError("bad filter", detail=str(e).splitlines()[0]) from e


def filter_params(
    province: Annotated[str | None, Query(description="province name or code, either era")] = None,
    district: Annotated[str | None, Query(description="district name or code (pre-2025 map)")] = None,
    commune: Annotated[str | None, Query(description="commune name or code, either era")] = None,
    date_from: Annotated[str | None, Query(alias="from", description="YYYY-MM-DD, inclusive")] = None,
    date_to: Annotated[str | None, Query(alias="to", description="YYYY-MM-DD, inclusive")] = None,
    kind: Annotated[Kind | None, Query(description="records holding a fact of this kind")] = None,
    min_value: Annotated[int | None, Query(alias="min", ge=0)] = None,
    max_value: Annotated[int | None, Query(alias="max", ge=0)] = None,
    site: Annotated[str | None, Query()] = None,
    author: Annotated[str | None, Query()] = None,
) -> dict[str, Any]:
    return {"province": province, "district": district, "commune": commune, "date_from": date_from,
            "date_to": date_to, "kind": kind, "min_value": min_value, "max_value": max_value,
            "site": site, "author": author}


Filt = Annotated[dict[str, Any], Depends(filter_params)]


def _check_fetch_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise QueryError("url must be an absolute http(s) URL", detail=url)
    return url.strip()


def create_app(db_path: str | os.PathLike[str], *, token: str | None = None, allow_private: bool = False,
               max_body: int = 10 * 2**20, extract_timeout: float = DEFAULT_EXTRACT_TIMEOUT,
               fetch_transport: Any = None) -> FastAPI:
    """The application for one archive file.

    ``allow_private`` lets ``GET /extract`` reach loopback/LAN addresses (a local mirror, tests);
    ``fetch_transport`` replaces the guarded httpx transport — only for embedding in tests.
    """
    archives = _Archives(str(db_path))
    uploads = pathlib.Path(db_path).resolve().parent / "uploads"
    # Extraction is CPU-bound and cannot be cancelled once started; a small dedicated pool keeps a
    # pathological page from taking every server thread, and the timeout answers the client.
    extract_pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2),
                                                         thread_name_prefix="vnnews-extract")

    @functools.cache
    def tls_context() -> ssl.SSLContext:
        # Building a TLS context costs ~0.1 s of CPU; one per app, not one per fetched URL.
        return httpx.create_ssl_context()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        archives.close()
        extract_pool.shutdown(wait=False, cancel_futures=True)

    # FastAPIOffline: /docs and /redoc load Swagger UI / ReDoc from the installed package, not a CDN.
    app = FastAPIOffline(
        title="vnnews",
        summary="Party-development figures from Vietnamese news portals: extract, search, aggregate.",
        version="1.0",
        lifespan=lifespan,
        responses=ERROR_RESPONSES,
    )
    app.state.db_path = str(db_path)
    app.state.allow_private = allow_private
    app.state.max_body = max_body

    # ---- errors: one shape for everything -------------------------------------------------------
    @app.exception_handler(VnnewsError)
    async def _vnnews_error(_: Request, exc: VnnewsError) -> JSONResponse:
        if exc.http_status >= 500 and not isinstance(exc, (FetchError, ExtractTimeoutError)):
            log.error("server error: %s (%s)", exc.message, exc.detail)
        headers = {"WWW-Authenticate": "Bearer"} if exc.http_status == 401 else None
        return JSONResponse(exc.to_dict(), status_code=exc.http_status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg')}"
                    for e in exc.errors()]
        return _error(400, "invalid request: " + "; ".join(problems), [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")} for e in exc.errors()])

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"error": str(exc.detail), "detail": None}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _bug(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return _error(500, "internal error", type(exc).__name__)

    # ---- extraction -----------------------------------------------------------------------------
    from extractor import extract

    async def run_extract(body: bytes | str, url: str | None, charset: str | None) -> Response:
        def work() -> str:
            return extract(body, url=url, http_charset=charset).model_dump_json()

        loop = asyncio.get_running_loop()
        try:
            out = await asyncio.wait_for(loop.run_in_executor(extract_pool, work), extract_timeout)
        except TimeoutError:
            raise ExtractTimeoutError(f"extraction took longer than {extract_timeout:g} s") from None
        return Response(out, media_type="application/json")

    html_body = {"requestBody": {"required": True, "content": {
        "text/html": {"schema": {"type": "string"}},
        "application/json": {"schema": {"type": "object", "required": ["html"], "properties": {
            "html": {"type": "string"}, "url": {"type": "string"}}}}}}}

    @app.post("/extract", response_model=Record, tags=["extract"], openapi_extra=html_body,
              summary="Extract a posted page", responses={415: {"model": ApiError}, 422: {"model": ApiError}, 504: {"model": ApiError}})
    async def extract_posted(request: Request, url: Annotated[str | None, Query()] = None) -> Response:
        """Extract one page: an HTML body (any charset; the Content-Type charset wins) with ``?url=``,
        or JSON ``{"html": ..., "url": ...}``. Returns the Record."""
        body = await read_body(request, max_body)
        ctype = request.headers.get("content-type", "")
        media = ctype.split(";", 1)[0].strip().lower()
        if media == "application/json":
            try:
                doc = json.loads(body)
            except (ValueError, UnicodeDecodeError) as e:
                raise InputError("body is not valid JSON", detail=str(e)) from e
            if not isinstance(doc, dict) or not isinstance(doc.get("html"), str):
                raise InputError('JSON body must be an object with an "html" string')
            if doc.get("url") is not None and not isinstance(doc["url"], str):
                raise InputError('"url" must be a string')
            return await run_extract(doc["html"], doc.get("url") or url, None)
        if media and not (media.startswith("text/") or media in (
                "application/xhtml+xml", "application/octet-stream", "application/xml")):
            raise UnsupportedMediaError(f"cannot extract from {media}", detail="send text/html or application/json")
        return await run_extract(body, url, charset_of(ctype))

    @app.get("/extract", response_model=Record, tags=["extract"], summary="Fetch a URL and extract it",
             responses={403: {"model": ApiError}, 502: {"model": ApiError}, 504: {"model": ApiError}})
    async def extract_fetched(url: Annotated[str, Query(description="http(s) URL of an article")]) -> Response:
        """Fetch the page through the polite fetcher — refusing loopback, private, link-local and
        metadata addresses after DNS and after every redirect, unless the server allows private
        addresses — then extract it."""
        from scrapers.fetch import fetch_one

        target = _check_fetch_url(url)
        transport = fetch_transport or GuardedTransport(allow_private=allow_private, verify=tls_context())
        try:
            page = await asyncio.wait_for(
                fetch_one(target, transport=transport, max_bytes=max_body, timeout=min(20.0, extract_timeout)),
                extract_timeout)
        except TimeoutError:
            raise ExtractTimeoutError(f"fetching took longer than {extract_timeout:g} s") from None
        finally:
            if fetch_transport is None:
                await transport.aclose()
        return await run_extract(page.body, page.final_url or target, charset_of(page.headers.get("content-type")))

    # ---- archive queries ------------------------------------------------------------------------

    @app.get("/records/{record_id}", response_model=Record, tags=["archive"], summary="One record")
    def get_record(record_id: Annotated[str, Path(max_length=100)]) -> Response:
        """One stored record with its facts and their evidence."""
        with archives.use() as archive:
            record = archive.get(record_id)
        return Response(record.model_dump_json(), media_type="application/json")

    @app.get("/search", tags=["archive"], summary="Full-text search with filters")
    def search(filt: Filt, q: Annotated[str, Query(max_length=1000, description='words, "phrase", prefix*')] = "",
               limit: Annotated[int, Query(ge=1, le=500)] = 20,
               offset: Annotated[int, Query(ge=0)] = 0) -> dict[str, Any]:
        """Full-text search, diacritic-insensitive ("dang vien" finds "đảng viên"), with filters;
        exact-accent matches rank first. ``snippet`` marks matches with ``[[``/``]]`` (plain text),
        ``snippet_html`` with ``<mark>`` (HTML-escaped). ``total_exact`` is false when the query
        matched more rows than the archive ranks; ``total`` is then an estimate."""
        with archives.use() as archive:
            result = archive.search(q, _filters(**filt), limit=limit, offset=offset)
        return {"total": result.total, "total_exact": result.total_exact, "limit": limit, "offset": offset,
                "hits": [_jsonable(h) for h in result.hits]}

    def run_stats(filt: dict[str, Any], kind: str, by: str, per: str) -> Any:
        stats_filt = {k: v for k, v in filt.items() if k != "kind"}
        with archives.use() as archive:
            return archive.stats(kind, by, None if per == "none" else per, _filters(**stats_filt))

    @app.get("/stats", tags=["archive"], summary="Figures by place and period")
    def stats(filt: Filt, kind: Annotated[HeadlineKind, Query()] = "new_members", by: Annotated[By, Query()] = "province",
              per: Annotated[Per, Query()] = "year") -> dict[str, Any]:
        """Headline figures summed by place and period, counting no one twice: repeats of a figure are
        dropped, later or wider reports (and a place's own figure over its sub-units') supersede."""
        result = run_stats(filt, kind, by, per)
        return {"kind": kind, "by": by, "per": per, "rows": _jsonable(result.rows),
                "duplicates_dropped": result.duplicates_dropped, "superseded": result.superseded}

    @app.get("/chart.svg", tags=["archive"], response_class=Response, summary="Figures as an SVG bar chart",
             responses={200: {"content": {"image/svg+xml": {}}}})
    def chart_svg(filt: Filt, kind: Annotated[HeadlineKind, Query()] = "new_members",
                  by: Annotated[By, Query()] = "district", per: Annotated[Per, Query()] = "year") -> Response:
        """The /stats figures as a bar chart: one group per place, one bar per period."""
        result = run_stats(filt, kind, by, per)
        rows = [_jsonable(r) for r in result.rows]
        title = chart.KIND_LABELS.get(kind, kind)
        if result.duplicates_dropped:
            title += f" (bỏ {result.duplicates_dropped} số liệu trùng)"
        svg = chart.bar_chart(rows, group_key=by, series_key=per, title=title)
        return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})

    @app.get("/places", tags=["archive"], summary="Place names for pickers (both eras)")
    def places(q: Annotated[str, Query(min_length=1, max_length=100)],
               level: Annotated[By | None, Query()] = None,
               limit: Annotated[int, Query(ge=1, le=100)] = 20) -> dict[str, Any]:
        """Administrative units whose name matches ``q`` (diacritics optional), in both eras."""
        return {"places": suggest_places(q, level=level, limit=limit)}

    @app.get("/export", tags=["archive"], response_class=StreamingResponse, summary="Stream records as JSONL/CSV",
             responses={200: {"content": {"application/x-ndjson": {}, "text/csv": {}}}})
    async def export(filt: Filt, fmt: Annotated[Literal["jsonl", "csv"], Query(alias="format")] = "jsonl") -> Response:
        """Every matching record, streamed as JSON Lines or CSV."""
        filters = _filters(**filt)

        def produce(out: Any) -> None:
            with archives.use() as archive:
                archive.export(fmt, out, filters)

        # The archive checks filters (unknown place, bad date) before it writes anything, so waiting
        # for the first chunk turns a bad filter into a 400 while the response has not started yet.
        chunks = stream_writer(produce)
        try:
            first = await anext(chunks)
        except StopAsyncIteration:
            first = b""

        async def body() -> AsyncIterator[bytes]:
            if first:
                yield first
            async for chunk in chunks:
                yield chunk

        media = "application/x-ndjson" if fmt == "jsonl" else "text/csv; charset=utf-8"
        return StreamingResponse(body(), media_type=media, headers={
            "Content-Disposition": f'attachment; filename="vnnews-export.{fmt}"'})

    # ---- ingest ---------------------------------------------------------------------------------
    def authorize(request: Request) -> None:
        if token is None:
            return
        header = request.headers.get("authorization", "")
        scheme, _, given = header.partition(" ")
        if not header:
            raise AuthError("this server needs a bearer token to ingest",
                            detail="send Authorization: Bearer <token>")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
            raise ForbiddenError("wrong token")

    ingest_body = {"requestBody": {"required": True, "content": {
        "application/x-ndjson": {"schema": {"type": "string", "description": "one Record per line"}},
        "application/warc": {"schema": {"type": "string", "format": "binary"}}}}}

    @app.post("/ingest", tags=["archive"], openapi_extra=ingest_body, summary="Store records or a WARC",
              responses={401: {"model": ApiError}, 403: {"model": ApiError}, 422: {"model": ApiError}})
    async def ingest(request: Request) -> dict[str, Any]:
        """Store records: JSON Lines of Records (as ``vnnews extract`` prints them; all or nothing),
        or a WARC / WARC.gz upload whose HTML responses are extracted. An uploaded WARC is kept under
        ``uploads/`` beside the archive so ``vnnews reextract`` can rebuild its records later.
        Needs the bearer token when the server has one."""
        authorize(request)
        uploads.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=uploads, prefix=".upload-", suffix=".part") as tmp:
            size = await spool_body(request, max_body, tmp)
            if size == 0:
                raise InputError("empty body")
            tmp.seek(0)
            head = tmp.read(5)
            media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
            if not (head.startswith(b"\x1f\x8b") or head == b"WARC/" or "warc" in media):
                tmp.seek(0)
                return await asyncio.to_thread(ingest_jsonl, tmp.read())
            tmp.seek(0)
            digest = await asyncio.to_thread(_sha256_file, tmp)
            gzipped = head.startswith(b"\x1f\x8b")
            path = uploads / (digest[:24] + (".warc.gz" if gzipped else ".warc"))
            if not path.exists():
                os.link(tmp.name, path)
        return await asyncio.to_thread(ingest_warc, str(path))

    def ingest_jsonl(data: bytes) -> dict[str, Any]:
        records = []
        for n, line in enumerate(data.splitlines(), 1):
            if not line.strip():
                continue
            try:
                records.append(Record.model_validate_json(line))
            except ValidationError as e:
                first = e.errors()[0] if e.errors() else {}
                where = ".".join(str(p) for p in first.get("loc", ()))
                raise InputError(f"line {n}: not a Record ({where or 'json'}: {first.get('msg', e)})") from None
        if not records:
            raise InputError("no records in body")
        with archives.use() as archive:
            counts = archive.ingest_many(records)
        return {"received": len(records), "counts": counts, "failures": []}

    def ingest_warc(path: str) -> dict[str, Any]:
        from scrapers.jobs import ingest_paths

        with archives.use() as archive:
            report = ingest_paths(archive, [path])
        stored = sum(v for k, v in report.counts.items() if k != "failed")
        if stored == 0:
            raise DecodeError("no HTML page could be read from the upload",
                              detail="; ".join(report.failures) or "the WARC holds no HTML response records")
        return {"received": stored + report.counts.get("failed", 0), "counts": report.counts,
                "failures": report.failures, "warc": path}

    # ---- the page -------------------------------------------------------------------------------
    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(WEB / "index.html", media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=WEB), name="static")
    return app


def _sha256_file(fh: Any) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: fh.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


__all__ = ["create_app"]
