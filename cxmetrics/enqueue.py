"""The one place services queue Celery work: by task name, after commit, never failing the
caller. Services import this module, never `cxmetrics.tasks` (tasks call services), so the
import graph has one direction; the task is looked up in the current Celery app (our app,
`cxmetrics.celery`, made current when `cxmetrics` is imported; it autodiscovers the tasks).
"""

from __future__ import annotations

import logging

from celery import current_app
from django.conf import settings
from django.db import transaction

from cxmetrics.breaker import CircuitBreaker

__all__ = [
    "BROKER",
    "DELIVER_WEBHOOKS",
    "OPEN_FOLLOWUPS",
    "REFRESH_ROLLUPS",
    "SCORE_SENTIMENT",
    "publish",
    "publish_on_commit",
]

logger = logging.getLogger(__name__)

SCORE_SENTIMENT = "cxmetrics.tasks.score_sentiment"
REFRESH_ROLLUPS = "cxmetrics.tasks.refresh_dirty_rollups"
DELIVER_WEBHOOKS = "cxmetrics.tasks.deliver_webhooks"
OPEN_FOLLOWUPS = "cxmetrics.tasks.open_followups"


def _broker_cooloff() -> float:
    return settings.CX_BROKER_BACKOFF_SECONDS


# One per process: after a failed publish, nothing is queued for a cool-off (see publish).
BROKER = CircuitBreaker("Celery broker", cooloff=_broker_cooloff)


def publish(task_name: str, *args) -> None:  # type: ignore[no-untyped-def]
    """Queue the task named `task_name` with `args` now (eager mode: run it now).

    A broker outage is logged, never raised: the caller's rows and their rollup notes are
    committed, the request must still answer, and the periodic tasks catch up from the database
    (`score_pending_sentiment`, `refresh_dirty_rollups`, `open_followups`). Only the task name
    is logged, never the arguments. Celery's `delay_on_commit` is not used because it lets the
    broker error escape from the on-commit hook into the request.

    Nor does a request wait on a broker that is down: one failed publish opens BROKER, and
    until its cool-off (CX_BROKER_BACKOFF_SECONDS) ends this process skips publishing without
    a connection attempt. Eager mode (no broker) never opens it.
    """
    task = current_app.tasks[task_name]
    eager = current_app.conf.task_always_eager
    if not eager and not BROKER.allows():
        return
    try:
        task.delay(*args)
    except Exception as error:  # noqa: BLE001 - any broker error must not fail an accepted request
        logger.warning("Could not queue %s; the periodic tasks will catch up", task_name)
        if not eager:
            BROKER.failed(error, consequence="tasks are not queued, the periodic tasks catch up")
        return
    if not eager:
        BROKER.succeeded()


def publish_on_commit(task_name: str, *args) -> None:  # type: ignore[no-untyped-def]
    """`publish` once the current transaction commits (at once outside a transaction).
    `publish` is looked up at commit time, so tests may replace it."""
    transaction.on_commit(lambda: publish(task_name, *args))
