"""A goal's metric over its scope on a window of days, measured for many (goal, window) pairs
together: the one definition behind `goal_progress` and `goals_progress` (a goal over its own
period) and a plan's attainment (each component's goal over the plan's period).

Goals on a response metric are measured from the daily rollups; goals on `followup_on_time`
from the follow-ups (`selectors.followup_rates`: opened on the window's days, judged as they
stood at the end of its last day, or now while it lasts).

Below `goals` and `goals_batch` in the import graph: it reads the rollups and knows goals'
scopes, nothing of progress or payouts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db.models import Q, Sum

from cxmetrics.models import DailyRollup, Goal, GoalMetric
from cxmetrics.selectors.counts import COUNT_FIELDS, as_counts, metric_q, score_from_counts
from cxmetrics.selectors.followup_rates import RateWindow, rate_counts, rate_score

__all__ = ["GOALS_PER_QUERY", "Window", "measured_windows"]

GOALS_PER_QUERY = 100
"""Windows measured per query by `measured_windows`: each takes len(COUNT_FIELDS) result
columns of a rollup query (3 of a follow-up query), and SQLite allows 2,000."""

Window = tuple[Goal, date, date]
"""A goal and the first and last day (inclusive) to measure it on."""


def measured_windows(windows: Sequence[Window]) -> list[dict[str, Any] | None]:
    """Each window's score (`score_from_counts` of the goal's metric over its scope, on
    [start, end]; for `followup_on_time` goals `followup_rates.rate_score`; None without
    data, or when end is before start), in the windows' order.

    Cost: one rollup query per GOALS_PER_QUERY windows on a response metric and one follow-up
    query per GOALS_PER_QUERY windows on `followup_on_time` that are not empty (none without
    any); the goals' scope channels and departments should be prefetched (see
    goals_queryset)."""
    scores: list[dict[str, Any] | None] = [None] * len(windows)
    measurable = [i for i, (_, start, end) in enumerate(windows) if start <= end]
    followups = [i for i in measurable if windows[i][0].metric == GoalMetric.FOLLOWUP_ON_TIME]
    responses = [i for i in measurable if windows[i][0].metric != GoalMetric.FOLLOWUP_ON_TIME]
    for indices, measure in ((responses, _measured_together), (followups, _rates_together)):
        for first in range(0, len(indices), GOALS_PER_QUERY):
            chunk = indices[first : first + GOALS_PER_QUERY]
            for i, score in zip(chunk, measure([windows[i] for i in chunk]), strict=True):
                scores[i] = score
    return scores


def _rates_together(windows: Sequence[Window]) -> list[dict[str, Any] | None]:
    """The on-time close rates of `followup_on_time` windows in one follow-up query."""
    rates = [
        RateWindow(
            first=start,
            last=end,
            departments=[department.pk for department in goal.scope_departments.all()],
            channels=[channel.pk for channel in goal.scope_channels.all()],
            handled_by=list(goal.scope_handled_by or []),
        )
        for goal, start, end in windows
    ]
    return [rate_score(counts) for counts in rate_counts(rates)]


def _measured_together(windows: Sequence[Window]) -> list[dict[str, Any] | None]:
    """The windows' scores in one query: a filtered SUM per window and count column, over the
    rollups of the days any window covers. The scope is matched on ids, so the query needs no
    join."""
    sums: dict[str, Sum] = {}
    for i, (goal, start, end) in enumerate(windows):
        rows = metric_q(goal.metric) & Q(day__gte=start, day__lte=end)
        if channels := [channel.pk for channel in goal.scope_channels.all()]:
            rows &= Q(channel_id__in=channels)
        if departments := [department.pk for department in goal.scope_departments.all()]:
            rows &= Q(department_id__in=departments)
        if goal.scope_handled_by:
            rows &= Q(handled_by__in=goal.scope_handled_by)
        sums.update({f"w{i}_{key}": Sum(key, filter=rows) for key in COUNT_FIELDS})
    days = Q(day__gte=min(start for _, start, _ in windows)) & Q(
        day__lte=max(end for _, _, end in windows)
    )
    totals = DailyRollup.objects.filter(days).aggregate(**sums)
    return [
        score_from_counts(goal.metric, as_counts({k: totals[f"w{i}_{k}"] for k in COUNT_FIELDS}))
        for i, (goal, _, _) in enumerate(windows)
    ]
