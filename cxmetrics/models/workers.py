"""The worker side's own bookkeeping: deliveries counted across worker deaths, parked tasks,
comments the scorer gave up on, and worker heartbeats (read by /healthz)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .responses import Response


class TaskAttempt(models.Model):
    """One Celery task message (by task id) that started and has not finished yet, or is parked.

    A worker counts a delivery here, committed, before the task's work starts; a task that
    finishes deletes its row. A message redelivered after its worker died (kill -9, OOM: with
    acks_late and reject_on_worker_lost it comes back) finds its count here, and after
    settings.CX_TASK_MAX_ATTEMPTS deliveries it is parked (`parked_at` set) instead of run.
    A task that failed for good (an error after its retries, or the hard time limit) is parked
    at once. Parked rows stay until an admin retries or deletes them (cxmetrics.admin).
    """

    task_id = models.CharField(max_length=255, unique=True)
    task_name = models.CharField(max_length=255)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveIntegerField(default=0, help_text="Deliveries that started.")
    last_error = models.TextField(blank=True)
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)
    parked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # /healthz counts parked tasks; there are few, so the index is tiny.
            models.Index(
                fields=["parked_at"],
                condition=Q(parked_at__isnull=False),
                name="taskattempt_parked_idx",
            )
        ]

    def __str__(self) -> str:
        state = "parked" if self.parked_at else "running"
        return f"{self.task_name} [{self.task_id}] {state}, {self.attempts} attempts"


class SkippedComment(models.Model):
    """A comment the sentiment scorer gave up on (it hit the time limit alone, or failed).

    `services.sentiment` never picks it again, so the per-minute catch-up cannot loop on it; its
    response stays unscored (sentiment null, counted by no sentiment figure). Deleting the row
    (admin action "score again") lets the next run try again.
    """

    response = models.OneToOneField(
        Response, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    reason = models.CharField(max_length=255)
    skipped_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"response {self.response_id}: {self.reason}"


class WorkerHeartbeat(models.Model):
    """When each worker last ran the periodic heartbeat task (beat -> broker -> worker -> DB)."""

    worker = models.CharField(max_length=255, unique=True, help_text="Celery node name.")
    seen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.worker} at {self.seen_at:%Y-%m-%d %H:%M:%S}"
