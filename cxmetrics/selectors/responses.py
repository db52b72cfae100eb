"""Row-level reads of stored responses (the API listing and its CSV export)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import orjson
from django.conf import settings
from django.db.models.functions import Substr

from cxmetrics.models import Response
from cxmetrics.redaction import redact
from cxmetrics.selectors.summary import SummaryFilters

ELLIPSIS = "…"

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
_COMMENT = ROW_FIELDS.index("comment")


def comment_start(chars: int) -> Substr:
    """The first `chars` characters of the comment, cut in SQL (a stored comment may be far
    longer than the limit: it may predate CX_COMMENT_MAX_CHARS)."""
    return Substr("comment", 1, chars)


# Read a cut comment with this many more characters than shown (the longest e-mail address),
# so masking its start never leaves part of an address unmasked.
REDACT_MARGIN = 254


def masked_clip(start: str, chars: int) -> str:
    """What is shown of a comment from its first `chars + REDACT_MARGIN` characters: masked
    (cxmetrics.redaction: e-mails, phone and card numbers, also when stored unmasked), then
    cut to `chars` with an ellipsis."""
    return clip(redact(start), chars)


def clip(text: str, chars: int) -> str:
    """`text` when it has at most `chars` characters, else its first chars - 1 and an ellipsis
    (chars in all). Read the text with comment_start(chars + 1) to know when it is longer."""
    return text if len(text) <= chars else text[: chars - 1] + ELLIPSIS


def _queryset(filters: SummaryFilters, metrics: Sequence[str]) -> Any:
    queryset = Response.objects.filter(filters.q())
    if metrics:
        queryset = queryset.filter(metric__in=list(metrics))
    return queryset


def _values(queryset: Any) -> Any:
    """ROW_FIELDS columns; the comment's first CX_COMMENT_MAX_CHARS + 1 characters only."""
    columns: list[Any] = [_COLUMNS[name] for name in ROW_FIELDS]
    columns[_COMMENT] = comment_start(settings.CX_COMMENT_MAX_CHARS + 1)
    return queryset.values_list(*columns)


def response_page(
    *,
    filters: SummaryFilters,
    metrics: Sequence[str] = (),
    before_id: int | None = None,
    size: int = 100,
) -> tuple[list[dict[str, Any]], bool]:
    """Up to `size` rows, newest first (id descending), with id < `before_id` when given.

    Returns (rows as dicts with ROW_FIELDS keys, whether more rows follow). A comment longer
    than CX_COMMENT_MAX_CHARS is cut to that many characters, the last an ellipsis (`clip`).
    One query.
    """
    queryset = _queryset(filters, metrics)
    if before_id is not None:
        queryset = queryset.filter(pk__lt=before_id)
    rows = list(_values(queryset.order_by("-pk"))[: size + 1])
    limit = settings.CX_COMMENT_MAX_CHARS
    page = [dict(zip(ROW_FIELDS, row, strict=True)) for row in rows[:size]]
    for row in page:
        row["comment"] = clip(row["comment"], limit)
    return page, len(rows) > size


def response_rows(
    *, filters: SummaryFilters, metrics: Sequence[str] = (), chunk_size: int = 2000
) -> Iterator[tuple[Any, ...]]:
    """Every matching row, oldest first, as CSV-ready tuples in ROW_FIELDS order.

    Streams through the database in chunks of `chunk_size` (a server-side cursor on
    PostgreSQL), so memory stays flat however many rows match. Comments are cut as in
    `response_page`.
    """
    queryset = _values(_queryset(filters, metrics).order_by("pk"))
    limit = settings.CX_COMMENT_MAX_CHARS
    for row in queryset.iterator(chunk_size=chunk_size):
        values = list(row)
        values[_COMMENT] = clip(values[_COMMENT], limit)
        values[7] = values[7].isoformat()  # occurred_at
        values[9] = values[9].isoformat()  # received_at
        values[15] = orjson.dumps(values[15]).decode()  # attributes
        yield values
