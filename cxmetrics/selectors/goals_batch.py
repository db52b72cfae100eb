"""Goals measured together, so the API and the dashboards list any number of goals with their
progress in a constant number of queries (`goal_progress` costs one rollup query per goal)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db.models import Q, Sum

from cxmetrics.models import DailyRollup, Goal
from cxmetrics.roles import can_read_figures
from cxmetrics.selectors.counts import COUNT_FIELDS, as_counts, metric_q, score_from_counts
from cxmetrics.selectors.goals import filtered_goals, progress_from_score

GOALS_PER_QUERY = 100
"""Goals measured per rollup query by `goals_progress`: each takes len(COUNT_FIELDS) result
columns, and SQLite allows 2,000."""


def goals_progress(*, goals: Sequence[Goal], as_of: date) -> list[dict[str, Any]]:
    """`goal_progress` of each goal (same order, same values), measured together: one rollup
    query per GOALS_PER_QUERY goals that have started, summing each goal's scope and window
    with a filtered SUM. The goals' relations should be prefetched (see goals_queryset)."""
    started = [goal for goal in goals if as_of >= goal.start]
    scores: dict[int, dict[str, Any] | None] = {}
    for first in range(0, len(started), GOALS_PER_QUERY):
        scores.update(_measured_together(started[first : first + GOALS_PER_QUERY], as_of))
    return [progress_from_score(goal, as_of, scores.get(goal.pk)) for goal in goals]


def _measured_together(goals: Sequence[Goal], as_of: date) -> dict[int, dict[str, Any] | None]:
    """Each goal's score over [start, min(as_of, end)], as goal_progress measures it, in one
    query. The scope is matched on ids, so the query needs no join."""
    sums: dict[str, Sum] = {}
    for goal in goals:
        rows = metric_q(goal.metric) & Q(day__gte=goal.start, day__lte=min(as_of, goal.end))
        if channels := [channel.pk for channel in goal.scope_channels.all()]:
            rows &= Q(channel_id__in=channels)
        if departments := [department.pk for department in goal.scope_departments.all()]:
            rows &= Q(department_id__in=departments)
        if goal.scope_handled_by:
            rows &= Q(handled_by__in=goal.scope_handled_by)
        sums.update({f"g{goal.pk}_{key}": Sum(key, filter=rows) for key in COUNT_FIELDS})
    totals = DailyRollup.objects.aggregate(**sums) if sums else {}
    scores: dict[int, dict[str, Any] | None] = {}
    for goal in goals:
        counts = as_counts({key: totals[f"g{goal.pk}_{key}"] for key in COUNT_FIELDS})
        scores[goal.pk] = score_from_counts(goal.metric, counts)
    return scores


def goals_list(
    *,
    as_of: date,
    metric: str | None = None,
    department: str | None = None,
    active: bool | None = None,
    status: str | None = None,
    archived: bool | None = False,
) -> list[Goal]:
    """The goals the API lists (ordered by end, name), filtered as `goals_overview` filters
    them (``archived``: as `filtered_goals`, default the goals not archived); ``status``
    keeps goals whose `goal_progress` on ``as_of`` has that status.
    Cost: 5 queries, plus one rollup query per GOALS_PER_QUERY goals with ``status``."""
    goals = list(
        filtered_goals(
            as_of=as_of, metric=metric, department=department, active=active, archived=archived
        )
    )
    if status is None:
        return goals
    progress = goals_progress(goals=goals, as_of=as_of)
    return [
        goal for goal, measured in zip(goals, progress, strict=True) if measured["status"] == status
    ]


def goals_overview(
    *,
    as_of: date,
    user: Any = None,
    metric: str | None = None,
    department: str | None = None,
    active: bool | None = None,
) -> list[dict[str, Any]]:
    """Every goal's progress on ``as_of`` (ordered by end, name), as `goal_progress` gives it.

    With ``user``, nothing for someone who may not read scores (integrators). ``department``
    keeps goals that department participates in; ``active`` keeps goals whose period does
    (True) or does not (False) contain ``as_of``; archived goals are left out. Cost: 5 queries
    plus one rollup query per GOALS_PER_QUERY goals that have started.
    """
    if user is not None and not can_read_figures(user):
        return []
    goals = list(filtered_goals(as_of=as_of, metric=metric, department=department, active=active))
    return goals_progress(goals=goals, as_of=as_of)
