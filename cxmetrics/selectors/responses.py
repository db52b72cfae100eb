"""Row-level reads of stored responses (the API listing and its CSV export)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import orjson

from cxmetrics.models import Response
from cxmetrics.selectors.summary import SummaryFilters

ROW_FIELDS = (
    "id",
    "source",
    "external_id",
    "metric",
    "score",
    "channel",
    "department",
    "occurred_at",
    "day",
    "received_at",
    "handled_by",
    "agent_ref",
    "customer_ref",
    "comment",
    "sentiment",
    "attributes",
)
# Query column for each row field: related slugs instead of ids.
_COLUMNS = {
    **{name: name for name in ROW_FIELDS},
    "source": "source__slug",
    "channel": "channel__slug",
    "department": "department__slug",
}


def _queryset(filters: SummaryFilters, metrics: Sequence[str]) -> Any:
    queryset = Response.objects.filter(filters.q())
    if metrics:
        queryset = queryset.filter(metric__in=list(metrics))
    return queryset


def _values(queryset: Any) -> Any:
    return queryset.values_list(*(_COLUMNS[name] for name in ROW_FIELDS))


def response_page(
    *,
    filters: SummaryFilters,
    metrics: Sequence[str] = (),
    before_id: int | None = None,
    size: int = 100,
) -> tuple[list[dict[str, Any]], bool]:
    """Up to `size` rows, newest first (id descending), with id < `before_id` when given.

    Returns (rows as dicts with ROW_FIELDS keys, whether more rows follow). One query.
    """
    queryset = _queryset(filters, metrics)
    if before_id is not None:
        queryset = queryset.filter(pk__lt=before_id)
    rows = list(_values(queryset.order_by("-pk"))[: size + 1])
    return [dict(zip(ROW_FIELDS, row, strict=True)) for row in rows[:size]], len(rows) > size


def response_rows(
    *, filters: SummaryFilters, metrics: Sequence[str] = (), chunk_size: int = 2000
) -> Iterator[tuple[Any, ...]]:
    """Every matching row, oldest first, as CSV-ready tuples in ROW_FIELDS order.

    Streams through the database in chunks of `chunk_size` (a server-side cursor on
    PostgreSQL), so memory stays flat however many rows match.
    """
    queryset = _values(_queryset(filters, metrics).order_by("pk"))
    for row in queryset.iterator(chunk_size=chunk_size):
        values = list(row)
        values[7] = values[7].isoformat()  # occurred_at
        values[9] = values[9].isoformat()  # received_at
        values[15] = orjson.dumps(values[15]).decode()  # attributes
        yield values
