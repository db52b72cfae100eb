"""Goal tasks: nightly snapshots and alert evaluation. Thin wrappers around services."""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task
from django.utils import timezone

from cxmetrics.localtime import local_day
from cxmetrics.services import goal_alerts
from cxmetrics.services import goals as goal_services

from .pipeline import RETRY as PIPELINE_RETRY

# The pipeline's rule: only operational errors (the database or the network) are retried; a
# programming error fails at once. Snapshots are idempotent (one row per goal and day,
# replaced), so a retry after a partial run is harmless.
RETRY = {
    "autoretry_for": PIPELINE_RETRY["autoretry_for"],
    "retry_backoff": True,
    "max_retries": 3,
}


@shared_task(name="cxmetrics.tasks.snapshot_goals", **RETRY)
def snapshot_goals(as_of: str | None = None) -> int:
    """Snapshot every active goal on `as_of` (ISO date; default yesterday, a complete day)."""
    day = date.fromisoformat(as_of) if as_of else local_day(timezone.now()) - timedelta(days=1)
    return goal_services.snapshot_goals(as_of=day)


# No automatic retry: a retry after a partial run could never double-alert (the state switch
# comes first), but it would delay the next scheduled run for nothing.
@shared_task(name="cxmetrics.tasks.evaluate_goal_alerts")
def evaluate_goal_alerts(as_of: str | None = None) -> int:
    """Alert goals that newly turned at_risk/off_track on `as_of` (ISO date; default today)."""
    day = date.fromisoformat(as_of) if as_of else local_day(timezone.now())
    return len(goal_alerts.evaluate_alerts(as_of=day))
