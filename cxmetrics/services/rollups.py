"""Keep the daily rollups equal to the raw responses: rebuild ranges, refresh dirty buckets."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL

from cxmetrics.models import DailyRollup, DirtyBucket, Response
from cxmetrics.selectors.summary import _raw_sums

BUCKET_FIELDS = ("day", "metric", "channel_id", "department_id", "handled_by", "source_id")


def _recompute(responses_q: Q, rollups_q: Q) -> int:
    """Replace the rollups matching `rollups_q` by fresh aggregates of `responses_q`."""
    rows = (
        Response.objects.filter(responses_q)
        .values(*BUCKET_FIELDS)
        .annotate(**_raw_sums())
        .order_by()
    )
    DailyRollup.objects.filter(rollups_q).delete()
    created = DailyRollup.objects.bulk_create(
        [DailyRollup(**{k: (v if v is not None else 0) for k, v in row.items()}) for row in rows],
        batch_size=1000,
    )
    return len(created)


def rebuild_rollups(*, since: date | None = None, until: date | None = None) -> int:
    """Rebuild every bucket of days in [since, until] (open ends: all). Returns buckets written."""
    q = Q()
    if since:
        q &= Q(day__gte=since)
    if until:
        q &= Q(day__lte=until)
    with transaction.atomic():
        count = _recompute(q, q)
        DirtyBucket.objects.filter(q).delete()
    return count


def _claimed_sql(table: str, alias: str, ids: list[int]) -> tuple[str, list[int]]:
    """SQL selecting the ids of `table` rows whose bucket key matches a claimed dirty mark."""
    join = " AND ".join(f"{alias}.{field} = d.{field}" for field in BUCKET_FIELDS)
    marks = ", ".join(["%s"] * len(ids))
    return (
        f"SELECT {alias}.id FROM {table} {alias} "
        f"JOIN {DirtyBucket._meta.db_table} d ON {join} WHERE d.id IN ({marks})",
        ids,
    )


def refresh_dirty_rollups(*, limit: int = 5000) -> int:
    """Recompute up to `limit` dirty buckets in one transaction. Returns buckets refreshed.

    Cost follows the dirty buckets: the responses are reached from the marks through the
    (metric, day, channel) index, never by scanning the table. Marks held by a concurrent
    refresh are skipped (SKIP LOCKED on PostgreSQL).
    """
    with transaction.atomic():
        ids = list(
            DirtyBucket.objects.select_for_update(skip_locked=True)
            .order_by("marked_at")
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return 0
        responses = RawSQL(*_claimed_sql(Response._meta.db_table, "r", ids))
        rollups = RawSQL(*_claimed_sql(DailyRollup._meta.db_table, "u", ids))
        _recompute(Q(pk__in=responses), Q(pk__in=rollups))
        DirtyBucket.objects.filter(pk__in=ids).delete()
    return len(ids)
