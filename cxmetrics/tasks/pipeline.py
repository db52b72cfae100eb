"""Pipeline tasks: sentiment scoring and rollups. Thin wrappers around services."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from cxmetrics.services import rollups, sentiment
from cxmetrics.services.ingest import local_day

RETRY = {"autoretry_for": (Exception,), "retry_backoff": True, "max_retries": 5}


@shared_task(name="cxmetrics.tasks.score_sentiment", **RETRY)
def score_sentiment(response_ids: list[int]) -> int:
    return sentiment.score_comments(response_ids=response_ids, limit=len(response_ids))


@shared_task(name="cxmetrics.tasks.score_pending_sentiment", **RETRY)
def score_pending_sentiment() -> int:
    total = 0
    while scored := sentiment.score_comments():
        total += scored
    return total


@shared_task(name="cxmetrics.tasks.refresh_dirty_rollups", **RETRY)
def refresh_dirty_rollups() -> int:
    total = 0
    while refreshed := rollups.refresh_dirty_rollups():
        total += refreshed
    return total


@shared_task(name="cxmetrics.tasks.rebuild_yesterday", **RETRY)
def rebuild_yesterday() -> int:
    yesterday = local_day(timezone.now()) - timedelta(days=1)
    return rollups.rebuild_rollups(since=yesterday, until=yesterday)
