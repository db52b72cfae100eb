"""Reads of the pipeline's state: comments still to score, and /healthz's worker liveness and
lag figures, each one cheap indexed query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, Max, OuterRef, QuerySet

from cxmetrics.models import NewRows, Response, SkippedComment, TaskAttempt, WorkerHeartbeat


def unscored_comments() -> QuerySet[Response]:
    """Responses with a comment, no sentiment yet, and no skip (`SkippedComment`).

    The skips are excluded with NOT EXISTS on their small table, so the partial index
    response_unscored_idx still drives the scan."""
    skipped = SkippedComment.objects.filter(response_id=OuterRef("pk"))
    unscored = Response.objects.filter(sentiment__isnull=True).exclude(comment="")
    return unscored.exclude(Exists(skipped))


@dataclass(frozen=True)
class PipelineHealth:
    """Ages in whole seconds at `now`. worker_age is None when no worker ever reported; a lag
    is 0 when nothing is pending."""

    worker_age: int | None
    unscored_comment_age: int
    pending_rollup_note_age: int
    parked_tasks: int
    skipped_comments: int


def _age(now: datetime, then: datetime | None) -> int:
    return max(0, int((now - then).total_seconds())) if then else 0


def pipeline_health(*, now: datetime, with_workers: bool = True) -> PipelineHealth:
    """Five queries (four without `with_workers`): the newest heartbeat (one row per worker),
    the oldest unscored comment (first row of the partial index response_unscored_idx), the
    oldest new-rows note (first row by primary key), parked tasks (partial index) and skipped
    comments (a small table)."""
    worker_age = None
    if with_workers:
        newest = WorkerHeartbeat.objects.aggregate(newest=Max("seen_at"))["newest"]
        worker_age = _age(now, newest) if newest else None
    # Ids grow with insertion, so the first unscored id is the comment waiting longest.
    unscored_at = unscored_comments().order_by("pk").values_list("received_at", flat=True)
    note_at = NewRows.objects.order_by("pk").values_list("created_at", flat=True)
    return PipelineHealth(
        worker_age=worker_age,
        unscored_comment_age=_age(now, unscored_at.first()),
        pending_rollup_note_age=_age(now, note_at.first()),
        parked_tasks=TaskAttempt.objects.filter(parked_at__isnull=False).count(),
        skipped_comments=SkippedComment.objects.count(),
    )
