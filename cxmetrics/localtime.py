"""Days in the organisation's time zone (settings.TIME_ZONE, from CX_TIME_ZONE): the one
definition of "which day" every figure, filter and stored `Response.day` uses."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings

__all__ = ["day_start", "local_day"]


def local_day(moment: datetime) -> date:
    """The date of an aware datetime in the organisation's time zone."""
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def day_start(day: date) -> datetime:
    """Midnight at the start of `day` in the organisation's time zone (aware): the moments of
    `day` are [day_start(day), day_start(day + 1 day)), whatever its length (DST)."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))
