"""Store validated responses idempotently, with their rollup deltas (updates: dirty marks).

`ingest_items` is the whole write path of the API: validate a batch item by item
(cxmetrics.ingest.validate), then `record_responses` (or `update_responses` for vendor update
events) in one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from psycopg import errors as pg_errors
from psycopg.types.json import set_json_dumps

from cxmetrics import enqueue
from cxmetrics.ingest.types import BatchOutcome, IngestResult, ResponseIn
from cxmetrics.ingest.validate import IngestContext, validate_items
from cxmetrics.localtime import local_day
from cxmetrics.models import Channel, Department, DirtyBucket, Metric, Response, Source
from cxmetrics.services import rollup_deltas
from cxmetrics.services.personal_data import stored_text

logger = logging.getLogger(__name__)

# Rows per INSERT statement: 15 parameters a row stays far below SQLite's 32,766 limit.
_CHUNK = 1000
_COLUMNS = (
    "source_id, external_id, metric, score, channel_id, department_id, occurred_at, day, "
    "received_at, handled_by, agent_ref, customer_ref, comment, sentiment, attributes"
)


def _row(source_id: int, item: ResponseIn, now: datetime) -> tuple:
    comment, agent_ref, attributes = stored_text(item)
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
        item.day or local_day(item.occurred_at),
        now,
        item.handled_by,
        agent_ref,
        item.customer_ref,
        comment,
        sentiment,
        attributes,
    )


def _insert_sql(rows: int) -> str:
    table = Response._meta.db_table
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    one = "(" + ", ".join(["%s"] * 14 + [f"%s{cast}"]) + ")"
    return (
        f"INSERT INTO {table} ({_COLUMNS}) VALUES {', '.join([one] * rows)} "
        "ON CONFLICT (source_id, external_id) DO NOTHING RETURNING id, external_id"
    )


# PostgreSQL: the batch's new rows go straight into the responses table by COPY, with ids
# taken from its sequence beforehand; the look-up of stored external_ids before the COPY makes
# ON CONFLICT unnecessary. If a concurrent batch stores one of the same external_ids between the
# look-up and the COPY, the unique key refuses the COPY; it is rolled back to a savepoint and the
# batch goes the slower, race-free way: COPY into a session-local staging table, then one
# INSERT ... SELECT ... ON CONFLICT DO NOTHING. The staging table lives as long as the
# connection and is emptied at every commit.
_STAGING = "cx_ingest_staging"
_STAGING_DDL = (
    f"CREATE TEMP TABLE IF NOT EXISTS {_STAGING} ("
    "id bigint, source_id bigint, external_id varchar(255), metric varchar(10), "
    "score double precision, channel_id bigint, department_id bigint, occurred_at timestamptz, "
    "day date, received_at timestamptz, handled_by varchar(12), agent_ref varchar(100), "
    "customer_ref varchar(64), comment text, sentiment double precision, attributes jsonb"
    ") ON COMMIT DELETE ROWS"
)


def _insert_postgresql(source_id: int, items: Sequence[ResponseIn], now: datetime) -> dict:
    """Store the `items` not stored yet.

    Returns {external_id: id} of the inserted rows. `items` have distinct external_ids.
    """
    table = Response._meta.db_table
    with connection.cursor() as cursor:
        stored = _stored_external_ids(cursor, source_id, [item.external_id for item in items])
        # Sorted (byte order, as COLLATE "C"), so concurrent batches take their unique keys
        # in one order and cannot deadlock.
        fresh = sorted(
            (item for item in items if item.external_id not in stored),
            key=lambda item: item.external_id,
        )
        if not fresh:
            return {}
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(fresh)],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        try:
            with transaction.atomic():  # a savepoint: a refused COPY leaves nothing behind
                _copy(cursor, table, source_id, fresh, ids, now)
            inserted = {item.external_id: pk for item, pk in zip(fresh, ids, strict=True)}
        except (IntegrityError, pg_errors.UniqueViolation):
            inserted = _insert_via_staging(cursor, source_id, fresh, ids, now)
        return inserted


def _stored_external_ids(cursor, source_id: int, external_ids: list[str]) -> set[str]:  # type: ignore[no-untyped-def]
    """Which of `external_ids` the source has stored already (committed)."""
    # The keys travel as one JSON array: psycopg adapts a list of 10,000 strings in Python,
    # about ten times slower than orjson.
    cursor.execute(
        f"SELECT external_id FROM {Response._meta.db_table} "
        "WHERE source_id = %s "
        "AND external_id = ANY(ARRAY(SELECT jsonb_array_elements_text(%s::jsonb)))",
        [source_id, orjson.dumps(external_ids).decode()],
    )
    return {external_id for (external_id,) in cursor.fetchall()}


# PostgreSQL types of (id, *_COLUMNS), for COPY in binary format: about a third of the
# client CPU of text format per row (the values need no formatting nor escaping).
_COPY_TYPES = (
    "int8", "int8", "varchar", "varchar", "float8", "int8", "int8", "timestamptz", "date",
    "timestamptz", "varchar", "varchar", "varchar", "text", "float8", "jsonb",
)  # fmt: skip


def _copy(cursor, table: str, source_id: int, items, ids, now: datetime) -> None:  # type: ignore[no-untyped-def]
    raw = cursor.cursor
    # attributes were checked serialisable by orjson in validation (cxmetrics.ingest.validate).
    set_json_dumps(orjson.dumps, context=raw)
    with raw.copy(f"COPY {table} (id, {_COLUMNS}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(_COPY_TYPES)
        write = copy.write_row
        for pk, item in zip(ids, items, strict=True):
            write((pk, *_row(source_id, item, now)))


def _insert_via_staging(cursor, source_id, items, ids, now) -> dict:  # type: ignore[no-untyped-def]
    """The race-free path: stage the rows, move those whose key is still free."""
    table = Response._meta.db_table
    cursor.execute(_STAGING_DDL)
    _copy(cursor, _STAGING, source_id, items, ids, now)
    cursor.execute(
        f"INSERT INTO {table} (id, {_COLUMNS}) SELECT id, {_COLUMNS} FROM {_STAGING} "
        'ORDER BY external_id COLLATE "C" '
        "ON CONFLICT (source_id, external_id) DO NOTHING RETURNING id, external_id"
    )
    inserted = {external_id: pk for pk, external_id in cursor.fetchall()}
    # Emptied now, not only at commit: a later batch of the same transaction stages again.
    cursor.execute(f"TRUNCATE {_STAGING}")
    return inserted


def _insert_portable(source_id: int, items: Sequence[ResponseIn], now: datetime) -> dict:
    inserted: dict[str, int] = {}
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        for start in range(0, len(items), _CHUNK):
            chunk = items[start : start + _CHUNK]
            params = []
            for item in chunk:
                row = list(_row(source_id, item, now))
                # Raw SQL skips the ORM's adaptation: store datetimes the way the ORM does
                # (naive UTC text on SQLite), or comparisons and ordering break.
                row[6] = adapt(row[6])
                row[8] = adapt(row[8])
                row[14] = orjson.dumps(row[14]).decode()
                params += row
            cursor.execute(_insert_sql(len(chunk)), params)
            inserted.update((external_id, pk) for pk, external_id in cursor.fetchall())
    return inserted


def _first_occurrences(items: Sequence[ResponseIn]) -> list[ResponseIn]:
    """The items whose external_id has not appeared earlier in the batch (first one wins)."""
    seen: set[str] = set()
    add = seen.add
    unique = []
    for item in items:
        if item.external_id not in seen:
            add(item.external_id)
            unique.append(item)
    return unique


def mark_dirty(keys: set[tuple]) -> None:
    """Mark rollup buckets (day, metric, channel_id, department_id, handled_by, source_id).

    For changes that are not purely additive (stored rows updated or deleted); new rows and
    first sentiment scores append rollup deltas instead (`services.rollup_deltas`).
    Call inside the transaction that changed the buckets' responses. Marks are upserted in
    sorted order, so concurrent ingests lock them in the same order and cannot deadlock.
    """
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
            for day, metric, channel_id, department_id, handled_by, source_id in sorted(keys)
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

    Duplicates (same source and external_id, stored before or earlier in the same batch, where
    the first occurrence wins) are counted, not stored. The rollup deltas of the new rows (one
    per bucket) are appended in the same transaction, and sentiment scoring (of the accepted
    rows with a comment) and the rollup refresh are queued once it commits. On PostgreSQL the
    rows travel by COPY (about 5x faster than multi-row INSERTs); elsewhere by multi-row
    INSERT ... ON CONFLICT.
    """
    naive = [item.external_id for item in items if item.occurred_at.utcoffset() is None]
    if naive:
        raise ValueError(f"occurred_at must carry a time-zone offset (external_id {naive[0]}).")
    now = timezone.now()
    unique = _first_occurrences(items)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            inserted = _insert_postgresql(source.pk, unique, now)
            accepted_items = [item for item in unique if item.external_id in inserted]
        else:
            inserted = _insert_portable(source.pk, unique, now)
            accepted_items = [item for item in unique if item.external_id in inserted]
        ids = tuple(inserted.values())
        if ids:
            rollup_deltas.record_new_rows(ids)
        commented = tuple(inserted[item.external_id] for item in accepted_items if item.comment)
        if commented:
            enqueue.publish_on_commit(enqueue.SCORE_SENTIMENT, list(commented))
        if accepted_items:
            queue_rollup_refresh()
    return IngestResult(
        accepted=len(inserted), duplicates=len(items) - len(inserted), accepted_ids=ids
    )


