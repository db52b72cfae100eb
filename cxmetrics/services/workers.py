"""Writes of the worker side: count task deliveries across worker deaths, park the tasks that
keep failing, retry parked ones, record worker heartbeats.

A delivery is counted in its own committed transaction before the task's work starts, so a
worker killed mid-task (kill -9, OOM) still leaves its count behind; the redelivered message
finds it. Called by `cxmetrics.celery.GuardedTask` (every task) and by the admin.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cxmetrics.models import TaskAttempt, WorkerHeartbeat

logger = logging.getLogger(__name__)
# Errors are kept for the admin; a traceback's last lines say enough.
ERROR_CHARS = 2000
LOST = "The worker was lost {attempts} times while running it (killed, or out of memory)."


def begin_attempt(*, task_id: str, task_name: str, args: list, kwargs: dict) -> bool:
    """Count one delivery of message `task_id`; True if the task may run.

    False when the message is parked already, or when it has already started
    settings.CX_TASK_MAX_ATTEMPTS times without finishing (each earlier delivery killed its
    worker): it is parked now and not run again. Commits before returning (call it outside any
    transaction). Cost: two or three queries on the primary key's unique index.
    """
    now = timezone.now()
    with transaction.atomic():
        attempt, _ = TaskAttempt.objects.select_for_update().get_or_create(
            task_id=task_id,
            defaults={"task_name": task_name, "args": args, "kwargs": kwargs, "first_seen": now},
        )
        if attempt.parked_at is not None:
            logger.warning("%s[%s] is parked: not run", task_name, task_id)
            return False
        if attempt.attempts >= settings.CX_TASK_MAX_ATTEMPTS:
            TaskAttempt.objects.filter(pk=attempt.pk).update(
                parked_at=now,
                last_seen=now,
                last_error=attempt.last_error or LOST.format(attempts=attempt.attempts),
            )
            logger.error(
                "%s[%s] parked after %s deliveries that never finished",
                task_name,
                task_id,
                attempt.attempts,
            )
            return False
        TaskAttempt.objects.filter(pk=attempt.pk).update(attempts=F("attempts") + 1, last_seen=now)
    return True


def end_attempt(*, task_id: str) -> None:
    """The delivery finished (or will be retried by Celery): forget its count."""
    TaskAttempt.objects.filter(task_id=task_id, parked_at__isnull=True).delete()


def park(*, task_id: str, task_name: str, args: list, kwargs: dict, error: str) -> None:
    """Park message `task_id`, which failed for good (an error after its retries, or the hard
    time limit): the admin shows it with `error` and can retry or delete it."""
    now = timezone.now()
    attempt, created = TaskAttempt.objects.get_or_create(
        task_id=task_id,
        defaults={
            "task_name": task_name,
            "args": args,
            "kwargs": kwargs,
            "attempts": 1,
            "first_seen": now,
            "last_seen": now,
            "last_error": error[-ERROR_CHARS:],
            "parked_at": now,
        },
    )
    if not created:
        TaskAttempt.objects.filter(pk=attempt.pk).update(
            parked_at=now, last_seen=now, last_error=error[-ERROR_CHARS:]
        )
    logger.error("%s[%s] failed and is parked: %s", task_name, task_id, error[-200:])


def retry_parked(*, attempts: Iterable[TaskAttempt]) -> int:
    """Queue each parked task again (a new message, with its arguments), then delete its row.
    A task that cannot be queued (broker down, task no longer exists) stays parked. Returns
    how many were queued. Queueing twice is harmless: every task is idempotent."""
    queued = 0
    for attempt in attempts:
        # The current app is ours (cxmetrics.celery); importing it here would tie the two
        # modules in a circle (GuardedTask calls this module).
        task = current_app.tasks.get(attempt.task_name)
        if task is None:
            continue  # only a delete helps
        try:
            task.apply_async(attempt.args, attempt.kwargs)
        except Exception:  # noqa: BLE001 - keep it parked; the admin says how many went out
            logger.warning("Could not queue %s again", attempt.task_name)
            continue
        TaskAttempt.objects.filter(pk=attempt.pk).delete()
        queued += 1
    return queued


def record_heartbeat(*, worker: str, now: datetime | None = None) -> None:
    """Note that `worker` is alive now; also forget counts of deliveries older than a day
    that never came back (a message whose broker lost it), so only parked rows accumulate."""
    now = now or timezone.now()
    WorkerHeartbeat.objects.update_or_create(worker=worker, defaults={"seen_at": now})
    stale = now - timedelta(days=1)
    TaskAttempt.objects.filter(parked_at__isnull=True, last_seen__lt=stale).delete()
