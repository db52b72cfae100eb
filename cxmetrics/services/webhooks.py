"""Outbound webhooks: queue an event with the change that caused it, send what is due.

* `queue_event` writes one WebhookDelivery per endpoint in the caller's transaction (a change
  and its deliveries commit together or not at all) and publishes the send task on commit;
  `queue_events` writes many events (one payload each) in one insert.
* `deliver_due` sends due deliveries, signed (cxmetrics.webhook_protocol), and records each
  attempt: 2xx delivered; no answer, 5xx, 408, 429 retried with exponential backoff and
  jitter until MAX_ATTEMPTS, then gave_up; any other answer failed at once.

Two workers never send one delivery at the same time: a run claims a few due rows in a short
transaction (SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL, so workers skip each other's
rows instead of waiting), counts the attempt and moves `next_attempt_at` a lease ahead; the
HTTP request is made after that commit, with no transaction or lock held. A worker that dies
mid-send leaves its claimed rows to be tried again when the lease ends: delivery is at least
once, and receivers drop repeats by X-Cxmetrics-Delivery (docs/webhooks.md).
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

import requests
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from cxmetrics import webhook_protocol as protocol
from cxmetrics.enqueue import DELIVER_WEBHOOKS, publish_on_commit
from cxmetrics.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

__all__ = [
    "CLAIM_BATCH",
    "DELIVERY_HEADER",
    "EVENT_HEADER",
    "LEASE",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "deliver_due",
    "delivery_body",
    "queue_event",
    "queue_events",
    "redeliver",
]

logger = logging.getLogger(__name__)

EVENT_HEADER = "X-Cxmetrics-Event"
DELIVERY_HEADER = "X-Cxmetrics-Delivery"
TIMESTAMP_HEADER = "X-Cxmetrics-Timestamp"
SIGNATURE_HEADER = "X-Cxmetrics-Signature"
USER_AGENT = "cxmetrics-webhooks/1"
# Rows claimed per short transaction; a claimed row is not picked again for LEASE, which must
# exceed the time to send a whole claim (CLAIM_BATCH * (connect + read timeouts) = 130 s).
CLAIM_BATCH = 10
LEASE = timedelta(minutes=5)
# Stored error text and the kept length of an error answer's body.
ERROR_CHARS = 500
BODY_CHARS = 200
# The attempt log keeps this many latest attempts (redelivering adds attempts).
LOG_ENTRIES = 50


def queue_event(
    *,
    event: str,
    payload: dict[str, Any],
    endpoints: Iterable[WebhookEndpoint] | None = None,
) -> list[WebhookDelivery]:
    """Queue `event` with `payload` (JSON-serialisable; dates and decimals allowed) for every
    active endpoint that receives it, or for the active ones of `endpoints` (given endpoints
    need not list the event: the caller chose them, e.g. a rule naming its endpoint).

    Call it inside the transaction of the change the event reports: the delivery rows commit
    with it, and the send task is published once it commits (never for a rollback). Returns
    the deliveries created (none when no endpoint matches). Cost: 1 query for the endpoints
    (none when given) + 1 insert.
    """
    if problem := protocol.event_problem(event):
        raise ValueError(problem)
    json.dumps(payload, cls=DjangoJSONEncoder)  # fail here, in the caller, not in the worker
    if endpoints is None:
        targets = [e for e in WebhookEndpoint.objects.filter(active=True) if e.receives(event)]
    else:
        targets = list(endpoints)
    return queue_events(event=event, deliveries=[(endpoint, payload) for endpoint in targets])


def queue_events(
    *, event: str, deliveries: Iterable[tuple[WebhookEndpoint, dict[str, Any]]]
) -> list[WebhookDelivery]:
    """Queue one delivery of `event` per (endpoint, payload) pair, e.g. one per follow-up
    opened in a batch, skipping inactive endpoints (as `queue_event` with `endpoints`: the
    caller chose them). Same transaction rule as `queue_event`. Cost: 1 insert (none when
    nothing is queued), the send task published once on commit.
    """
    if problem := protocol.event_problem(event):
        raise ValueError(problem)
    pairs = [(endpoint, payload) for endpoint, payload in deliveries if endpoint.active]
    for _, payload in pairs:
        json.dumps(payload, cls=DjangoJSONEncoder)  # fail here, in the caller, not the worker
    if not pairs:
        return []
    now = timezone.now()
    created = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                endpoint=endpoint,
                event=event,
                payload=payload,
                created_at=now,
                next_attempt_at=now,
            )
            for endpoint, payload in pairs
        ],
        batch_size=1000,
    )
    publish_on_commit(DELIVER_WEBHOOKS)
    return created


def delivery_body(delivery: WebhookDelivery) -> bytes:
    """The request body: the same bytes on every attempt (sorted keys, no spaces).
    ``{"created_at": ISO, "data": payload, "event": name, "id": delivery uuid}``."""
    envelope = {
        "id": str(delivery.delivery_id),
        "event": delivery.event,
        "created_at": delivery.created_at,
        "data": delivery.payload,
    }
    text = json.dumps(envelope, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"))
    return text.encode()


def deliver_due(
    *,
    now: datetime | None = None,
    limit: int = 100,
    jitter: Callable[[], float] = random.random,
) -> int:
    """Send up to `limit` deliveries due at `now` (default: the time of each claim; tests pin
    it, and it then is also the signature timestamp and the attempt time), oldest due first,
    and record each outcome. `jitter()` in [0, 1] picks where each retry falls within +-10% of
    its nominal wait. Returns the number of attempts made. Deliveries of inactive endpoints
    wait. Cost per claim of up to CLAIM_BATCH rows: 4 queries, then 1 update per delivery.
    """
    attempted = 0
    with requests.Session() as session:
        while attempted < limit:
            moment = now or timezone.now()
            claimed = _claim(now=moment, limit=min(CLAIM_BATCH, limit - attempted))
            if not claimed:
                break
            for delivery in claimed:
                _attempt(delivery, session=session, now=now, jitter=jitter)
            attempted += len(claimed)
    return attempted


def redeliver(*, deliveries: Iterable[WebhookDelivery], now: datetime | None = None) -> int:
    """Queue final deliveries (delivered, failed, gave_up) for a new round of attempts, e.g.
    after the receiver was fixed; the same delivery id is sent again. Returns how many."""
    ids = [d.pk for d in deliveries if d.status != DeliveryStatus.PENDING]
    moment = now or timezone.now()
    count = WebhookDelivery.objects.filter(pk__in=ids).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=moment
    )
    if count:
        publish_on_commit(DELIVER_WEBHOOKS)
    return count


def _claim(*, now: datetime, limit: int) -> list[WebhookDelivery]:
    """Claim up to `limit` due deliveries: count the attempt, push them a lease ahead."""
    with transaction.atomic():
        due = WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=now, endpoint__active=True
        )
        # A row whose last attempts were all lost with their worker (killed mid-send, the
        # lease ran out) is never tried past the limit.
        lost = due.filter(attempts__gte=protocol.MAX_ATTEMPTS).update(
            status=DeliveryStatus.GAVE_UP,
            next_attempt_at=None,
            last_error="No outcome recorded for the last attempt (its worker stopped).",
        )
        if lost:
            logger.warning("%s webhook deliveries gave up after lost attempts", lost)
        ids = list(
            due.select_for_update(skip_locked=True, of=("self",))
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return []
        rows = list(WebhookDelivery.objects.select_related("endpoint").filter(pk__in=ids))
        lease_end = now + LEASE
        for row in rows:
            row.attempts += 1
            row.next_attempt_at = lease_end
        WebhookDelivery.objects.bulk_update(rows, ["attempts", "next_attempt_at"])
    rows.sort(key=lambda row: ids.index(row.pk))
    return rows


def _attempt(
    delivery: WebhookDelivery,
    *,
    session: requests.Session,
    now: datetime | None,
    jitter: Callable[[], float],
) -> None:
    """Send `delivery` once (already claimed and counted) and record the outcome."""
    endpoint = delivery.endpoint
    body = delivery_body(delivery)
    sent_at = now or timezone.now()
    timestamp = int(sent_at.timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: str(delivery.delivery_id),
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: protocol.sign(endpoint.secret, timestamp, body),
    }
    status_code: int | None = None
    error = ""
    started = time.monotonic()
    try:
        answer = session.post(
            endpoint.url,
            data=body,
            headers=headers,
            timeout=(settings.CX_WEBHOOK_CONNECT_TIMEOUT, settings.CX_WEBHOOK_READ_TIMEOUT),
            allow_redirects=False,
        )
        status_code = answer.status_code
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}: {answer.text[:BODY_CHARS]}".strip()
    except requests.RequestException as exc:
        # requests' messages name the URL (set by an admin), never the secret or the body.
        error = f"{type(exc).__name__}: {exc}"
    elapsed_ms = round((time.monotonic() - started) * 1000)
    _record(
        delivery,
        status_code=status_code,
        error=error[:ERROR_CHARS],
        at=sent_at,
        elapsed_ms=elapsed_ms,
        jitter=jitter,
    )


def _record(
    delivery: WebhookDelivery,
    *,
    status_code: int | None,
    error: str,
    at: datetime,
    elapsed_ms: int,
    jitter: Callable[[], float],
) -> None:
    outcome = protocol.classify(status_code)
    delivery.attempt_log = [
        *delivery.attempt_log,
        {"at": at.isoformat(), "status_code": status_code, "error": error, "ms": elapsed_ms},
    ][-LOG_ENTRIES:]
    delivery.last_status_code = status_code
    delivery.last_error = error
    if outcome is protocol.Outcome.DELIVERED:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = at
        delivery.next_attempt_at = None
    elif outcome is protocol.Outcome.FAILED:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
    elif delivery.attempts >= protocol.MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.GAVE_UP
        delivery.next_attempt_at = None
    else:
        wait = protocol.backoff_seconds(delivery.attempts, jitter=jitter())
        delivery.next_attempt_at = at + timedelta(seconds=wait)
    if outcome is not protocol.Outcome.DELIVERED:
        logger.warning(
            "Webhook delivery %s (%s) to endpoint %s: attempt %s %s",
            delivery.delivery_id,
            delivery.event,
            delivery.endpoint_id,
            delivery.attempts,
            delivery.status if delivery.next_attempt_at is None else "will be retried",
        )
    delivery.save(
        update_fields=[
            "attempt_log",
            "last_status_code",
            "last_error",
            "status",
            "delivered_at",
            "next_attempt_at",
        ]
    )
