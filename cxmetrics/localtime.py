"""Days in the organisation's time zone (settings.TIME_ZONE, from CX_TIME_ZONE): the one
definition of "which day" every figure, filter and stored `Response.day` uses."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings

__all__ = ["local_day"]


def local_day(moment: datetime) -> date:
    """The date of an aware datetime in the organisation's time zone."""
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
