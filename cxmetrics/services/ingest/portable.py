"""New rows into any database (SQLite, the tests) by multi-row INSERT ... ON CONFLICT."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import orjson
from django.db import connection

from cxmetrics.ingest.types import ResponseIn
from cxmetrics.models import Response

from .rows import COLUMNS, DATETIME_AT, JSON_AT, response_row

__all__ = ["insert_portable"]

# Rows per INSERT statement: len(COLUMNS) (15) parameters a row stay far below SQLite's 32,766.
_CHUNK = 1000


def _insert_sql(rows: int) -> str:
    table = Response._meta.db_table
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    one = "(" + ", ".join(f"%s{cast}" if i in JSON_AT else "%s" for i in range(len(COLUMNS))) + ")"
    return (
        f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES {', '.join([one] * rows)} "
        "ON CONFLICT (source_id, external_id) DO NOTHING RETURNING id, external_id"
    )


def insert_portable(source_id: int, items: Sequence[ResponseIn], now: datetime) -> dict:
    """Store the `items` not stored yet; returns {external_id: id} of the inserted rows."""
    inserted: dict[str, int] = {}
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        for start in range(0, len(items), _CHUNK):
            chunk = items[start : start + _CHUNK]
            params = []
            for item in chunk:
                row = list(response_row(source_id, item, now))
                # Raw SQL skips the ORM's adaptation: store datetimes the way the ORM does
                # (naive UTC text on SQLite), or comparisons and ordering break.
                for i in DATETIME_AT:
                    row[i] = adapt(row[i])
                for i in JSON_AT:
                    row[i] = orjson.dumps(row[i]).decode()
                params += row
            cursor.execute(_insert_sql(len(chunk)), params)
            inserted.update((external_id, pk) for pk, external_id in cursor.fetchall())
    return inserted
