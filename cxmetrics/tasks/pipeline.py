"""Pipeline tasks: sentiment scoring and rollups. Thin wrappers around services.

Every task is idempotent (it recomputes from the database), so a retry or a duplicate delivery
is harmless. Retries with exponential backoff and jitter cover operational failures only (the
database or the network); a programming error fails at once. Each batch of work is one
database transaction, and messages are acknowledged after the task ran (settings:
CELERY_TASK_ACKS_LATE): a worker killed mid-task leaves no partial bucket, its open transaction
rolls back, and the dirty marks still in the database are picked up by the next refresh.
Matching management commands: rebuild_rollups, refresh_rollups, score_sentiment.
"""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from cxmetrics.services import rollups, sentiment
from cxmetrics.services.ingest import local_day

RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
    "acks_late": True,
}
# A refresh run stops after this many batches so that a steady stream of ingests cannot keep
# one task running for ever; the next run (queued by ingest or by beat) goes on.
REFRESH_MAX_BATCHES = 50


@shared_task(name="cxmetrics.tasks.score_sentiment", **RETRY)
def score_sentiment(response_ids: list[int]) -> int:
    """Score the given responses' comments (queued by ingest after commit)."""
    return sentiment.score_comments(response_ids=response_ids)


@shared_task(name="cxmetrics.tasks.score_pending_sentiment", **RETRY)
def score_pending_sentiment() -> int:
    """Score every comment still unscored (beat, every minute: catches up after an outage)."""
    return sentiment.score_comments()


@shared_task(name="cxmetrics.tasks.refresh_dirty_rollups", **RETRY)
def refresh_dirty_rollups() -> int:
    """Recompute dirty rollup buckets, batch by batch (queued by ingest; beat every minute)."""
    return rollups.refresh_all_dirty_rollups(max_batches=REFRESH_MAX_BATCHES)


@shared_task(name="cxmetrics.tasks.rebuild_rollups", **RETRY)
def rebuild_rollups(since: str | None = None, until: str | None = None) -> int:
    """Rebuild the rollups of days in [since, until] (ISO dates; open ends: all days)."""
    return rollups.rebuild_rollups(
        since=date.fromisoformat(since) if since else None,
        until=date.fromisoformat(until) if until else None,
    )


@shared_task(name="cxmetrics.tasks.rebuild_yesterday", **RETRY)
def rebuild_yesterday() -> int:
    """Nightly full check: rebuild yesterday (organisation time zone) from raw responses."""
    yesterday = local_day(timezone.now()) - timedelta(days=1)
    return rollups.rebuild_rollups(since=yesterday, until=yesterday)
