"""Delighted webhooks: `survey_response.created` and `survey_response.updated`.

https://app.delighted.com/docs/api/webhooks - `event_data` is the survey response: `id`,
`survey_type` (nps, csat, ces, ...), `score`, `comment`, `person`, Unix-second `created_at`.
The response id is the external id, so `.updated` (which usually brings the comment) updates
the stored response in place instead of adding one.

Source settings (optional): `channel_property` / `department_property` name a person
property holding the channel / department slug; otherwise the source's defaults apply.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from cxmetrics.ingest.canonical import load_json_object
from cxmetrics.ingest.types import IngestParseError, Invalid, Parsed

EVENTS = {"survey_response.created": False, "survey_response.updated": True}
SURVEY_TYPES = ("nps", "csat", "ces")


def parse(body: bytes, *, settings: dict[str, Any]) -> Parsed:
    """One webhook event -> one canonical item (update=True for `.updated`)."""
    event = load_json_object(body)
    kind = event.get("event_type")
    if kind not in EVENTS:
        raise IngestParseError(
            f"event_type {kind!r} is not handled; expected one of {', '.join(EVENTS)}"
        )
    data = event.get("event_data")
    if not isinstance(data, dict):
        raise IngestParseError("event_data must be the survey response object")
    response_id = data.get("id")
    external_id = str(response_id) if isinstance(response_id, str | int) else None
    survey_type = data.get("survey_type")
    if survey_type not in SURVEY_TYPES:
        return Parsed(
            [
                Invalid(
                    external_id,
                    {
                        "survey_type": [
                            f"survey_type {survey_type!r} is not supported; "
                            f"allowed: {', '.join(SURVEY_TYPES)}"
                        ]
                    },
                )
            ],
            update=EVENTS[kind],
        )
    created = data.get("created_at")
    if not isinstance(created, int | float) or isinstance(created, bool):
        return Parsed(
            [Invalid(external_id, {"created_at": ["created_at must be a Unix timestamp"]})],
            update=EVENTS[kind],
        )
    try:
        occurred = datetime.fromtimestamp(created, tz=UTC).isoformat()
    except (OverflowError, OSError, ValueError):
        return Parsed(
            [Invalid(external_id, {"created_at": ["created_at is out of range"]})],
            update=EVENTS[kind],
        )
    person = data.get("person")
    person_id = person.get("id") if isinstance(person, dict) else person
    properties = data.get("person_properties") or {}
    item: dict[str, Any] = {
        "external_id": external_id,
        "metric": survey_type,
        "score": data.get("score"),
        "occurred_at": occurred,
        "comment": data.get("comment") or "",
        "customer_id": person_id if isinstance(person_id, str | int) else None,
    }
    for name in ("channel", "department"):
        prop = settings.get(f"{name}_property")
        if prop and isinstance(properties, dict) and properties.get(prop):
            item[name] = str(properties[prop])
    tags = data.get("tags")
    if tags and isinstance(tags, list):
        item["attributes"] = {"tags": [str(tag) for tag in tags]}
    return Parsed([item], update=EVENTS[kind])
