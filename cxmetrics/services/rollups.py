"""Keep the daily rollups equal to the raw responses: apply deltas, refresh dirty buckets,
rebuild ranges.

Every write path stores exactly the aggregates that `selectors.summary.metric_summary_raw`
computes (`selectors.counts.raw_sums`), in SQL, so a figure read from rollups equals the raw
figure exactly (sentiment sums are integers, see `SENTIMENT_UNITS`). Two kinds of pending work
feed a refresh:

* `RollupDelta` rows (`services.rollup_deltas`): purely additive changes (new responses, first
  sentiment scores), appended in the transaction that wrote the rows. A refresh adds them into
  the rollups: its cost follows the new data, not the table. Ingest appends only a `NewRows`
  note (the ids it inserted); every refresh, recompute and rebuild first expands the notes it
  sees into deltas, counting the rows as inserted (`rollup_deltas.expand_new_rows`).
* `DirtyBucket` marks: any other change (a stored response updated by `update_responses`, or
  edited or deleted in the admin). A refresh recomputes the marked buckets from all their raw
  rows.

Invariant: rollup + pending deltas of a bucket = the raw sums of the bucket's committed rows,
for every bucket without a dirty mark. Why it holds under concurrency (PostgreSQL):

* A delta (or a `NewRows` note) commits with the rows it counts, so any snapshot sees it iff it
  sees its rows. A note's expansion reads the rows as inserted (a comment's score is its own
  delta; other changes mark the bucket dirty), so when it runs does not change what it adds.
  A recompute or rebuild expands every note its snapshot sees, waiting for (and then failing
  to serialize with) a concurrent expander, before it deletes the deltas of its buckets.
* Applying deltas (READ COMMITTED) never reads responses: it claims deltas with `FOR UPDATE
  SKIP LOCKED`, adds them with an upsert and deletes them in one transaction. Additions commute,
  so concurrent appliers on disjoint deltas are exact (the upsert waits for the other writer).
* A recompute or rebuild reads the raw rows and deletes the deltas of the buckets it rewrites
  under one REPEATABLE READ snapshot: it deletes exactly the deltas whose rows it counted, and
  a delta committed after its snapshot survives to be added on top. If a delta it must delete
  was meanwhile applied (or a rollup or mark it writes was changed) by a transaction that
  committed after its snapshot, PostgreSQL raises a serialization failure instead of letting
  it double-count; the batch rolls back and is retried on a fresh snapshot (`_retrying`).
  Deltas are locked before rollups in both paths, so appliers and recomputes rarely deadlock;
  a deadlock is retried the same way.
* Marks: a writer upserts a bucket's mark in the same transaction as the rows, in sorted key
  order (so two writers cannot deadlock). A refresh claims marks with `FOR UPDATE SKIP LOCKED`
  in its snapshot: a mark held by an uncommitted writer is skipped, one upserted after the
  snapshot is either new (invisible, so kept) or conflicts (serialization failure, retried); a
  writer that upserts a mark the refresh has claimed waits and re-creates it once the refresh
  commits. So a refresh only deletes marks whose rows its snapshot counted.
* Rebuilds take an advisory lock exclusively, refreshes take it shared, both before their
  snapshot: a rebuild never interleaves with a refresh (so a long rebuild is not rolled back by
  one), while several refreshes run side by side on disjoint deltas and marks.

The guarantees need the functions to run in their own transactions (as tasks and commands do);
called inside an outer transaction they run in it, at its isolation level.
On SQLite writers are serialised by the database and a transaction reads one snapshot; a write
from a stale snapshot fails with "database is locked" and the task retries, so the invariant
holds there too.
tests/pipeline/test_rollup_races.py exercises the interleavings on PostgreSQL.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import date
from typing import TypeVar

from django.db import DatabaseError, OperationalError, connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from cxmetrics.models import BUCKET_FIELDS, DailyRollup, DirtyBucket, Response, RollupDelta
from cxmetrics.services.rollup_deltas import aggregates, apply_deltas, expand_new_rows, insert_sql

# Arbitrary, fixed key of the advisory lock that orders rebuilds against refreshes.
_ADVISORY_KEY = 0x63786D72  # "cxmr"
# serialization_failure, deadlock_detected: the transaction did nothing; run it again.
_RETRY_SQLSTATES = frozenset({"40001", "40P01"})
_ATTEMPTS = 8
# Ingest batches (of up to 10,000 responses each) turned into deltas per refresh transaction.
_NEW_ROWS_PER_BATCH = 10
T = TypeVar("T")


def _insert_rollups(responses: QuerySet, *, only_marks: list[int] | None = None) -> int:
    """Insert the aggregates of `responses` as rollup rows (the buckets must be empty).

    With `only_marks`, only the buckets of those dirty marks are kept. The filter applies after
    the GROUP BY on purpose: PostgreSQL cannot push it into the scan, so the responses are read
    once through the day index and hashed, instead of one index probe per mark that re-reads
    the (metric, day, channel) slice for every bucket sharing it.
    """
    sql, params = aggregates(responses)
    if only_marks is not None:
        dirty = connection.ops.quote_name(DirtyBucket._meta.db_table)
        match = " AND ".join(f"d.{field} = agg.{field}" for field in BUCKET_FIELDS)
        marks = ", ".join(["%s"] * len(only_marks))
        sql = (
            f"SELECT * FROM ({sql}) agg WHERE EXISTS "
            f"(SELECT 1 FROM {dirty} d WHERE d.id IN ({marks}) AND {match})"
        )
        params = (*params, *only_marks)
    with connection.cursor() as cursor:
        cursor.execute(insert_sql(DailyRollup, sql), params)
        return cursor.rowcount


def _advisory(function: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [_ADVISORY_KEY])


@contextmanager
def _batch(*, exclusive: bool, snapshot: bool) -> Iterator[None]:
    """One transaction holding the rebuild/refresh advisory lock (PostgreSQL), with `snapshot`
    under one REPEATABLE READ snapshot taken after the lock was granted."""
    mode = "" if exclusive else "_shared"
    if connection.vendor != "postgresql":
        with transaction.atomic():  # SQLite serialises writers itself
            yield
    elif not snapshot or connection.in_atomic_block:
        with transaction.atomic():
            _advisory(f"pg_advisory_xact_lock{mode}")
            yield
    else:
        # A session lock, taken before the transaction: under REPEATABLE READ the snapshot is
        # taken by the transaction's first statement, which must not be a wait for the lock.
        _advisory(f"pg_advisory_lock{mode}")
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                yield
        finally:
            # If the connection is gone, its session lock went with it.
            with suppress(DatabaseError):
                _advisory(f"pg_advisory_unlock{mode}")


def _retrying(work: Callable[[], T]) -> T:
    """Run `work` (one transaction) again after a PostgreSQL serialization failure or deadlock,
    which roll back everything it did; other errors propagate, and so does the last failure
    (the task's own retries then take over)."""
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            return work()
        except OperationalError as error:
            transient = getattr(error.__cause__, "sqlstate", None) in _RETRY_SQLSTATES
            if not transient or attempt == _ATTEMPTS or connection.in_atomic_block:
                raise
            time.sleep(random.uniform(0, 0.01 * 2**attempt))
    raise AssertionError("unreachable")


def _range_q(since: date | None, until: date | None) -> Q:
    q = Q()
    if since:
        q &= Q(day__gte=since)
    if until:
        q &= Q(day__lte=until)
    return q


def rebuild_rollups(*, since: date | None = None, until: date | None = None) -> int:
    """Recompute every bucket of days in [since, until] (open ends: all days) from raw rows.

    Idempotent, one transaction: readers see the old or the new rollups, never a mix. Deletes
    the range's pending deltas and dirty marks that its snapshot already counts. Returns the
    buckets written. Cost: one GROUP BY over the range's responses (about 1 s per million rows
    on PostgreSQL).
    """
    q = _range_q(since, until)

    def rebuild() -> int:
        with _batch(exclusive=True, snapshot=True):
            # Marks an uncommitted writer holds are skipped: their changes are not in this
            # snapshot, so they must survive.
            marks = list(
                DirtyBucket.objects.select_for_update(skip_locked=True)
                .filter(q)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            expand_new_rows(skip_locked=False)  # so the deletion below covers new rows too
            RollupDelta.objects.filter(q).delete()
            DailyRollup.objects.filter(q).delete()
            written = _insert_rollups(Response.objects.filter(q))
            DirtyBucket.objects.filter(pk__in=marks).delete()
        return written

    return _retrying(rebuild)


def _claimed(ids: list[int]) -> Exists:
    """True for rows (rollups, deltas) whose bucket is one of the claimed marks."""
    return Exists(DirtyBucket.objects.filter(pk__in=ids, **{f: OuterRef(f) for f in BUCKET_FIELDS}))


def _recompute_dirty(limit: int) -> int:
    with _batch(exclusive=False, snapshot=True):
        claimed = list(
            DirtyBucket.objects.select_for_update(skip_locked=True)
            .order_by("marked_at", "pk")
            .values_list("pk", "day")[:limit]
        )
        if not claimed:
            return 0
        ids = [pk for pk, _ in claimed]
        days = sorted({day for _, day in claimed})
        # Deltas before rollups: the order in which appliers lock them.
        # New rows this snapshot counts become deltas first, so that the deletion below
        # covers them (expanded later, they would count a second time).
        expand_new_rows(skip_locked=False)
        RollupDelta.objects.filter(day__in=days).filter(_claimed(ids)).delete()
        DailyRollup.objects.filter(day__in=days).filter(_claimed(ids)).delete()
        _insert_rollups(Response.objects.filter(day__in=days), only_marks=ids)
        DirtyBucket.objects.filter(pk__in=ids).delete()
    return len(ids)


def _apply_deltas(limit: int) -> int:
    with _batch(exclusive=False, snapshot=False):
        return expand_new_rows(limit=_NEW_ROWS_PER_BATCH) + apply_deltas(limit=limit)


def refresh_dirty_rollups(*, limit: int = 2000) -> int:
    """One batch: recompute up to `limit` dirty buckets (oldest marks first), then add up to
    `limit` pending deltas (oldest first) into the rollups; each is one transaction.

    Returns how many marks and deltas were processed (0: nothing was pending, or all of it is
    held by a concurrent refresh or writer). Idempotent. Cost follows the pending work, not the
    table: a delta costs its own row; a dirty bucket costs the responses of its day, read
    through the day index and matched to the marks (without the day filter PostgreSQL would
    hash-join the marks against the whole table).
    """
    return _retrying(lambda: _recompute_dirty(limit)) + _retrying(lambda: _apply_deltas(limit))


def refresh_all_dirty_rollups(*, limit: int = 2000, max_batches: int | None = None) -> int:
    """Refresh batches of dirty buckets and deltas until none is left (or `max_batches` ran).

    Each batch is its own transaction, so an interrupted run leaves whole buckets only.
    Returns the marks and deltas processed.
    """
    total = batches = 0
    while max_batches is None or batches < max_batches:
        refreshed = refresh_dirty_rollups(limit=limit)
        if not refreshed:
            break
        total += refreshed
        batches += 1
    return total
