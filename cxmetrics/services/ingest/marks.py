"""The rollup bookkeeping of changes that are not purely additive: dirty marks, a refresh queued.

New rows (a `NewRows` note, see `record`) and first sentiment scores append rollup deltas
instead (`services.rollup_deltas`).
"""

from __future__ import annotations

from django.utils import timezone

from cxmetrics import enqueue
from cxmetrics.models import BUCKET_FIELDS, BUCKET_KEY, DirtyBucket, Response

__all__ = ["bucket_of", "mark_dirty", "queue_rollup_refresh"]


def bucket_of(response: Response) -> tuple:
    """The rollup bucket of `response` as a key for `mark_dirty` (`BUCKET_FIELDS` order)."""
    return tuple(getattr(response, name) for name in BUCKET_FIELDS)


def mark_dirty(keys: set[tuple]) -> None:
    """Mark rollup buckets, keys in `BUCKET_FIELDS` order (day, metric, channel_id, ...).

    For changes that are not purely additive (stored rows updated or deleted).
    Call inside the transaction that changed the buckets' responses. Marks are upserted in
    sorted order, so concurrent ingests lock them in the same order and cannot deadlock.
    """
    if not keys:
        return
    now = timezone.now()
    DirtyBucket.objects.bulk_create(
        [
            DirtyBucket(**dict(zip(BUCKET_FIELDS, key, strict=True)), marked_at=now)
            for key in sorted(keys)
        ],
        # Update on conflict (not ignore): it waits for a refresh that holds the mark, so a mark
        # is never deleted by a refresh that could not see the responses behind it.
        update_conflicts=True,
        unique_fields=list(BUCKET_KEY),
        update_fields=["marked_at"],
        batch_size=1000,
    )


def queue_rollup_refresh() -> None:
    """Queue a rollup refresh once the current transaction commits, for writes that marked
    buckets dirty or noted new rows. Never raises on a broker outage: the marks are committed
    and beat's refresh catches up within a minute."""
    enqueue.publish_on_commit(enqueue.REFRESH_ROLLUPS)
