"""Typeform `form_response` webhooks (https://www.typeform.com/developers/webhooks/).

The source's settings map answer field refs to a metric or to the comment, e.g.
`{"fields": {"nps_score": "nps", "satisfaction": "csat", "effort": "ces",
"comment": "comment"}}`. Each mapped, answered metric becomes one response with external id
`<token>:<field ref>`; the comment goes with the first of them only, so it is scored once.
Hidden fields `channel`, `department` and `customer_id` (or `user_id`) are used when present.

When the source has a webhook secret, Typeform signs the raw body:
`Typeform-Signature: sha256=<base64 HMAC-SHA256(secret, body)>` (`verify_signature`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from cxmetrics.ingest.canonical import load_json_object
from cxmetrics.ingest.types import IngestParseError, Parsed

TARGETS = ("nps", "csat", "ces", "sentiment", "comment")
SIGNATURE_HEADER = "Typeform-Signature"


def verify_signature(body: bytes, header: str | None, secret: str) -> bool:
    """True when `header` is `sha256=` + base64 HMAC-SHA256 of `body` keyed by `secret`."""
    if not header or not header.startswith("sha256="):
        return False
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    expected = "sha256=" + base64.b64encode(digest).decode()
    return hmac.compare_digest(expected.encode(), header.strip().encode())


def _value(answer: dict[str, Any]) -> Any:
    kind = answer.get("type")
    if kind == "number":
        return answer.get("number")
    if kind in ("text", "email", "url"):
        return answer.get(kind)
    if kind == "choice":
        label = (answer.get("choice") or {}).get("label")
        try:
            return float(str(label).split()[0])
        except (ValueError, IndexError):
            return label
    return answer.get(kind) if isinstance(kind, str) else None


def parse(body: bytes, *, settings: dict[str, Any]) -> Parsed:
    data = load_json_object(body)
    if data.get("event_type") != "form_response":
        raise IngestParseError("event_type must be form_response")
    response = data.get("form_response")
    if not isinstance(response, dict):
        raise IngestParseError("form_response must be an object")
    fields = {
        ref: target for ref, target in (settings.get("fields") or {}).items() if target in TARGETS
    }
    if not fields:
        raise IngestParseError(
            "this source maps no Typeform fields: set its settings "
            '{"fields": {"<field ref>": "nps|csat|ces|sentiment|comment"}}'
        )
    token = response.get("token") or response.get("response_id")
    hidden = response.get("hidden") or {}
    answers = response.get("answers") or []
    comment = ""
    scored: list[tuple[str, str, Any]] = []
    for answer in answers:
        if not isinstance(answer, dict):
            continue
        ref = (answer.get("field") or {}).get("ref")
        target = fields.get(ref)
        if target == "comment" and not comment:
            comment = str(_value(answer) or "")
        elif target and target != "comment":
            scored.append((ref, target, _value(answer)))
    if not scored:
        return Parsed([], skipped=1)  # answered none of the mapped questions
    customer = hidden.get("customer_id") or hidden.get("user_id")
    items = []
    for position, (ref, metric, value) in enumerate(scored):
        item: dict[str, Any] = {
            "external_id": f"{token}:{ref}" if isinstance(token, str) and token else None,
            "metric": metric,
            "score": value,
            "occurred_at": response.get("submitted_at"),
            "comment": comment if position == 0 else "",
            "attributes": {"form_id": response.get("form_id"), "field_ref": ref},
        }
        if customer:
            item["customer_id"] = str(customer)
        for name in ("channel", "department"):
            if hidden.get(name):
                item[name] = str(hidden[name])
        items.append(item)
    return Parsed(items)
