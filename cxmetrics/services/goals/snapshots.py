"""Goal snapshots: the stored daily progress of every active goal (the history charts)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from cxmetrics.models import GoalSnapshot
from cxmetrics.selectors.goals import goal_progress, goals_queryset


def snapshot_goals(*, as_of: date, until: date | None = None) -> int:
    """Store the progress of every goal active on each day of [as_of, until] (default: just
    as_of), replacing an existing snapshot of the same goal and day. Returns rows written."""
    until = until or as_of
    written = 0
    goals = list(goals_queryset().filter(start__lte=until, end__gte=as_of))
    day = as_of
    while day <= until:
        for goal in goals:
            if not goal.start <= day <= goal.end:
                continue
            p = goal_progress(goal=goal, as_of=day)
            GoalSnapshot.objects.update_or_create(
                goal=goal,
                as_of=day,
                defaults={
                    "value": p["value"],
                    "n": p["n"],
                    "low": p["low"],
                    "high": p["high"],
                    "expected": p["expected"],
                    "status": p["status"],
                    "created_at": timezone.now(),
                },
            )
            written += 1
        day += timedelta(days=1)
    return written
