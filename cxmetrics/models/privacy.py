"""The audit trail of privacy operations: erasing a customer, applying the retention period."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

# What an anonymised comment reads: still a comment, so the rollups' `commented` count (and
# every figure) stays as it was; its sentiment score is kept too.
REMOVED_COMMENT = "[removed]"


class PrivacyEvent(models.Model):
    """One privacy operation, written in the transaction that did it. Append-only.

    Never holds a raw customer id: `customer_ref` is its HMAC (as stored on responses), and
    the reason is masked like free text. `responses` counts the rows deleted (erase) or
    anonymised (retention: rows of days before `before_day`).
    """

    class Kind(models.TextChoices):
        ERASE = "erase", "Customer erased"
        RETENTION = "retention", "Retention applied"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The person who asked (API, admin); empty for commands and beat.",
    )
    actor_label = models.CharField(
        max_length=150, help_text="Who asked: a username, 'manage.py ...' or 'beat'."
    )
    reason = models.TextField(blank=True)
    customer_ref = models.CharField(
        max_length=64, blank=True, help_text="HMAC of the erased customer's id (never the id)."
    )
    before_day = models.DateField(
        null=True, blank=True, help_text="Retention: responses of earlier days were anonymised."
    )
    responses = models.IntegerField(help_text="Responses deleted (erase) or anonymised.")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["customer_ref"], name="privacy_event_customer_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M} ({self.responses} responses)"
