"""What was e-mailed to whom: one log row per digest sent, and one row per item and person so
that nobody gets a mail twice about the same item (cxmetrics.services.notify)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class NotificationLog(models.Model):
    """One digest e-mail sent to one person: what kind, when, how many items it listed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=50)
    sent_at = models.DateTimeField(default=timezone.now)
    item_count = models.PositiveIntegerField()

    class Meta:
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["kind", "-sent_at"], name="notificationlog_kind_idx")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.user_id}: {self.item_count} item(s)"


class NotifiedItem(models.Model):
    """`user` was notified about item `item_id` of `kind` (e.g. kind "followup_new", item id
    "42"). The unique constraint is the idempotency key: recorded before the mail goes, so two
    runs never both mail it."""

    kind = models.CharField(max_length=50)
    item_id = models.CharField(max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    notified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "item_id", "user"], name="notifieditem_once_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.item_id} -> {self.user_id}"
