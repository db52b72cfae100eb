"""Goal writes: create, update and delete a shared goal (contract in the package docstring)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save

from cxmetrics.models import Channel, Department, Goal

from .access import check_goal, check_goal_before
from .validation import InvalidInput, add_error, goal_errors


class StateConflict(Exception):
    """The write is refused because of the object's state (closed plan, goal in use...)."""


GOAL_FIELDS = (
    "name",
    "description",
    "metric",
    "baseline",
    "target",
    "stretch",
    "start",
    "end",
    "owner",
    "min_n",
    "scope_handled_by",
)
GOAL_M2M = ("departments", "scope_channels", "scope_departments")


def _save_goal(goal: Goal, m2m: dict[str, Any], *, actor: Any, created: bool) -> None:
    """Save fields and relations, then write ONE history row holding both (simple-history
    would otherwise write one row per relation changed, splitting a single edit)."""
    goal._history_user = actor
    goal.skip_history_when_saving = True
    try:
        if created:
            goal.save()
        else:
            # Only the editable fields: the alert state is kept by the alert service, and a
            # stale copy in memory must not reset it (that would alert again).
            goal.refresh_from_db(fields=["last_alerted_status"])
            goal.save(update_fields=[*GOAL_FIELDS, "updated_at"])
        for name, objects in m2m.items():
            getattr(goal, name).set(objects)
    finally:
        del goal.skip_history_when_saving
    post_save.send(sender=Goal, instance=goal, created=created, raw=False, using=goal._state.db)


def create_goal(
    *,
    actor: Any,
    name: str,
    metric: str,
    baseline: float,
    target: float,
    start: date,
    end: date,
    departments: Sequence[Department],
    owner: Any = None,
    description: str = "",
    stretch: float | None = None,
    scope_channels: Sequence[Channel] = (),
    scope_departments: Sequence[Department] = (),
    scope_handled_by: Sequence[str] = (),
    min_n: int = 30,
    trusted: bool = False,
) -> Goal:
    """Create a goal (owner defaults to the actor). Raises InvalidInput, NotAllowed."""
    values = {
        "name": name,
        "description": description,
        "metric": metric,
        "baseline": baseline,
        "target": target,
        "stretch": stretch,
        "start": start,
        "end": end,
        "owner": owner if owner is not None else actor,
        "min_n": min_n,
        "scope_handled_by": sorted(set(scope_handled_by)),
        "departments": list(departments),
        "scope_channels": list(scope_channels),
        "scope_departments": list(scope_departments),
    }
    if errors := goal_errors(values=values):
        raise InvalidInput(errors)
    if not trusted:
        check_goal(actor, departments=values["departments"], owner=values["owner"])
    goal = Goal(**{field: values[field] for field in GOAL_FIELDS})
    with transaction.atomic():
        _save_goal(goal, {f: values[f] for f in GOAL_M2M}, actor=actor, created=True)
    return goal


def update_goal(*, goal: Goal, actor: Any, trusted: bool = False, **changes: Any) -> Goal:
    """Change any of GOAL_FIELDS / GOAL_M2M (e.g. ``target=45``). Raises InvalidInput,
    NotAllowed (the goal as it will be must be one the actor could create).

    The metric of a goal that plans pay on cannot change: their curves are in its units.
    """
    if not trusted:
        check_goal_before(actor, goal)
    unknown = set(changes) - set(GOAL_FIELDS) - set(GOAL_M2M)
    if unknown:
        raise InvalidInput({field: ["Unknown field."] for field in sorted(unknown)})
    values = {field: getattr(goal, field) for field in GOAL_FIELDS}
    values.update({field: list(getattr(goal, field).all()) for field in GOAL_M2M})
    values.update(changes)
    if "scope_handled_by" in changes:
        values["scope_handled_by"] = sorted(set(changes["scope_handled_by"] or []))
    errors = goal_errors(values=values)
    if values["metric"] != goal.metric and goal.plan_components.exists():
        add_error(errors, "metric", "Incentive plans pay on this goal; create a new goal instead.")
    if errors:
        raise InvalidInput(errors)
    if not trusted:
        check_goal(actor, departments=values["departments"], owner=values["owner"])
    for field in GOAL_FIELDS:
        setattr(goal, field, values[field])
    with transaction.atomic():
        m2m = {field: values[field] for field in GOAL_M2M if field in changes}
        _save_goal(goal, m2m, actor=actor, created=False)
    return goal


def delete_goal(*, goal: Goal, actor: Any, trusted: bool = False) -> None:
    """Delete a goal no plan pays on. Raises StateConflict otherwise, NotAllowed."""
    if not trusted:
        check_goal_before(actor, goal)
    plans = sorted(set(goal.plan_components.values_list("plan__name", flat=True)))
    if plans:
        raise StateConflict(f"Plans pay on this goal ({', '.join(plans)}); remove it there first.")
    goal._history_user = actor
    goal.delete()
