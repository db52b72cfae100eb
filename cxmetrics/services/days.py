"""The organisation's days: which time zone the stored ones are in, and moving them to another.

Every `Response.day` is the date of `occurred_at` in settings.TIME_ZONE at ingest, and every
rollup, figure and goal counts by those days. Changing CX_TIME_ZONE later would mix days of two
zones, so web and worker processes refuse to start until `recompute_days` has moved them
(`ensure_day_zone`, called from cxmetrics/wsgi.py and the Celery worker's start).
"""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, transaction

from cxmetrics.models import DayZone, Response
from cxmetrics.services.rollups import rebuild_rollups

COMMAND = "python manage.py recompute_days"
log = logging.getLogger(__name__)
BATCH = 5000


def _stored_zone() -> str:
    """The zone the stored days are in; with no record yet (a flushed table), the current one,
    recorded now."""
    row, _created = DayZone.objects.get_or_create(pk=1, defaults={"time_zone": settings.TIME_ZONE})
    return row.time_zone


def ensure_day_zone() -> None:
    """Raise ImproperlyConfigured naming `recompute_days` if the stored days are in another zone
    than settings.TIME_ZONE. Two queries. Does nothing before the table exists (before
    migrate); with the database unreachable it logs a warning and lets the process start
    (/healthz reports the database), rather than crash-looping until the database is up."""
    try:
        if DayZone._meta.db_table not in connection.introspection.table_names():
            return
        stored = _stored_zone()
    except DatabaseError as error:
        log.warning("day zone not checked, the database is unreachable: %s", error)
        return
    if stored != settings.TIME_ZONE:
        raise ImproperlyConfigured(
            f"CX_TIME_ZONE is {settings.TIME_ZONE} but the stored days are in {stored}: run "
            f"`{COMMAND}` (with web and workers stopped), then start again."
        )


def _move_days_in_sql(zone: str) -> int:
    table = connection.ops.quote_name(Response._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET day = (occurred_at AT TIME ZONE %s)::date "
            f"WHERE day <> (occurred_at AT TIME ZONE %s)::date",
            [zone, zone],
        )
        return cursor.rowcount


def _move_days_in_batches(zone: str) -> int:
    tz = ZoneInfo(zone)
    moved, last = 0, 0
    while True:
        rows = list(
            Response.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "occurred_at", "day")[:BATCH]
        )
        if not rows:
            return moved
        changed = [
            Response(pk=pk, day=occurred.astimezone(tz).date())
            for pk, occurred, day in rows
            if occurred.astimezone(tz).date() != day
        ]
        with transaction.atomic():
            Response.objects.bulk_update(changed, ["day"])
        moved += len(changed)
        last = rows[-1][0]


def recompute_days() -> tuple[int, int]:
    """Move every stored day into settings.TIME_ZONE, rebuild every rollup, record the zone.

    Returns (responses moved to another day, rollup buckets written). Idempotent: a second
    run, or a run after one that was interrupted, finishes the work (the zone is recorded
    last). PostgreSQL: one UPDATE with AT TIME ZONE; other databases: batches of BATCH rows.
    Run with web and workers stopped (they refuse to start meanwhile anyway).
    """
    zone = settings.TIME_ZONE
    if connection.vendor == "postgresql":
        moved = _move_days_in_sql(zone)
    else:
        moved = _move_days_in_batches(zone)
    written = rebuild_rollups()
    DayZone.objects.update_or_create(pk=1, defaults={"time_zone": zone})
    return moved, written
