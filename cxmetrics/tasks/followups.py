"""Follow-up tasks: open follow-ups for the noted responses, mail the leads. Thin wrappers
around the services; matching management commands: open_followups, notify_followups."""

from __future__ import annotations

import logging
from dataclasses import asdict

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from cxmetrics.services.followups import creation, notifications

from .pipeline import RETRY

logger = logging.getLogger(__name__)


@shared_task(name="cxmetrics.tasks.open_followups", **RETRY)
def open_followups() -> int:
    """Evaluate every pending `FollowUpNote` (queued after ingest, vendor updates and scoring;
    beat every minute). Idempotent: a retry or a duplicate delivery opens nothing twice."""
    try:
        return creation.open_followups()
    except SoftTimeLimitExceeded:
        # The group of notes in progress rolled back with its follow-ups; earlier groups are
        # committed and the next run (beat, every minute) goes on from the notes still pending.
        logger.warning("Follow-up evaluation stopped at its time limit; the next run goes on")
        return 0


# No automatic retry: a run that failed half-way mailed nobody twice (notify_once records
# first) and the next scheduled run (CX_FOLLOWUP_NOTIFY_MINUTES) goes on.
@shared_task(name="cxmetrics.tasks.notify_followup_leads")
def notify_followup_leads() -> dict[str, int]:
    """One e-mail per team lead listing the new and newly overdue follow-ups of their
    departments not mailed to them yet (beat every CX_FOLLOWUP_NOTIFY_MINUTES)."""
    return asdict(notifications.notify_leads())
