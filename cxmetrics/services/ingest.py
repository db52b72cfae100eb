"""Store validated responses idempotently and mark their rollup buckets dirty."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from cxmetrics.ingest.types import IngestResult, ResponseIn
from cxmetrics.models import DirtyBucket, Metric, Response, Source
from cxmetrics.redaction import redact

logger = logging.getLogger(__name__)

# Rows per INSERT statement: 15 parameters a row stays far below SQLite's 32,766 limit.
_CHUNK = 1000
_COLUMNS = (
    "source_id, external_id, metric, score, channel_id, department_id, occurred_at, day, "
    "received_at, handled_by, agent_ref, customer_ref, comment, sentiment, attributes"
)


def customer_ref(customer_id: str) -> str:
    """Keyed HMAC-SHA256 (hex) of a customer id; the raw id is never stored."""
    if not customer_id:
        return ""
    key = settings.CUSTOMER_HASH_KEY.encode()
    return hmac.new(key, str(customer_id).encode(), hashlib.sha256).hexdigest()


def local_day(moment: datetime) -> date:
    """The date of an aware datetime in the organisation's time zone."""
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def _row(source_id: int, item: ResponseIn, now: datetime) -> tuple:
    comment = redact(item.comment) if settings.CX_REDACT_COMMENTS else item.comment
    # A sentiment the source measured itself is stored as sent; comments are scored later.
    sentiment = item.score if item.metric == Metric.SENTIMENT else None
    return (
        source_id,
        item.external_id,
        item.metric,
        float(item.score),
        item.channel_id,
        item.department_id,
        item.occurred_at,
        local_day(item.occurred_at),
        now,
        item.handled_by,
        item.agent_ref,
        item.customer_ref,
        comment,
        sentiment,
        json.dumps(item.attributes, separators=(",", ":")),
    )


def _insert_sql(rows: int) -> str:
    table = Response._meta.db_table
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    one = "(" + ", ".join(["%s"] * 14 + [f"%s{cast}"]) + ")"
    return (
        f"INSERT INTO {table} ({_COLUMNS}) VALUES {', '.join([one] * rows)} "
        "ON CONFLICT (source_id, external_id) DO NOTHING RETURNING id, external_id"
    )


def mark_dirty(keys: set[tuple]) -> None:
    """Mark rollup buckets (day, metric, channel_id, department_id, handled_by, source_id)."""
    if not keys:
        return
    now = timezone.now()
    DirtyBucket.objects.bulk_create(
        [
            DirtyBucket(
                day=day,
                metric=metric,
                channel_id=channel_id,
                department_id=department_id,
                handled_by=handled_by,
                source_id=source_id,
                marked_at=now,
            )
            for day, metric, channel_id, department_id, handled_by, source_id in keys
        ],
        # Update on conflict (not ignore): it waits for a refresh that holds the mark, so a mark
        # is never deleted by a refresh that could not see the responses behind it.
        update_conflicts=True,
        unique_fields=["day", "metric", "channel", "department", "handled_by", "source"],
        update_fields=["marked_at"],
        batch_size=1000,
    )


def record_responses(*, source: Source, items: Sequence[ResponseIn]) -> IngestResult:
    """Store `items` for `source` in one transaction; already-stored external_ids are skipped.

    Duplicates (same source and external_id, stored before or earlier in the same batch) are
    counted, not stored. The touched rollup buckets are marked dirty in the same transaction, and
    sentiment scoring and the rollup refresh are queued once it commits.
    """
    naive = [item.external_id for item in items if timezone.is_naive(item.occurred_at)]
    if naive:
        raise ValueError(f"occurred_at must carry a time-zone offset (external_id {naive[0]}).")
    now = timezone.now()
    inserted: dict[str, int] = {}
    with transaction.atomic():
        with connection.cursor() as cursor:
            for start in range(0, len(items), _CHUNK):
                chunk = items[start : start + _CHUNK]
                params = [value for item in chunk for value in _row(source.pk, item, now)]
                cursor.execute(_insert_sql(len(chunk)), params)
                inserted.update((external_id, pk) for pk, external_id in cursor.fetchall())
        accepted_items = [item for item in items if item.external_id in inserted]
        mark_dirty(
            {
                (
                    local_day(item.occurred_at),
                    item.metric,
                    item.channel_id,
                    item.department_id,
                    item.handled_by,
                    source.pk,
                )
                for item in accepted_items
            }
        )
        ids = tuple(inserted.values())
        if any(item.comment for item in accepted_items):
            transaction.on_commit(lambda: _enqueue_sentiment(ids))
        transaction.on_commit(_enqueue_refresh)
    return IngestResult(
        accepted=len(inserted), duplicates=len(items) - len(inserted), accepted_ids=ids
    )


def _enqueue_sentiment(ids: tuple[int, ...]) -> None:
    from cxmetrics.tasks import score_sentiment

    _publish(score_sentiment, list(ids))


def _enqueue_refresh() -> None:
    from cxmetrics.tasks import refresh_dirty_rollups

    _publish(refresh_dirty_rollups)


def _publish(task, *args) -> None:  # type: ignore[no-untyped-def]
    """Queue a task; a broker outage is logged, never raised: the data is already committed
    and the periodic tasks catch up from the database."""
    try:
        task.delay(*args)
    except Exception:  # noqa: BLE001 - any broker error must not fail an accepted request
        logger.warning("Could not queue %s; the periodic refresh will catch up", task.name)
