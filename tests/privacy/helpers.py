"""Rollups equal raw: the rollup table after the pending work is applied, and after a rebuild
from raw rows, are the same rows."""

from __future__ import annotations

from cxmetrics.models import DailyRollup, DirtyBucket, NewRows, RollupDelta
from cxmetrics.services import rollups
from cxmetrics.services.rollup_deltas import BUCKET_FIELDS


def rollup_table() -> list[tuple]:
    columns = [f.attname for f in DailyRollup._meta.concrete_fields if f.attname != "id"]
    return sorted(DailyRollup.objects.values_list(*columns))


def assert_rollups_equal_raw() -> list[tuple]:
    """Apply every pending delta and mark; the rollups must equal a rebuild from raw rows.
    Returns the rollup rows."""
    rollups.refresh_all_dirty_rollups()
    assert not (NewRows.objects.exists() or RollupDelta.objects.exists())
    assert not DirtyBucket.objects.exists()
    refreshed = rollup_table()
    rollups.rebuild_rollups()
    assert rollup_table() == refreshed
    return refreshed


__all__ = ["BUCKET_FIELDS", "assert_rollups_equal_raw", "rollup_table"]
