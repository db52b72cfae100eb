"""The time zone the stored days are in (one row)."""

from __future__ import annotations

from django.db import models


class DayZone(models.Model):
    """The zone every `Response.day` (and so every rollup) was computed in.

    One row (pk 1), written by the migration that created it (the zone of that moment) and by
    `manage.py recompute_days`. Web and worker processes refuse to start while it differs from
    settings.TIME_ZONE (`services.days.ensure_day_zone`).
    """

    time_zone = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="day_zone_one_row")]

    def __str__(self) -> str:
        return self.time_zone
