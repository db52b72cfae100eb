"""The response row as ingest writes it: columns, SQL types and values, from the model.

Every raw write (COPY, the staging table, multi-row INSERT) reads its column list and types
from the `Response` model's fields here, so a field added to the model cannot be forgotten by
one of them; `response_row` is the one place that says which value each column gets.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import cast

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

from cxmetrics.ingest.types import ResponseIn
from cxmetrics.localtime import local_day
from cxmetrics.models import Metric, Response
from cxmetrics.services.personal_data import stored_text

__all__ = ["COLUMNS", "DATETIME_AT", "JSON_AT", "column_types", "response_row", "type_name"]

# The stored fields but the id, in the model's order, which is the table's.
_FIELDS: tuple[models.Field, ...] = tuple(
    field for field in Response._meta.concrete_fields if not field.primary_key
)
COLUMNS: tuple[str, ...] = tuple(cast(str, field.column) for field in _FIELDS)
# Positions in COLUMNS of the values raw SQL must adapt itself (the ORM would): datetimes,
# JSON documents.
DATETIME_AT = tuple(i for i, f in enumerate(_FIELDS) if isinstance(f, models.DateTimeField))
JSON_AT = tuple(i for i, f in enumerate(_FIELDS) if isinstance(f, models.JSONField))


def column_types(connection: BaseDatabaseWrapper) -> list[tuple[str, str]]:
    """(column, SQL type) of the id and every COLUMNS, as `connection` declares them, e.g.
    ("external_id", "varchar(255)"); the id without its identity."""
    fields = (Response._meta.pk, *_FIELDS)
    return [(cast(str, f.column), str(f.db_type(connection))) for f in fields if f is not None]


def type_name(sql_type: str) -> str:
    """The type name of a declared SQL type, without its modifiers: varchar(255) -> varchar."""
    return re.sub(r"\(.*\)$", "", sql_type)


def response_row(source_id: int, item: ResponseIn, now: datetime) -> tuple:
    """The values of `item` in COLUMNS order (tests/api/test_record_responses.py pins each)."""
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
