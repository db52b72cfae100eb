"""Webhook events of follow-ups: a rule naming an endpoint (`FollowUpRule.webhook`) has it
told when its follow-ups open and close, so a help desk opens a ticket and closes it back
through PATCH /api/v1/followups/{id} (docs/webhooks.md, "Follow-up events").

* `queue_opened(followups, webhook_of=)`: `followup.opened` for follow-ups just created, in
  the creating transaction (`creation.evaluate_responses`); one delivery per follow-up.
* `queue_closed(followup)`: `followup.closed` when `update_followup` closes one.

The payload is `selectors.followup_details.followup_payload` (never the customer reference).
Events go to the rule's endpoint when it is active, whatever event names it lists (the admin
chose it for the rule); a rule without an endpoint sends nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cxmetrics.models import FollowUp, WebhookEndpoint
from cxmetrics.selectors.followup_details import followup_payloads
from cxmetrics.services.webhooks import queue_events

__all__ = ["CLOSED", "OPENED", "queue_closed", "queue_opened"]

OPENED = "followup.opened"
CLOSED = "followup.closed"


def queue_opened(followups: Sequence[FollowUp], *, webhook_of: Mapping[int, int | None]) -> int:
    """Queue `followup.opened` for the saved `followups` whose rule (id -> endpoint id in
    `webhook_of`) names an endpoint. Returns the deliveries queued. Cost, whatever the number
    of follow-ups: nothing when no rule of theirs has an endpoint, else 3 queries (the
    endpoints, the payloads, one insert of the deliveries)."""
    hooked = [(f.pk, webhook_of[f.rule_id]) for f in followups if webhook_of.get(f.rule_id)]
    if not hooked:
        return 0
    endpoints = WebhookEndpoint.objects.filter(active=True).in_bulk(
        [endpoint_id for _, endpoint_id in hooked]
    )
    hooked = [(pk, endpoint_id) for pk, endpoint_id in hooked if endpoint_id in endpoints]
    if not hooked:
        return 0
    payloads = followup_payloads(ids=[pk for pk, _ in hooked])
    deliveries = queue_events(
        event=OPENED,
        deliveries=[(endpoints[endpoint_id], payloads[pk]) for pk, endpoint_id in hooked],
    )
    return len(deliveries)


def queue_closed(followup: FollowUp) -> int:
    """Queue `followup.closed` for `followup` (just closed, saved) when its rule names an
    active endpoint (read `followup.rule.webhook` with select_related). Returns 0 or 1.
    Cost: 2 queries (the payload, the insert) when it sends."""
    endpoint = followup.rule.webhook
    if endpoint is None or not endpoint.active:
        return 0
    payload = followup_payloads(ids=[followup.pk])[followup.pk]
    return len(queue_events(event=CLOSED, deliveries=[(endpoint, payload)]))
