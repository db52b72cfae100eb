"""Rollup deltas: what purely additive writes add to their buckets, and how the refresh adds them.

New responses (ingest) and first sentiment scores (the scorer) only ever add to their buckets'
counts. Instead of marking those buckets dirty, which makes the refresh recompute each one from
all its raw rows (a cost that grows with the table), they become `RollupDelta`s, one per bucket,
computed in SQL with the single definition of the rollup columns, `selectors.counts.raw_sums`.
The refresh adds deltas into `DailyRollup` and deletes them in one transaction, so its cost
follows the new data only.

* The scorer appends the deltas of its new scores in the transaction that stores them.
* Ingest appends only the ids of the rows it inserted (`NewRows`, one row per batch), in the
  transaction that inserts them: the integrator does not wait for thousands of per-bucket
  deltas. Every refresh, recompute and rebuild first turns the pending `NewRows` into deltas
  (`expand_new_rows`), counting each response as it was inserted: its `sentiment` only if the
  source sent it (the sentiment metric); a comment's score arrives as the scorer's own delta,
  whenever it was stored. Every other column of a response only changes through an update,
  which marks its buckets dirty, and a recompute expands the pending `NewRows` it can see
  before it deletes the deltas of the buckets it rewrites.

Changes that are not purely additive (a stored response updated or deleted) keep marking their
buckets dirty (`services.ingest.mark_dirty`); `services.rollups` recomputes those from raw rows
and explains why deltas and recomputes never double-count nor lose anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from cxmetrics.models import BUCKET_FIELDS, DailyRollup, Metric, NewRows, Response, RollupDelta
from cxmetrics.selectors.counts import raw_sums

# The columns a response's `sentiment` feeds; the other sums never read it, so scoring a
# comment (null -> score) changes exactly these.
SENTIMENT_COLUMNS = ("sentiment_n", "sentiment_total", "sentiment_total_sq", "positive", "negative")
# The response columns `raw_sums` and the bucket read: what a relation standing in for the
# responses table (an INSERT ... RETURNING, say) must provide.
RESPONSE_COLUMNS = ("id", *BUCKET_FIELDS, "score", "comment", "sentiment")
# Ids per statement on the portable path (far below SQLite's 32,766 parameters).
_CHUNK = 1000


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def aggregates(responses: QuerySet, *, columns: Iterable[str] | None = None) -> tuple[str, tuple]:
    """SQL (and params) selecting one row per bucket of `responses`: the bucket fields, then
    every rollup column, in `raw_sums` order (only `columns` summed, the others 0)."""
    chosen = None if columns is None else set(columns)
    sums = {}
    for name, expression in raw_sums().items():
        field = DailyRollup._meta.get_field(name)
        # An empty SUM is NULL in SQL; rollup columns hold 0.
        summed = chosen is None or name in chosen
        sums[name] = (
            Coalesce(expression, Value(0), output_field=field)
            if summed
            else Value(0, output_field=field)
        )
    queryset = responses.values(*BUCKET_FIELDS).annotate(**sums).order_by()
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def insert_sql(model: type, select: str) -> str:
    """`INSERT INTO <model's table> (bucket columns, rollup columns) <select>`."""
    fields = {f.attname: f.column for f in model._meta.concrete_fields}
    columns = ", ".join(_quote(fields[name]) for name in (*BUCKET_FIELDS, *raw_sums()))
    return f"INSERT INTO {_quote(model._meta.db_table)} ({columns}) {select}"


def deltas_from(relation: str) -> tuple[str, tuple]:
    """SQL (and params) appending the deltas of the rows of `relation`, one per bucket.

    `relation` names a row source with the responses' `RESPONSE_COLUMNS`, typically a CTE
    `INSERT INTO cxmetrics_response ... RETURNING ...`: PostgreSQL then counts the new rows
    without reading them back. The SELECT is `raw_sums` compiled over the responses table,
    with the table replaced by `relation` under the table's own name.
    """
    select, params = aggregates(Response.objects.all())
    table = _quote(Response._meta.db_table)
    assert select.count(f"FROM {table}") == 1, select
    select = select.replace(f"FROM {table}", f"FROM {relation} AS {table}")
    return insert_sql(RollupDelta, select), params


def append_deltas(*, response_ids: Sequence[int], columns: Iterable[str] | None = None) -> None:
    """Append the deltas of the responses `response_ids` (all rollup columns, or `columns`).

    Call inside the transaction that wrote those rows. Cost: one indexed read of the rows and
    one small insert per 1,000 ids.
    """
    chosen = None if columns is None else tuple(columns)
    ids = list(response_ids)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            select, params = aggregates(Response.objects.filter(pk__in=chunk), columns=chosen)
            cursor.execute(insert_sql(RollupDelta, select), params)


def record_new_rows(response_ids: Sequence[int]) -> None:
    """Note the responses an ingest batch just inserted; call inside that transaction."""
    NewRows.objects.create(response_ids=list(response_ids))


def _as_inserted(batches: list[int]) -> str:
    """A relation with `RESPONSE_COLUMNS` of the responses listed by the `NewRows` `batches`,
    as they were inserted: `sentiment` only where the source sent it (the sentiment metric);
    a comment's score is the scorer's own delta."""
    table = _quote(Response._meta.db_table)
    pending = _quote(NewRows._meta.db_table)
    listed = ", ".join(str(int(pk)) for pk in batches)  # our own integer keys
    if connection.vendor == "postgresql":
        # An array probe of the primary key: PostgreSQL cannot misjudge it for a scan.
        ids = (
            f"id = ANY(ARRAY(SELECT (jsonb_array_elements_text(b.response_ids))::bigint "
            f"FROM {pending} b WHERE b.id IN ({listed})))"
        )
    else:
        ids = (
            f"id IN (SELECT j.value FROM {pending} b, json_each(b.response_ids) j "
            f"WHERE b.id IN ({listed}))"
        )
    columns = ", ".join(name for name in RESPONSE_COLUMNS if name != "sentiment")
    return (
        f"(SELECT {columns}, CASE WHEN metric = '{Metric.SENTIMENT.value}' THEN sentiment END "
        f"AS sentiment FROM {table} WHERE {ids})"
    )


def expand_new_rows(*, limit: int | None = None, skip_locked: bool = True) -> int:
    """Turn up to `limit` pending `NewRows` (oldest first; all when None) into deltas and
    delete them. Returns how many were expanded.

    Call inside a transaction. `skip_locked=False` waits for a concurrent expander instead of
    skipping its rows: a recompute must see every expansion its snapshot cannot tell apart
    (under REPEATABLE READ the wait ends in a serialization failure, and a retry).
    Cost: one primary-key probe per response, whatever the size of the table.
    """
    claimed = (
        NewRows.objects.select_for_update(skip_locked=skip_locked)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    batches = list(claimed[:limit] if limit else claimed)
    if not batches:
        return 0
    sql, params = deltas_from(_as_inserted(batches))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    NewRows.objects.filter(pk__in=batches).delete()
    return len(batches)


def _add_into_rollups(ids: list[int]) -> None:
    """Sum the deltas `ids` per bucket and add them into the rollups (creating missing ones)."""
    sums = {name: Sum(name) for name in raw_sums()}
    queryset = (
        RollupDelta.objects.filter(pk__in=ids)
        .values(*BUCKET_FIELDS)
        .annotate(**sums)
        .order_by(*BUCKET_FIELDS)  # one lock order for concurrent appliers
    )
    select, params = queryset.query.sql_with_params()
    table = _quote(DailyRollup._meta.db_table)
    fields = {f.attname: f.column for f in DailyRollup._meta.concrete_fields}
    key = ", ".join(_quote(fields[name]) for name in BUCKET_FIELDS)
    add = ", ".join(
        f"{_quote(fields[name])} = {table}.{_quote(fields[name])} + excluded.{_quote(fields[name])}"
        for name in raw_sums()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"{insert_sql(DailyRollup, select)} ON CONFLICT ({key}) DO UPDATE SET {add}", params
        )


def apply_deltas(*, limit: int) -> int:
    """Claim up to `limit` pending deltas (oldest first, skipping those another refresh holds),
    add them into the rollups and delete them. Returns how many were applied.

    Call inside a transaction (`services.rollups` runs it, one transaction per batch): a delta
    is deleted in the transaction that adds it, so applying is idempotent and crash-safe.
    Cost: the claimed deltas only, whatever the size of the responses table.
    """
    ids = list(
        RollupDelta.objects.select_for_update(skip_locked=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    if ids:
        _add_into_rollups(ids)
        RollupDelta.objects.filter(pk__in=ids).delete()
    return len(ids)
