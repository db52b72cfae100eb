"""Outbound webhooks: where events are sent (endpoints) and every send (deliveries, with each
attempt's outcome). Written by cxmetrics.services.webhooks; docs/webhooks.md for receivers."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cxmetrics import webhook_protocol as protocol


def validate_webhook_url(url: str) -> None:
    """https only, except http to 127.0.0.1 / localhost (cxmetrics.webhook_protocol)."""
    if problem := protocol.url_problem(url):
        raise ValidationError(problem, code="webhook_url")


def validate_event_names(names: object) -> None:
    """A list of event names (or "*" for every event), at least one."""
    if not isinstance(names, list) or not names:
        raise ValidationError("List at least one event (or * for every event).", code="events")
    for name in names:
        if not isinstance(name, str):
            raise ValidationError("Event names are text.", code="events")
        if name != protocol.ALL_EVENTS and (problem := protocol.event_problem(name)):
            raise ValidationError(problem, code="events")


def new_secret_salt() -> str:
    return secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """A URL that receives some events, signed with the endpoint's own secret.

    The signing secret must be recoverable to sign, so it cannot be stored hashed like API
    keys. It is not stored at all: it is derived from `secret_salt` (random, per endpoint)
    and the server key settings.CX_WEBHOOK_KEY (`secret`), so a database copy alone does not
    give it away. It is shown once, when the endpoint is created or its secret rotated (a new
    salt); never logged. Trade-off: changing CX_WEBHOOK_KEY changes every endpoint's secret.
    """

    name = models.CharField(max_length=100)
    url = models.URLField(
        max_length=500,
        validators=[validate_webhook_url],
        help_text="Where events are POSTed: https:// (http only to 127.0.0.1 or localhost).",
    )
    secret_salt = models.CharField(max_length=64, default=new_secret_salt, editable=False)
    events = models.JSONField(
        default=list,
        validators=[validate_event_names],
        help_text='Event names this endpoint receives, e.g. ["followup.opened"]; "*": all.',
    )
    active = models.BooleanField(
        default=True, help_text="Inactive: nothing is queued for it; queued sends wait."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def secret(self) -> str:
        """The signing secret (``whsec_...``): show it once, never log it."""
        return protocol.derive_secret(key=settings.CX_WEBHOOK_KEY, salt=self.secret_salt)

    def receives(self, event: str) -> bool:
        return protocol.ALL_EVENTS in self.events or event in self.events


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"  # waiting for its first or next attempt
    DELIVERED = "delivered", "Delivered"  # a 2xx answer
    FAILED = "failed", "Failed"  # an answer that retrying cannot fix (4xx, 3xx)
    GAVE_UP = "gave_up", "Gave up"  # still failing after webhook_protocol.MAX_ATTEMPTS tries


class WebhookDelivery(models.Model):
    """One event for one endpoint, committed with the change that caused it, and the log of
    its attempts.

    `delivery_id` is sent as X-Cxmetrics-Delivery and in the body: the same on every retry,
    so receivers can drop a repeat (delivery is at least once). `attempt_log` keeps every
    attempt: ``{"at": ISO time, "status_code": int | None, "error": str, "ms": int}``.
    """

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=100)
    payload = models.JSONField(encoder=DjangoJSONEncoder)
    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Attempts started.")
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, default=timezone.now, help_text="Empty once final."
    )
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    attempt_log = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "webhook deliveries"
        ordering = ["-created_at"]
        indexes = [
            # The due query: pending rows by next attempt (final rows are left out, so the
            # index stays as small as the backlog).
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status=DeliveryStatus.PENDING),
                name="webhookdelivery_due_idx",
            ),
            models.Index(fields=["endpoint", "-created_at"], name="webhookdelivery_log_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} -> {self.endpoint_id} [{self.status}]"
