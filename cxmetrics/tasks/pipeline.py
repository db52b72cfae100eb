"""Pipeline tasks: sentiment scoring and rollups. Thin wrappers around services.

Every task is idempotent (it recomputes from the database), so a retry or a duplicate delivery
is harmless. Retries with exponential backoff and jitter cover operational failures only (the
database or the network); a programming error fails at once. Each batch of work is one
database transaction, and messages are acknowledged after the task ran (settings:
CELERY_TASK_ACKS_LATE): a worker killed mid-task leaves no partial bucket, its open transaction
rolls back, and the dirty marks still in the database are picked up by the next refresh.
Matching management commands: rebuild_rollups, refresh_rollups, score_sentiment.

Time limits (settings: CELERY_TASK_ANNOTATIONS): at the soft limit the batch in progress rolls
back. A scoring run then splits what it was working on into two halves queued as new tasks,
each with a fresh limit; a single comment that still does not finish (or fails) is skipped
with the reason (`sentiment.skip_comments`), so one poison comment costs about log2(1000)
limits once and never blocks its batch or the per-minute catch-up. A refresh stops and leaves
the rest to the next run.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from cxmetrics.localtime import local_day
from cxmetrics.services import rollups, sentiment

RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
    "acks_late": True,
}
logger = logging.getLogger(__name__)
# Operational errors are retried by Celery; anything else a scorer raises on some comment is
# handled like a time limit: split, and skip the comment that fails alone.
_TRANSIENT = RETRY["autoretry_for"]
# A refresh run stops after this many batches so that a steady stream of ingests cannot keep
# one task running for ever; the next run (queued by ingest or by beat) goes on.
REFRESH_MAX_BATCHES = 50


@shared_task(name="cxmetrics.tasks.score_sentiment", **RETRY)
def score_sentiment(response_ids: list[int]) -> int:
    """Score the given responses' comments (queued by ingest after commit)."""
    try:
        return sentiment.score_comments(response_ids=response_ids)
    except _TRANSIENT:
        raise
    except Exception as error:  # noqa: BLE001 - includes SoftTimeLimitExceeded; see above
        remaining = sentiment.unscored_ids(response_ids=response_ids, limit=len(response_ids))
        _split_or_skip(remaining, error)
        return 0


@shared_task(name="cxmetrics.tasks.score_pending_sentiment", **RETRY)
def score_pending_sentiment() -> int:
    """Score every comment still unscored (beat, every minute: catches up after an outage)."""
    try:
        return sentiment.score_comments()
    except _TRANSIENT:
        raise
    except Exception as error:  # noqa: BLE001 - includes SoftTimeLimitExceeded; see above
        _split_or_skip(sentiment.unscored_ids(), error)  # the batch it stopped in
        return 0


def _split_or_skip(response_ids: list[int], error: BaseException) -> None:
    """Queue the two halves of a batch that did not finish; skip a single comment."""
    what = (
        "scoring exceeded the time limit"
        if isinstance(error, SoftTimeLimitExceeded)
        else f"scoring failed: {type(error).__name__}"
    )
    if len(response_ids) == 1:
        sentiment.skip_comments(response_ids=response_ids, reason=what)
        logger.error("Comment of response %s skipped: %s", response_ids[0], what)
    elif response_ids:
        half = len(response_ids) // 2
        logger.warning("%s on %s comments: split in two", what, len(response_ids))
        score_sentiment.delay(response_ids[:half])
        score_sentiment.delay(response_ids[half:])


@shared_task(name="cxmetrics.tasks.refresh_dirty_rollups", **RETRY)
def refresh_dirty_rollups() -> int:
    """Recompute dirty rollup buckets and add pending deltas, batch by batch (queued by ingest
    and by changes to stored responses; beat every minute)."""
    try:
        return rollups.refresh_all_dirty_rollups(max_batches=REFRESH_MAX_BATCHES)
    except SoftTimeLimitExceeded:
        # The batch in progress rolled back; the batches before it are committed, and the
        # next run (beat, every minute) goes on from the deltas and marks still pending.
        logger.warning("Rollup refresh stopped at its time limit; the next run goes on")
        return 0


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
