"""Zendesk satisfaction ratings: one `satisfaction_rating` object or a `satisfaction_ratings`
list (the list endpoint's page), as documented at
https://developer.zendesk.com/api-reference/ticketing/ticket-management/satisfaction_ratings/

`score` good / bad become CSAT 5 / 1 (satisfied / not satisfied; CSAT counts 4-5 as
satisfied); `offered` (asked, not answered) and `unoffered` are skipped and counted as such.
The rating id is the external id; `assignee_id` becomes the agent, `requester_id` the
(hashed) customer. Source settings (optional): `groups` maps a Zendesk group id to a
department slug; otherwise the source's default department applies.
"""

from __future__ import annotations

from typing import Any

from cxmetrics.ingest.canonical import load_json_object
from cxmetrics.ingest.types import IngestParseError, Invalid, Parsed

SCORES = {"good": 5.0, "bad": 1.0}
SKIPPED = frozenset({"offered", "unoffered"})


def parse(body: bytes, *, settings: dict[str, Any]) -> Parsed:
    data = load_json_object(body)
    if "satisfaction_ratings" in data:
        ratings = data["satisfaction_ratings"]
        if not isinstance(ratings, list):
            raise IngestParseError("satisfaction_ratings must be a list of ratings")
    elif "satisfaction_rating" in data:
        ratings = [data["satisfaction_rating"]]
    elif "score" in data and "id" in data:
        ratings = [data]
    else:
        raise IngestParseError(
            "expected a satisfaction_rating object or a satisfaction_ratings list"
        )
    groups = settings.get("groups") or {}
    parsed = Parsed([])
    for rating in ratings:
        if not isinstance(rating, dict):
            parsed.items.append(Invalid(None, {"non_field_errors": ["a rating is an object"]}))
            continue
        rating_id = rating.get("id")
        external_id = str(rating_id) if isinstance(rating_id, str | int) else None
        score = rating.get("score")
        if score in SKIPPED:
            parsed.skipped += 1
            continue
        if score not in SCORES:
            allowed = ", ".join([*SCORES, *sorted(SKIPPED)])
            parsed.items.append(
                Invalid(external_id, {"score": [f"score {score!r} unknown; allowed: {allowed}"]})
            )
            continue
        attributes: dict[str, Any] = {"zendesk_score": score}
        for key in ("ticket_id", "group_id", "reason"):
            if rating.get(key) is not None:
                attributes[key] = rating[key]
        item: dict[str, Any] = {
            "external_id": external_id,
            "metric": "csat",
            "score": SCORES[score],
            "occurred_at": rating.get("created_at"),
            "comment": rating.get("comment") or "",
            "attributes": attributes,
        }
        if isinstance(rating.get("requester_id"), str | int):
            item["customer_id"] = rating["requester_id"]
        if isinstance(rating.get("assignee_id"), str | int):
            item["agent_ref"] = str(rating["assignee_id"])
        department = groups.get(str(rating.get("group_id")))
        if department:
            item["department"] = department
        parsed.items.append(item)
    return parsed
