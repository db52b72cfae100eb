"""Follow-ups as they are told to people and systems outside the queue: the e-mails to leads
and the webhook payloads (docs/followups.md, "Notifications" and "Webhook events").

* `followup_details(queryset, comment_chars=)`: plain rows, one query, with the response's
  keys, score and channel and the start of its comment masked; never the customer reference.
* `followup_payload(detail)`: the documented webhook payload of one row.
* `followup_payloads(ids=)`: payloads by follow-up id, one query.
* `followup_url(pk)`: the follow-up's page, from settings.CX_PUBLIC_URL.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.db.models.functions import Substr

from cxmetrics.models import FollowUp
from cxmetrics.selectors.responses import REDACT_MARGIN, masked_clip

__all__ = [
    "DETAIL_FIELDS",
    "FOLLOWUP_PATH",
    "PAYLOAD_COMMENT_CHARS",
    "followup_details",
    "followup_payload",
    "followup_payloads",
    "followup_url",
]

# The follow-up's page (the queue), relative to CX_PUBLIC_URL.
FOLLOWUP_PATH = "/followups/{id}"
# A webhook payload carries at most this many characters of the comment (masked).
PAYLOAD_COMMENT_CHARS = 1000

# Row field -> query column. The customer reference is deliberately absent: it never leaves.
_COLUMNS = {
    "id": "pk",
    "department_id": "department_id",
    "department": "department__slug",
    "department_name": "department__name",
    "rule": "rule__name",
    "status": "status",
    "priority": "priority",
    "opened_at": "opened_at",
    "due_at": "due_at",
    "first_contact_at": "first_contact_at",
    "closed_at": "closed_at",
    "outcome": "outcome",
    "root_cause": "root_cause__name",
    "source": "source__slug",
    "external_id": "response__external_id",
    "metric": "response__metric",
    "score": "response__score",
    "channel": "response__channel__slug",
    "channel_name": "response__channel__name",
    "handled_by": "response__handled_by",
    "agent_ref": "response__agent_ref",
}
DETAIL_FIELDS = (*_COLUMNS, "comment")


def followup_url(pk: int) -> str:
    """The absolute link to follow-up `pk`'s page."""
    return settings.CX_PUBLIC_URL.rstrip("/") + FOLLOWUP_PATH.format(id=pk)


def followup_details(queryset: QuerySet, *, comment_chars: int) -> list[dict[str, Any]]:
    """The follow-ups of `queryset` (its order) as rows with DETAIL_FIELDS keys; `comment` is
    at most `comment_chars` characters of the response's comment, masked (read cut in SQL,
    so a long comment costs nothing). One query."""
    rows = queryset.annotate(
        comment_start=Substr("response__comment", 1, comment_chars + REDACT_MARGIN)
    ).values(*_COLUMNS.values(), "comment_start")
    return [
        {
            **{name: row[column] for name, column in _COLUMNS.items()},
            "comment": masked_clip(row["comment_start"] or "", comment_chars),
        }
        for row in rows
    ]


def followup_payload(detail: dict[str, Any]) -> dict[str, Any]:
    """The webhook payload of one `followup_details` row (the same for followup.opened and
    followup.closed; docs/webhooks.md)."""
    return {
        "id": detail["id"],
        "url": followup_url(detail["id"]),
        "department": detail["department"],
        "rule": detail["rule"],
        "status": detail["status"],
        "priority": detail["priority"],
        "opened_at": detail["opened_at"],
        "due_at": detail["due_at"],
        "first_contact_at": detail["first_contact_at"],
        "closed_at": detail["closed_at"],
        "outcome": detail["outcome"],
        "root_cause": detail["root_cause"],
        "response": {
            "source": detail["source"],
            "external_id": detail["external_id"],
            "metric": detail["metric"],
            "score": detail["score"],
            "channel": detail["channel"],
            "handled_by": detail["handled_by"],
            "agent_ref": detail["agent_ref"],
            "comment": detail["comment"],
        },
    }


def followup_payloads(*, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Webhook payloads of the follow-ups `ids`, by id. One query."""
    queryset = FollowUp.objects.filter(pk__in=sorted(set(ids))).order_by("pk")
    details = followup_details(queryset, comment_chars=PAYLOAD_COMMENT_CHARS)
    return {detail["id"]: followup_payload(detail) for detail in details}
