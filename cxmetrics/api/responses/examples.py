"""Example answers of the responses, metrics and reference endpoints, shown in /api/docs/
(drf-spectacular `OpenApiExample` values; the views build the real answers)."""

from __future__ import annotations

from typing import Any

RESPONSE_PAGE: dict[str, Any] = {
    "next": "http://127.0.0.1:8000/api/v1/responses?cursor=43&page_size=1",
    "previous": None,
    "results": [
        {
            "id": 43,
            "source": "integrations",
            "external_id": "ticket-4711-csat",
            "metric": "csat",
            "score": 5.0,
            "channel": "chat",
            "department": "support",
            "occurred_at": "2025-05-01T12:30:00Z",
            "day": "2025-05-01",
            "received_at": "2025-05-01T12:31:02Z",
            "handled_by": "ai_to_human",
            "agent_ref": "",
            "customer_ref": "5f1c…",
            "comment": "Quick and friendly, thanks!",
            "sentiment": 0.7351,
            "attributes": {"plan": "pro"},
        }
    ],
}

SUMMARY: dict[str, Any] = {
    "metric": "nps",
    "start": "2025-04-01",
    "end": "2025-04-30",
    "groups": [
        {
            "key": "chat",
            "label": "Chat",
            "n": 412,
            "score": 31.55,
            "promoters": 210,
            "passives": 112,
            "detractors": 90,
            "moe95": 7.9,
            "ci95": [23.65, 39.45],
            "low_sample": False,
        }
    ],
}

COMPARISON: dict[str, Any] = {
    "metric": "csat",
    "by": "handled_by",
    "a": {
        "key": "ai",
        "label": "AI",
        "n": 800,
        "score": 71.2,
        "satisfied": 570,
        "ci95": [67.98, 74.22],
        "low_sample": False,
    },
    "b": {
        "key": "human",
        "label": "Human",
        "n": 640,
        "score": 82.5,
        "satisfied": 528,
        "ci95": [79.37, 85.26],
        "low_sample": False,
    },
    "difference": -11.3,
    "test": "two_proportion_z",
    "statistic": -5.0,
    "z": -5.0,
    "df": None,
    "p": 5.7e-07,
    "significant": True,
    "reason": None,
}

DEPARTMENTS = [{"slug": "support", "name": "Support"}]

CHANNELS = [{"slug": "chat", "name": "Chat"}]

SOURCES: list[dict[str, Any]] = [
    {
        "slug": "zendesk",
        "name": "Zendesk support",
        "kind": "zendesk",
        "channels": ["chat", "email", "phone"],
        "default_channel": "chat",
        "default_department": "support",
        "is_demo": False,
    }
]
