"""Goal writes: create, update and delete a shared goal (contract in the package docstring)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from cxmetrics.models import Channel, Department, Goal

from .access import check_goal, check_goal_before
from .participation import invite, settle, split_participants
from .records import GOAL_FIELDS, GOAL_M2M, StateConflict, save_goal
from .validation import InvalidInput, add_error, goal_errors


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
    """Create a goal (owner defaults to the actor). Raises InvalidInput, NotAllowed.

    ``departments`` are the departments wanted: those the actor may commit take part at once,
    the others are invited (cxmetrics.services.goals.participation)."""
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
    taking_part, invited = split_participants(actor, values["departments"], trusted=trusted)
    m2m = {f: values[f] for f in GOAL_M2M} | {"departments": taking_part}
    with transaction.atomic():
        save_goal(goal, m2m, actor=actor, created=True)
        invite(goal=goal, departments=invited, actor=actor)
    return goal


def update_goal(*, goal: Goal, actor: Any, trusted: bool = False, **changes: Any) -> Goal:
    """Change any of GOAL_FIELDS / GOAL_M2M (e.g. ``target=45``). Raises InvalidInput,
    NotAllowed (the goal as it will be must be one the actor could create).

    ``departments`` is the set wanted, taking part or invited: departments already taking part
    stay, new ones the actor may commit join, the others are invited; pending invitations of
    departments no longer wanted are withdrawn. A department whose plan pays on the goal
    cannot leave it, and the metric of a goal that plans pay on cannot change (their curves
    are in its units).
    """
    if not trusted:
        check_goal_before(actor, goal)
    unknown = set(changes) - set(GOAL_FIELDS) - set(GOAL_M2M)
    if unknown:
        raise InvalidInput({field: ["Unknown field."] for field in sorted(unknown)})
    values = {field: getattr(goal, field) for field in GOAL_FIELDS}
    values.update({field: list(getattr(goal, field).all()) for field in GOAL_M2M})
    values["departments"] += [i.department for i in goal.invitations.filter(status="pending")]
    values.update(changes)
    if "scope_handled_by" in changes:
        values["scope_handled_by"] = sorted(set(changes["scope_handled_by"] or []))
    errors = goal_errors(values=values)
    if values["metric"] != goal.metric and goal.plan_components.exists():
        add_error(errors, "metric", "Incentive plans pay on this goal; create a new goal instead.")
    if "departments" in changes:
        wanted = {d.pk for d in values["departments"]}
        for name in sorted(
            set(
                goal.plan_components.exclude(plan__department__in=wanted).values_list(
                    "plan__department__name", flat=True
                )
            )
        ):
            add_error(errors, "departments", f"{name}'s plan pays on this goal; {name} must stay.")
    if errors:
        raise InvalidInput(errors)
    if not trusted:
        check_goal(actor, departments=values["departments"], owner=values["owner"])
    changed = [field for field in GOAL_FIELDS if getattr(goal, field) != values[field]]
    for field in GOAL_FIELDS:
        setattr(goal, field, values[field])
    m2m = {field: values[field] for field in GOAL_M2M if field in changes}
    joining: list[Department] = []
    invited: list[Department] = []
    if "departments" in changes:
        current = {d.pk for d in goal.departments.all()}
        new = [d for d in values["departments"] if d.pk not in current]
        joining, invited = split_participants(actor, new, trusted=trusted)
        m2m["departments"] = [d for d in values["departments"] if d.pk in current] + joining
    relations_changed = any(
        {o.pk for o in objects} != {o.pk for o in getattr(goal, field).all()}
        for field, objects in m2m.items()
    )
    with transaction.atomic():
        if changed or relations_changed:
            # An edit that changes nothing of the goal (e.g. only invites) writes no goal row.
            save_goal(goal, m2m, actor=actor, created=False)
        if "departments" in changes:
            settle(goal=goal, wanted=values["departments"], joined=joining, actor=actor)
            invite(goal=goal, departments=invited, actor=actor)
    return goal


def archive_goal(*, goal: Goal, actor: Any, archived: bool = True, trusted: bool = False) -> Goal:
    """Archive a goal (it leaves the lists and takes no new plan components; plans already
    paying on it keep it), or bring it back with ``archived=False``. Audited. Raises
    NotAllowed."""
    if not trusted:
        check_goal_before(actor, goal)
    goal.archived_at = timezone.now() if archived else None
    with transaction.atomic():
        save_goal(goal, {}, actor=actor, created=False, fields=["archived_at"])
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