_UPDATABLE = (
    "metric",
    "score",
    "comment",
    "sentiment",
    "attributes",
    "customer_ref",
    "agent_ref",
)


def update_responses(*, source: Source, items: Sequence[ResponseIn]) -> IngestResult:
    """Store `items`, updating in place the stored responses with the same external_id.

    For vendor update events (Delighted `survey_response.updated`): the score, comment,
    attributes and customer/agent refs of the stored row take the new values, its comment
    sentiment is re-scored when the comment changed, and the old and new rollup buckets are
    marked dirty. Items not stored yet are inserted as by `record_responses`. Later items
    win over earlier ones with the same external_id. Returns accepted (inserted) and updated.
    """
    latest = {item.external_id: item for item in items}
    with transaction.atomic():
        stored = {
            row.external_id: row
            for row in Response.objects.select_for_update().filter(
                source=source, external_id__in=list(latest)
            )
        }
        new_items = [item for key, item in latest.items() if key not in stored]
        result = record_responses(source=source, items=new_items) if new_items else None
        changed: list[Response] = []
        keys: set[tuple] = set()
        rescore: list[int] = []
        for key, row in stored.items():
            item = latest[key]
            comment, agent_ref, attributes = stored_text(item)
            keys.add(
                (row.day, row.metric, row.channel_id, row.department_id, row.handled_by, source.pk)
            )
            if comment != row.comment:
                rescore.append(row.pk)
                row.sentiment = None
            row.comment = comment
            row.metric = item.metric  # a vendor may re-type a response; both buckets are marked
            row.score = float(item.score)
            if row.metric == Metric.SENTIMENT:
                row.sentiment = row.score
            row.attributes = attributes or row.attributes
            row.customer_ref = item.customer_ref or row.customer_ref
            row.agent_ref = agent_ref or row.agent_ref
            keys.add(
                (row.day, row.metric, row.channel_id, row.department_id, row.handled_by, source.pk)
            )
            changed.append(row)
        if changed:
            Response.objects.bulk_update(changed, list(_UPDATABLE), batch_size=1000)
            mark_dirty(keys)
            ids = tuple(pk for pk in rescore if pk)
            if ids:
                enqueue.publish_on_commit(enqueue.SCORE_SENTIMENT, list(ids))
            queue_rollup_refresh()
    return IngestResult(
        accepted=result.accepted if result else 0,
        duplicates=0,
        accepted_ids=result.accepted_ids if result else (),
        updated=len(changed),
    )


