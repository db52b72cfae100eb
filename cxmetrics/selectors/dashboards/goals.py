"""Shared goals for the dashboards, read through the goals selectors
(`cxmetrics.selectors.goals`); this module only picks, filters and bundles their results."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from cxmetrics.incentives import progress_pct
from cxmetrics.selectors import goals as goal_selectors
from cxmetrics.selectors.goals_batch import goals_overview

from .filters import today


def goals_board(
    *, as_of: date | None, user: Any = None, departments: Sequence[str] = ()
) -> dict[str, Any]:
    """Every goal's progress on `as_of` (default today; goals_overview), kept to goals in which
    any of `departments` participates (all when empty), each with `progress`: its value,
    interval, expected value and stretch as percent of the way from baseline to target (so
    goals on different metrics share one scale). Returns {as_of, goals}."""
    as_of = as_of or today()
    goals = goals_overview(as_of=as_of, user=user)
    if departments:
        wanted = set(departments)
        goals = [goal for goal in goals if wanted & set(goal["departments"])]
    return {"as_of": as_of, "goals": [{**goal, "progress": _progress(goal)} for goal in goals]}


def _progress(goal: dict[str, Any]) -> dict[str, float | None]:
    """A goal's value, interval, expected value and stretch as percent of its way."""
    way = {"baseline": goal["baseline"], "target": goal["target"]}
    return {
        key: progress_pct(goal[key], **way)
        for key in ("value", "low", "high", "expected", "stretch")
    }


def goal_timeline(*, goal_id: int | None, as_of: date | None) -> dict[str, Any] | None:
    """One goal's progress on `as_of` (default today) and its nightly history (None for an
    unknown goal)."""
    as_of = as_of or today()
    if goal_id is None:
        return None
    goal = goal_selectors.goals_queryset().filter(pk=goal_id).first()
    if goal is None:
        return None
    return {
        "goal": goal_selectors.goal_progress(goal=goal, as_of=as_of),
        "history": goal_selectors.goal_history(goal=goal),
    }


def goals_page(
    *,
    as_of: date | None,
    user: Any = None,
    departments: Sequence[str] = (),
    goal_id: int | None = None,
) -> dict[str, Any]:
    """The goals page in one read: the board (goals_board) and the history (goal_timeline)
    of `goal_id` when it is on the board, else of the first shared goal (else the first).
    Returns {as_of, goals, chosen, timeline}."""
    board = goals_board(as_of=as_of, user=user, departments=departments)
    ids = [goal["goal_id"] for goal in board["goals"]]
    shared = [goal["goal_id"] for goal in board["goals"] if goal["shared"]]
    chosen = goal_id if goal_id in ids else (shared or ids or [None])[0]
    return {
        **board,
        "chosen": chosen,
        "timeline": goal_timeline(goal_id=chosen, as_of=board["as_of"]),
    }
