"""Privacy tasks: the nightly retention run. Matching management command: apply_retention."""

from __future__ import annotations

from celery import shared_task

from cxmetrics.services import privacy
from cxmetrics.tasks.pipeline import RETRY


@shared_task(name="cxmetrics.tasks.apply_retention", **RETRY)
def apply_retention() -> int:
    """Anonymise responses past CX_RETENTION_DAYS (beat, nightly); returns how many. Each batch
    is its own transaction, so a retry after a failure goes on where the run stopped."""
    event = privacy.apply_retention(actor="beat")
    return event.responses if event else 0
