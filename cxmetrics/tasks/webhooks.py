"""Webhook task: send the deliveries that are due. A thin wrapper around
cxmetrics.services.webhooks; matching management command: deliver_webhooks.

Queued on commit by `queue_event` and run by beat every minute (retries that fell due, and a
catch-up when publishing failed). Safe to run twice at once: each delivery is claimed by one
run only (see the service). At the soft time limit the delivery being sent keeps its claim
and is tried again when the claim's lease ends.
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from cxmetrics.services import webhooks

from .pipeline import RETRY

logger = logging.getLogger(__name__)


@shared_task(name="cxmetrics.tasks.deliver_webhooks", **RETRY)
def deliver_webhooks(limit: int = 100) -> int:
    """Send up to `limit` due webhook deliveries; returns the attempts made."""
    try:
        return webhooks.deliver_due(limit=limit)
    except SoftTimeLimitExceeded:
        logger.warning("Webhook delivery stopped at its time limit; the next run goes on")
        return 0
