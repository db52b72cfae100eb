"""Media types of the ingest bodies and how they are read.

Ingest views never touch `request.data`: JSON and NDJSON bodies are read whole with a byte
limit (CX_INGEST_MAX_BYTES, refused with 413 before reading when Content-Length says so),
and CSV is read from the request stream in 1 MiB chunks, so its size is not bounded by
memory. The parser classes below only tell DRF and the OpenAPI schema which types exist.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.settings import api_settings

from cxmetrics.csvsafe import csv_text
from cxmetrics.ingest.types import IngestTooLarge

JSON = "application/json"
NDJSON = "application/x-ndjson"
CSV = "text/csv"
NDJSON_ALIASES = frozenset({NDJSON, "application/ndjson", "application/jsonl"})
CHUNK_BYTES = 1 << 20


class NDJSONParser(BaseParser):
    media_type = NDJSON

    def parse(self, stream, media_type=None, parser_context=None):  # type: ignore[no-untyped-def]
        raise NotImplementedError("ingest views read the stream themselves")


class CSVParser(BaseParser):
    media_type = CSV

    def parse(self, stream, media_type=None, parser_context=None):  # type: ignore[no-untyped-def]
        raise NotImplementedError("ingest views read the stream themselves")


class CSVRenderer(BaseRenderer):
    """Lets `?format=csv` / `Accept: text/csv` select the streamed export; the view streams
    the file itself, so this only renders the rare non-streamed body (a list of dicts)."""

    media_type = CSV
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):  # type: ignore[no-untyped-def]
        rows = data if isinstance(data, list) else [data]
        if not rows or not isinstance(rows[0], dict):
            return b""
        fields = list(rows[0])
        lines = [fields, *([row.get(name) for name in fields] for row in rows)]
        return "".join(csv_text(lines)).encode()


class StrictFormatNegotiation(DefaultContentNegotiation):
    """`?format=` as the schema documents it: once, and one of the view's formats. DRF's own
    negotiation answers an unknown format with an undocumented 404 and takes the last of
    repeated ones; here both are a 400 naming the allowed values."""

    def select_renderer(self, request, renderers, format_suffix=None):  # type: ignore[no-untyped-def]
        name = api_settings.URL_FORMAT_OVERRIDE
        given = request.query_params.getlist(name) if name and not format_suffix else []
        allowed = sorted({renderer.format for renderer in renderers})
        if len(given) > 1:
            raise ValidationError({name: [f"give {name} once; allowed: {', '.join(allowed)}"]})
        if given and given[0] not in allowed:
            raise ValidationError(
                {name: [f"unknown {name} {given[0]!r}; allowed: {', '.join(allowed)}"]}
            )
        return super().select_renderer(request, renderers, format_suffix)


def media_type_of(request: Any) -> str:
    return (request.content_type or "").split(";")[0].strip().lower()


def _stream(request: Any) -> Any:
    meta = request.META
    if (
        not meta.get("CONTENT_LENGTH")
        and meta.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked"
        and meta.get("wsgi.input_terminated")
    ):
        # A chunked upload (curl -T): Django sees no length, but the server (gunicorn)
        # de-chunks wsgi.input and ends it at the last chunk.
        return meta["wsgi.input"]
    # DRF's Request.stream is the Django request itself (a file-like over wsgi.input), or
    # None for an empty body.
    return request.stream


def iter_body(request: Any, *, limit: int) -> Iterator[bytes]:
    """The body in chunks of up to 1 MiB, at most `limit` bytes (IngestTooLarge beyond)."""
    declared = request.META.get("CONTENT_LENGTH") or ""
    if declared.isdigit() and int(declared) > limit:
        raise IngestTooLarge(f"the body is {int(declared)} bytes; the limit is {limit}")
    stream = _stream(request)
    if stream is None:
        return
    size = 0
    while True:
        part = stream.read(CHUNK_BYTES)
        if not part:
            return
        size += len(part)
        if size > limit:
            raise IngestTooLarge(f"the body is over the limit of {limit} bytes")
        yield part


def read_body(request: Any, *, limit: int) -> bytes:
    """The whole body, at most `limit` bytes (IngestTooLarge beyond): `iter_body` joined."""
    return b"".join(iter_body(request, limit=limit))
