"""What /api/docs/ shows for the ingest endpoints: the canonical request body (its schema and
example requests and answers) and a payload per vendor adapter, as each vendor documents it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiExample

from cxmetrics.api.schema import LIVE_ENUM

ITEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["external_id", "metric", "score", "occurred_at"],
    # null is taken as absent for the optional fields (cxmetrics.ingest.validate).
    "additionalProperties": False,
    "properties": {
        "external_id": {
            # A non-blank string of at most 255 characters, or an integer (stored as text).
            "anyOf": [
                {"type": "string", "minLength": 1, "maxLength": 255, "pattern": r"\S"},
                {"type": "integer"},
            ],
            "description": "Your id for this response; the same id is never stored twice.",
        },
        "metric": {"type": "string", "enum": ["nps", "csat", "ces", "sentiment"]},
        "score": {
            "type": "number",
            "description": "NPS 0-10, CSAT 1-5, CES 1-7 (whole numbers); sentiment -1..1.",
        },
        "channel": {
            "type": "string",
            "nullable": True,
            LIVE_ENUM: "channel",
            "description": "Channel slug (default: the source's).",
        },
        "department": {
            "type": "string",
            "nullable": True,
            LIVE_ENUM: "department",
            "description": "Department slug (default: the source's).",
        },
        "occurred_at": {
            "type": "string",
            "format": "date-time",
            "description": "ISO 8601 with a UTC offset; not more than 5 minutes ahead.",
        },
        "handled_by": {
            "type": "string",
            "nullable": True,
            "enum": ["ai", "human", "ai_to_human", "unknown", None],
            "default": "unknown",
        },
        "comment": {
            "type": "string",
            "nullable": True,
            "maxLength": settings.CX_COMMENT_MAX_CHARS,
            "description": "Free text; redacted. A longer comment refuses the item "
            "(CX_COMMENT_MAX_CHARS).",
        },
        "customer_id": {
            "anyOf": [{"type": "string", "nullable": True}, {"type": "integer"}],
            "description": "Stored only as a keyed hash (HMAC-SHA256).",
        },
        "agent_ref": {
            "type": "string",
            "nullable": True,
            "maxLength": 100,
            "description": "Agent or bot id.",
        },
        "attributes": {"type": "object", "nullable": True, "additionalProperties": True},
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
        "minLength": 1,
        "description": "One JSON item per line (at most 10,000 lines).",
    },
    "text/csv": {
        "type": "string",
        "minLength": 1,
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


ADAPTER_COUNTED = {"accepted": 1, "duplicates": 0, "rejected": [], "updated": 0, "skipped": 0}

DELIGHTED_PAYLOAD: dict[str, Any] = {
    "event_type": "survey_response.created",
    "event_id": "b8d057c5",
    "event_data": {
        "id": "5435",
        "person": {"id": "5975"},
        "survey_type": "nps",
        "score": 9,
        "comment": None,
        "created_at": 1732186844,
        "updated_at": 1732186844,
        "tags": [],
    },
}

ZENDESK_PAYLOAD: dict[str, Any] = {
    "satisfaction_rating": {
        "id": 35436,
        "assignee_id": 135,
        "group_id": 44,
        "requester_id": 7881,
        "ticket_id": 208,
        "score": "good",
        "comment": "Awesome support!",
        "created_at": "2011-07-20T22:55:29Z",
    }
}

TYPEFORM_PAYLOAD: dict[str, Any] = {
    "event_id": "LtWXD3crgy",
    "event_type": "form_response",
    "form_response": {
        "form_id": "lT4Z3j",
        "token": "a3a12ec67a1365927098a606107fac15",
        "submitted_at": "2018-01-18T18:17:02Z",
        "hidden": {"user_id": "abc123456"},
        "answers": [
            {"type": "number", "number": 9, "field": {"id": "NRsx", "ref": "nps_score"}},
            {"type": "text", "text": "Fast delivery", "field": {"id": "DlX", "ref": "comment"}},
        ],
    },
}

QUALTRICS_EXPORT = (
    "StartDate,EndDate,Status,Finished,RecordedDate,ResponseId,ExternalReference,"
    "DistributionChannel,Q1,Q1_NPS_GROUP,Q2_TEXT\n"
    "Start Date,End Date,Response Type,Finished,Recorded Date,Response ID,External Data "
    "Reference,Distribution Channel,How likely are you to recommend us?,Group,Why?\n"
    '"{""ImportId"":""startDate"",""timeZone"":""UTC""}",...\n'
    "2023-03-31 15:31:53,2023-03-31 15:35:21,IP Address,True,2023-03-31 15:35:23,"
    "R_6VfRz3g8gHFfZwl,0031R00002moFpqQAE,email,8,2,next day delivery\n"
)
