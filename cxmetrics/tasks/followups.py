"""Follow-up tasks: open follow-ups for the noted responses. Thin wrapper around the service;
matching management command: open_followups."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from cxmetrics.services.followups import creation

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
