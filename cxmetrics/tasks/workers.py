"""Worker liveness: a periodic heartbeat that /healthz reads."""

from __future__ import annotations

from celery import shared_task

from cxmetrics.services import workers


@shared_task(name="cxmetrics.tasks.record_heartbeat", bind=True, ignore_result=True)
def record_heartbeat(self) -> None:  # type: ignore[no-untyped-def]
    """Beat -> broker -> worker -> database all work: note it (beat, every 30 s)."""
    workers.record_heartbeat(worker=self.request.hostname or "eager")
