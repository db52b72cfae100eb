"""Goals measured together, so the API and the dashboards list any number of goals with their
progress in a constant number of queries (`goal_progress` costs one rollup query per goal)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from cxmetrics.models import Goal
from cxmetrics.roles import can_read_figures
from cxmetrics.selectors.goal_windows import GOALS_PER_QUERY as GOALS_PER_QUERY
from cxmetrics.selectors.goal_windows import measured_windows
from cxmetrics.selectors.goals import filtered_goals, progress_from_score


def goals_progress(*, goals: Sequence[Goal], as_of: date) -> list[dict[str, Any]]:
    """`goal_progress` of each goal (same order, same values), measured together
    (`goal_windows.measured_windows`): one rollup query per GOALS_PER_QUERY goals that have
    started, summing each goal's scope and window with a filtered SUM. The goals' relations
    should be prefetched (see goals_queryset)."""
    started = [goal for goal in goals if as_of >= goal.start]
    measured = measured_windows([(goal, goal.start, min(as_of, goal.end)) for goal in started])
    scores = {goal.pk: score for goal, score in zip(started, measured, strict=True)}
    return [progress_from_score(goal, as_of, scores.get(goal.pk)) for goal in goals]


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