def ingest_context(*, source: Source, now: datetime | None = None) -> IngestContext:
    """What validating a batch for `source` needs: its allowed channels, every department and
    the defaults, as slug -> id maps. Three small queries, once per batch."""
    allowed = dict(source.channels.values_list("slug", "pk"))
    channels = dict(Channel.objects.values_list("pk", "slug"))
    departments = dict(Department.objects.values_list("slug", "pk"))
    dept_slugs = {pk: slug for slug, pk in departments.items()}
    return IngestContext(
        source_slug=source.slug,
        channel_ids=allowed,
        department_ids=departments,
        known_channels=frozenset(channels.values()),
        default_channel=channels.get(source.default_channel_id),
        default_department=dept_slugs.get(source.default_department_id),
        now=now or timezone.now(),
        time_zone=ZoneInfo(settings.TIME_ZONE),
        customer_hash_key=settings.CUSTOMER_HASH_KEY.encode(),
        max_comment_chars=settings.CX_COMMENT_MAX_CHARS,
    )


def ingest_items(
    *,
    source: Source,
    entries: Sequence[Any],
    context: IngestContext | None = None,
    offset: int = 0,
    lines: Sequence[int] | None = None,
    update: bool = False,
) -> BatchOutcome:
    """Validate `entries` (canonical dicts) item by item and store the valid ones in one
    transaction (`update_responses` when `update`, else `record_responses`).

    Returns the counts and one rejection per invalid item (`index` = offset + position).
    """
    context = context or ingest_context(source=source)
    checked = validate_items(entries, context=context, offset=offset, lines=lines)
    result = IngestResult(accepted=0, duplicates=0)
    if checked.items:
        store = update_responses if update else record_responses
        result = store(source=source, items=checked.items)
    return BatchOutcome(
        accepted=result.accepted,
        duplicates=result.duplicates,
        updated=result.updated,
        rejected=checked.rejected,
        rejected_total=len(checked.rejected),
        items=len(entries),
    )


def queue_rollup_refresh() -> None:
    """Queue a rollup refresh once the current transaction commits, for writes outside ingest
    (erasing a customer) that marked buckets dirty. Never raises on a broker outage: the
    marks are committed and beat's refresh catches up within a minute."""
    enqueue.publish_on_commit(enqueue.REFRESH_ROLLUPS)
