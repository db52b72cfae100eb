"""Keep the daily rollups equal to the raw responses: rebuild ranges, refresh dirty buckets.

Both write paths store exactly the aggregates that `selectors.summary.metric_summary_raw`
computes (`_raw_sums`), with one `INSERT ... SELECT` in SQL, so a figure read from rollups equals
the raw figure exactly (sentiment sums are integers, see `SENTIMENT_UNITS`).

Concurrency (PostgreSQL, READ COMMITTED), the invariant being "no committed response is left out
of its rollup without a dirty mark":

* Ingest (and sentiment scoring) upserts the bucket's mark in the same transaction as the rows,
  in a sorted key order (so two ingests cannot deadlock), and commits after the upsert.
* A refresh claims marks with `FOR UPDATE SKIP LOCKED`. A mark upserted by an uncommitted ingest
  is row-locked by it, so the refresh skips it. An ingest that upserts a mark the refresh has
  claimed waits for the refresh to commit; its rows were not committed when the refresh read
  the responses, and its upsert then re-inserts the mark the refresh deleted. So a refresh only
  deletes marks whose rows it has read (tests/pipeline/test_rollup_races.py proves both orders).
* A rebuild locks the marks of its range (waiting), computes, and deletes only the marks it
  locked; a mark created meanwhile survives.
* Rebuilds take a transaction-level advisory lock exclusively, refreshes take it shared: a
  rebuild never interleaves with a refresh (no deadlock, no duplicate bucket), while several
  refreshes run side by side on disjoint marks.

On SQLite writers are serialised by the database; a refresh whose read snapshot went stale fails
with "database is locked" and is retried, so the invariant holds there too.
"""

from __future__ import annotations

from datetime import date

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from cxmetrics.models import DailyRollup, DirtyBucket, Response
from cxmetrics.selectors.summary import _raw_sums

BUCKET_FIELDS = ("day", "metric", "channel_id", "department_id", "handled_by", "source_id")
# Arbitrary, fixed key of the advisory lock that orders rebuilds against refreshes.
_ADVISORY_KEY = 0x63786D72  # "cxmr"


def _aggregates(responses: QuerySet) -> tuple[str, tuple]:
    """SQL (and params) selecting one row per bucket: the bucket fields, then the sums."""
    # An empty SUM is NULL in SQL; rollup columns hold 0.
    sums = {
        name: Coalesce(expression, Value(0), output_field=DailyRollup._meta.get_field(name))
        for name, expression in _raw_sums().items()
    }
    queryset = responses.values(*BUCKET_FIELDS).annotate(**sums).order_by()
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def _columns() -> list[str]:
    fields = {f.attname: f.column for f in DailyRollup._meta.concrete_fields}
    return [fields[name] for name in (*BUCKET_FIELDS, *_raw_sums())]


def _insert_rollups(responses: QuerySet, *, only_marks: list[int] | None = None) -> int:
    """Insert the aggregates of `responses` as rollup rows (the buckets must be empty).

    With `only_marks`, only the buckets of those dirty marks are kept. The filter applies after
    the GROUP BY on purpose: PostgreSQL cannot push it into the scan, so the responses are read
    once through the day index and hashed, instead of one index probe per mark that re-reads
    the (metric, day, channel) slice for every bucket sharing it.
    """
    sql, params = _aggregates(responses)
    if only_marks is not None:
        dirty = connection.ops.quote_name(DirtyBucket._meta.db_table)
        match = " AND ".join(f"d.{field} = agg.{field}" for field in BUCKET_FIELDS)
        marks = ", ".join(["%s"] * len(only_marks))
        sql = (
            f"SELECT * FROM ({sql}) agg WHERE EXISTS "
            f"(SELECT 1 FROM {dirty} d WHERE d.id IN ({marks}) AND {match})"
        )
        params = (*params, *only_marks)
    table = connection.ops.quote_name(DailyRollup._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _columns())
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)
        return cursor.rowcount


def _lock(*, exclusive: bool) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite serialises writers itself
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [_ADVISORY_KEY])


def _range_q(since: date | None, until: date | None) -> Q:
    q = Q()
    if since:
        q &= Q(day__gte=since)
    if until:
        q &= Q(day__lte=until)
    return q


def rebuild_rollups(*, since: date | None = None, until: date | None = None) -> int:
    """Recompute every bucket of days in [since, until] (open ends: all days) from raw rows.

    Idempotent, one transaction: readers see the old or the new rollups, never a mix. Clears the
    dirty marks of the range that existed when it started. Returns the buckets written.
    Cost: one GROUP BY over the range's responses (about 1 s per million rows on PostgreSQL).
    """
    q = _range_q(since, until)
    with transaction.atomic():
        _lock(exclusive=True)
        marks = list(
            DirtyBucket.objects.select_for_update()
            .filter(q)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        DailyRollup.objects.filter(q).delete()
        written = _insert_rollups(Response.objects.filter(q))
        DirtyBucket.objects.filter(pk__in=marks).delete()
    return written


def _claimed(ids: list[int]) -> Exists:
    """True for rows (responses or rollups) whose bucket is one of the claimed marks."""
    return Exists(DirtyBucket.objects.filter(pk__in=ids, **{f: OuterRef(f) for f in BUCKET_FIELDS}))


def refresh_dirty_rollups(*, limit: int = 2000) -> int:
    """Recompute up to `limit` dirty buckets, oldest marks first, in one transaction.

    Returns how many marks were refreshed (0: nothing was dirty, or every mark is held by a
    concurrent refresh or ingest). Idempotent. Cost follows the dirty buckets, not the table:
    the responses are read through the day index (only the marked days), then matched to the
    marks; without the day filter PostgreSQL would hash-join the marks against the whole table.
    """
    with transaction.atomic():
        _lock(exclusive=False)
        claimed = list(
            DirtyBucket.objects.select_for_update(skip_locked=True)
            .order_by("marked_at", "pk")
            .values_list("pk", "day")[:limit]
        )
        if not claimed:
            return 0
        ids = [pk for pk, _ in claimed]
        days = sorted({day for _, day in claimed})
        DailyRollup.objects.filter(day__in=days).filter(_claimed(ids)).delete()
        _insert_rollups(Response.objects.filter(day__in=days), only_marks=ids)
        DirtyBucket.objects.filter(pk__in=ids).delete()
    return len(ids)


def refresh_all_dirty_rollups(*, limit: int = 2000, max_batches: int | None = None) -> int:
    """Refresh batches of dirty buckets until none is left (or `max_batches` ran).

    Each batch is its own transaction, so an interrupted run leaves whole buckets only.
    Returns the marks refreshed.
    """
    total = batches = 0
    while max_batches is None or batches < max_batches:
        refreshed = refresh_dirty_rollups(limit=limit)
        if not refreshed:
            break
        total += refreshed
        batches += 1
    return total
