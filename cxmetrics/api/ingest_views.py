"""Write endpoints: canonical ingest (POST /api/v1/responses) and the vendor adapters
(POST /api/v1/ingest/<format>). Thin: read the body, call `ingest_items`, answer.

Answer body: {"accepted", "duplicates", "rejected": [{"index", "external_id", "errors",
("line")}]}; 201 nothing rejected, 200 some rejected, 400 all rejected or unreadable body,
413 over the limits, 415 unknown content type.

CSV is streamed: rows are validated and committed in chunks of CSV_CHUNK_ROWS, each chunk in
its own transaction, so memory stays flat for any file size. Partial success is therefore
possible: if the file breaks off (bad quoting, bad UTF-8) at line N, every row before line N
has been processed and the 400 answer carries their counts next to `detail` and `line`.
Re-sending the corrected file is safe: rows already stored count as duplicates.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import exceptions
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cxmetrics.api import ingest_docs, schema
from cxmetrics.api.parsers import (
    CSV,
    JSON,
    NDJSON_ALIASES,
    CSVParser,
    iter_body,
    media_type_of,
    read_body,
)
from cxmetrics.api.permissions import IsApiKey
from cxmetrics.ingest import ADAPTERS
from cxmetrics.ingest.canonical import iter_csv, parse_json, parse_ndjson
from cxmetrics.ingest.types import BatchOutcome, IngestParseError, IngestTooLarge
from cxmetrics.services.ingest import ingest_context, ingest_items

CSV_CHUNK_ROWS = 10_000
# A streamed CSV lists its first rejections only; `rejected_total` counts them all.
MAX_REJECTIONS_SHOWN = 1_000


def _max_csv_bytes() -> int:
    return getattr(settings, "CX_INGEST_MAX_CSV_BYTES", 4 * 1024**3)


class CxAPIView(APIView):
    """Base view: ingest errors answered as 400 / 413 (the rate limits are DRF's defaults:
    REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"])."""

    def handle_exception(self, exc: Exception) -> Response:
        request = getattr(self, "request", None)
        renderer = getattr(request, "accepted_renderer", None)
        if renderer is not None and getattr(renderer, "format", "") != "json":
            # Errors are JSON even when a CSV export was asked for.
            request.accepted_renderer = JSONRenderer()  # type: ignore[union-attr]
            request.accepted_media_type = JSONRenderer.media_type  # type: ignore[union-attr]
        if isinstance(exc, IngestParseError):
            return Response(exc.as_dict(), status=400)
        if isinstance(exc, IngestTooLarge):
            return Response({"detail": str(exc)}, status=413)
        return super().handle_exception(exc)


def ingest_canonical(request: Request) -> Response:
    """POST /api/v1/responses for the API key's source (see the module docstring)."""
    source = request.user.source
    media = media_type_of(request)
    if media == CSV:
        return _ingest_csv(request, source)
    limit = settings.CX_INGEST_MAX_BYTES
    max_items = settings.CX_INGEST_MAX_ITEMS
    lines = None
    if media == JSON:
        entries = parse_json(read_body(request, limit=limit), max_items=max_items)
    elif media in NDJSON_ALIASES:
        entries, lines = parse_ndjson(read_body(request, limit=limit), max_items=max_items)
    else:
        raise exceptions.UnsupportedMediaType(
            media or "(none)",
            detail=f'Unsupported media type "{media or "(none)"}"; send application/json, '
            "application/x-ndjson or text/csv.",
        )
    outcome = ingest_items(source=source, entries=entries, lines=lines)
    return Response(outcome.answer(), status=outcome.status)


def _ingest_csv(request: Request, source: Any) -> Response:
    context = ingest_context(source=source)
    outcome = BatchOutcome()
    chunks = iter_csv(iter_body(request, limit=_max_csv_bytes()), rows_per_chunk=CSV_CHUNK_ROWS)
    try:
        for chunk in chunks:
            part = ingest_items(
                source=source,
                entries=chunk.items,
                lines=chunk.lines,
                context=context,
                offset=outcome.items,
            )
            outcome.merge(part, keep=MAX_REJECTIONS_SHOWN)
    except (IngestParseError, IngestTooLarge) as error:
        if not outcome.items:
            raise
        # Rows before the break are committed: say so next to the error.
        status = 413 if isinstance(error, IngestTooLarge) else 400
        detail = error.as_dict() if isinstance(error, IngestParseError) else {"detail": str(error)}
        return Response({**detail, **outcome.answer()}, status=status)
    if not outcome.items:
        raise IngestParseError("the CSV has a header but no rows", line=2)
    return Response(outcome.answer(), status=outcome.status)


class VendorIngestView(CxAPIView):
    """POST /api/v1/ingest/<adapter>: a vendor's own payload, for the key's source."""

    adapter_name = ""
    permission_classes = [IsApiKey]
    parser_classes = [JSONParser]

    def post(self, request: Request) -> Response:
        adapter = ADAPTERS[self.adapter_name]
        source = request.user.source
        if source.kind != adapter.name:
            raise exceptions.PermissionDenied(
                f"This key's source {source.slug!r} is a {source.kind!r} source; it cannot "
                f"post {adapter.name} payloads (canonical items go to /api/v1/responses)."
            )
        media = media_type_of(request)
        if media != adapter.media_type:
            raise exceptions.UnsupportedMediaType(
                media or "(none)",
                detail=f'Unsupported media type "{media or "(none)"}"; {adapter.name} '
                f"payloads are {adapter.media_type}.",
            )
        body = read_body(request, limit=settings.CX_INGEST_MAX_BYTES)
        if adapter.verify and source.webhook_secret:
            header = request.headers.get(adapter.signature_header)
            if not adapter.verify(body, header, source.webhook_secret):
                raise exceptions.PermissionDenied(
                    f"Missing or invalid {adapter.signature_header} header."
                )
        parsed = adapter.parse(body, settings=source.settings or {})
        outcome = ingest_items(
            source=source, entries=parsed.items, lines=parsed.lines, update=parsed.update
        )
        outcome.skipped = parsed.skipped
        return Response(outcome.answer(adapter=True), status=outcome.status)


def _vendor_schema(name: str, summary: str, example: Any, media: str = JSON) -> Any:
    operation = extend_schema(
        operation_id=f"ingest_{name}",
        summary=summary,
        description=import_module(ADAPTERS[name].parse.__module__).__doc__,
        request={media: {"type": "object"} if media == JSON else {"type": "string"}},
        responses=schema.ingest_responses(adapter=True),
        examples=[
            OpenApiExample(f"{name} payload", value=example, request_only=True),
            OpenApiExample(
                "Counted",
                value=ingest_docs.ADAPTER_COUNTED,
                response_only=True,
                status_codes=["201"],
            ),
        ],
        tags=["ingest"],
    )
    return extend_schema_view(post=operation)


@_vendor_schema(
    "delighted",
    "Delighted survey_response webhook",
    ingest_docs.DELIGHTED_PAYLOAD,
)
class DelightedIngestView(VendorIngestView):
    adapter_name = "delighted"


@_vendor_schema(
    "zendesk",
    "Zendesk satisfaction ratings",
    ingest_docs.ZENDESK_PAYLOAD,
)
class ZendeskIngestView(VendorIngestView):
    adapter_name = "zendesk"


@_vendor_schema(
    "typeform",
    "Typeform form_response webhook",
    ingest_docs.TYPEFORM_PAYLOAD,
)
class TypeformIngestView(VendorIngestView):
    adapter_name = "typeform"


@_vendor_schema(
    "qualtrics",
    "Qualtrics CSV response export",
    ingest_docs.QUALTRICS_EXPORT,
    media=CSV,
)
class QualtricsIngestView(VendorIngestView):
    adapter_name = "qualtrics"
    parser_classes = [CSVParser]
