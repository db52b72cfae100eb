"""Every command that takes a day parses it the same way (cxmetrics.management.arguments)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


@pytest.mark.parametrize(
    "argv",
    [
        ("snapshot_goals", "--as-of", "2026-13-01"),
        ("snapshot_goals", "--since", "yesterday"),
        ("evaluate_goal_alerts", "--as-of", "2026-02-30"),
        ("rebuild_rollups", "--since", "2026/01/01"),
        ("apply_retention", "--today", "today"),
    ],
)
def test_a_day_that_is_not_a_date_is_refused_with_the_value(argv):
    with pytest.raises(CommandError) as refused:
        call_command(*argv)
    assert str(refused.value) == f"not a date (YYYY-MM-DD): {argv[-1]}"
