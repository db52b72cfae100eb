"""OpenAPI pieces for drf-spectacular: the Api-Key security scheme, the ingest body schemas
and the request/response examples shown in /api/docs/."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiExample, OpenApiResponse

from cxmetrics.api.serializers import ErrorSerializer, IngestAnswerSerializer


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "cxmetrics.api.authentication.ApiKeyAuthentication"
    name = "apiKeyAuth"

    def get_security_definition(self, auto_schema):  # type: ignore[no-untyped-def]
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Integrators: `Api-Key <key>` (one key writes for one source).",
        }


ITEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["external_id", "metric", "score", "occurred_at"],
    "additionalProperties": False,
    "properties": {
        "external_id": {
            "type": "string",
            "maxLength": 255,
            "description": "Your id for this response; the same id is never stored twice.",
        },
        "metric": {"type": "string", "enum": ["nps", "csat", "ces", "sentiment"]},
        "score": {
            "type": "number",
            "description": "NPS 0-10, CSAT 1-5, CES 1-7 (whole numbers); sentiment -1..1.",
        },
        "channel": {"type": "string", "description": "Channel slug (default: the source's)."},
        "department": {
            "type": "string",
            "description": "Department slug (default: the source's).",
        },
        "occurred_at": {
            "type": "string",
            "format": "date-time",
            "description": "ISO 8601 with a UTC offset; not more than 5 minutes ahead.",
        },
        "handled_by": {
            "type": "string",
            "enum": ["ai", "human", "ai_to_human", "unknown"],
            "default": "unknown",
        },
        "comment": {
            "type": "string",
            "maxLength": settings.CX_COMMENT_MAX_CHARS,
            "description": "A longer comment refuses the item (CX_COMMENT_MAX_CHARS).",
        },
        "customer_id": {
            "type": "string",
            "description": "Stored only as a keyed hash (HMAC-SHA256).",
        },
        "agent_ref": {"type": "string", "maxLength": 100, "description": "Agent or bot id."},
        "attributes": {"type": "object", "additionalProperties": True},
    },
}

CANONICAL_REQUEST: dict[str, Any] = {
    "application/json": {
        "oneOf": [
            ITEM_SCHEMA,
            {"type": "array", "items": ITEM_SCHEMA, "minItems": 1, "maxItems": 10_000},
        ]
    },
    "application/x-ndjson": {
        "type": "string",
        "description": "One JSON item per line (at most 10,000 lines).",
    },
    "text/csv": {
        "type": "string",
        "description": "Header row of field names, then one item per row; streamed, any size. "
        "`attributes` is a JSON object in one cell.",
    },
}

EXAMPLE_ITEM = {
    "external_id": "ticket-4711-csat",
    "metric": "csat",
    "score": 5,
    "channel": "chat",
    "department": "support",
    "occurred_at": "2025-05-01T14:30:00+02:00",
    "handled_by": "ai_to_human",
    "comment": "Quick and friendly, thanks!",
    "customer_id": "cust-981",
    "attributes": {"plan": "pro"},
}

CANONICAL_EXAMPLES = [
    OpenApiExample("One response", value=EXAMPLE_ITEM, request_only=True),
    OpenApiExample(
        "A batch",
        value=[
            EXAMPLE_ITEM,
            {
                "external_id": "survey-88-nps",
                "metric": "nps",
                "score": 9,
                "channel": "web",
                "occurred_at": "2025-05-01T09:12:00Z",
            },
        ],
        request_only=True,
    ),
    OpenApiExample(
        "All stored",
        value={"accepted": 2, "duplicates": 0, "rejected": []},
        response_only=True,
        status_codes=["201"],
    ),
    OpenApiExample(
        "Some rejected",
        value={
            "accepted": 1,
            "duplicates": 0,
            "rejected": [
                {
                    "index": 1,
                    "external_id": "survey-88-nps",
                    "errors": {
                        "channel": [
                            "unknown channel 'webb'; allowed: app, chat, email, phone, "
                            "social, store, web"
                        ]
                    },
                }
            ],
        },
        response_only=True,
        status_codes=["200"],
    ),
    OpenApiExample(
        "Nothing readable",
        value={"detail": "invalid JSON: unexpected end of data", "line": 1, "column": 42},
        response_only=True,
        status_codes=["400"],
    ),
    OpenApiExample(
        "Too many items",
        value={"detail": "10001 items in one batch; the limit is 10000"},
        response_only=True,
        status_codes=["413"],
    ),
    OpenApiExample(
        "Unknown content type",
        value={"detail": 'Unsupported media type "text/plain" in request.'},
        response_only=True,
        status_codes=["415"],
    ),
]

ANSWER_OR_ERROR = {
    "anyOf": [
        {"$ref": "#/components/schemas/IngestAnswer"},
        {"$ref": "#/components/schemas/Error"},
    ]
}

FIELD_ERRORS = OpenApiResponse(
    response={
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
    description="Invalid query parameters: {parameter: [message naming the allowed values]}.",
    examples=[
        OpenApiExample(
            "Unknown channel",
            value={"channel": ["unknown channel webb; allowed: app, chat, email, web"]},
        )
    ],
)
DENIED = OpenApiResponse(
    ErrorSerializer, description="Not authenticated (401) or not allowed (403)."
)


def ingest_responses(*, adapter: bool = False) -> dict[Any, Any]:
    """The documented answers of an ingest endpoint."""
    answer = (
        "Same counts as the canonical endpoint, plus `updated` and `skipped`." if adapter else ""
    )
    return {
        201: OpenApiResponse(IngestAnswerSerializer, description=f"Nothing rejected. {answer}"),
        200: OpenApiResponse(IngestAnswerSerializer, description="Some items rejected."),
        400: OpenApiResponse(
            ANSWER_OR_ERROR,
            description="Every item rejected (the answer body), or the body cannot be parsed "
            "({detail, line, column}).",
        ),
        401: DENIED,
        403: OpenApiResponse(
            ErrorSerializer, description="Not an API key, wrong source, or bad signature."
        ),
        413: OpenApiResponse(ErrorSerializer, description="Over the size or item limits."),
        415: OpenApiResponse(ErrorSerializer, description="Unknown content type."),
        429: OpenApiResponse(ErrorSerializer, description="Rate limit; see Retry-After."),
    }
