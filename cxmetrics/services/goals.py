"""Writes for shared goals and incentive plans.

Verbs with keyword-only arguments. Every write records who did it (``actor``) in the audit
history (django-simple-history). Bad values raise :class:`InvalidInput` with field-level
messages; writes refused because of an object's state (a closed plan, a goal still paid on)
raise :class:`StateConflict`; writes the actor's role does not allow raise :class:`NotAllowed`
(rules in :mod:`cxmetrics.services.goals_access`, checked here on the object as stored and as
it will be, so every caller, API or form, gets the same answer). Order: the object as stored,
then field errors, then the object as it will be. ``trusted=True`` skips the role checks for
callers that are not a person acting (demo seeding, an operator's management command): the
actor is then only recorded.
Alerts live in :mod:`cxmetrics.services.goal_alerts`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone

from cxmetrics import incentives
from cxmetrics.localtime import local_day
from cxmetrics.models import (
    Channel,
    Department,
    Goal,
    GoalSnapshot,
    IncentivePlan,
    PayoutStatement,
    PlanComponent,
)
from cxmetrics.selectors.goals import goal_progress, goals_queryset, live_attainment
from cxmetrics.services import rollups
from cxmetrics.services.goals_access import (
    NotAllowed,
    check_goal,
    check_goal_before,
    check_plan,
    check_plan_before,
)
from cxmetrics.services.goals_validation import (
    METRIC_RANGES,
    ComponentIn,
    InvalidInput,
    add_error,
    goal_errors,
    plan_errors,
)

__all__ = [
    "GOAL_FIELDS",
    "GOAL_M2M",
    "METRIC_RANGES",
    "PLAN_FIELDS",
    "ComponentIn",
    "InvalidInput",
    "NotAllowed",
    "StateConflict",
    "check_goal",
    "check_goal_before",
    "check_plan",
    "check_plan_before",
    "close_period",
    "create_goal",
    "create_plan",
    "delete_goal",
    "delete_plan",
    "goal_errors",
    "plan_errors",
    "snapshot_goals",
    "update_goal",
    "update_plan",
]


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
PLAN_FIELDS = ("name", "department", "period_start", "period_end", "confidence_gate", "min_n")


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


# --- Plans -------------------------------------------------------------------------------------


def _set_components(plan: IncentivePlan, components: Sequence[ComponentIn], actor: Any) -> None:
    """Replace the plan's components, matched by goal, so the audit shows each weight and
    curve change as an update (not a delete and a create)."""
    existing = {c.goal_id: c for c in plan.components.all()}
    wanted = {c.goal.pk: c for c in components}
    for goal_id, old in existing.items():
        if goal_id not in wanted:
            old._history_user = actor
            old.delete()
    for goal_id, new in wanted.items():
        row = existing.get(goal_id) or PlanComponent(plan=plan, goal=new.goal)
        fields = ("weight", "threshold", "target", "stretch", "threshold_payout", "stretch_payout")
        if row.pk and all(getattr(row, f) == getattr(new, f) for f in fields):
            continue
        for field in fields:
            setattr(row, field, getattr(new, field))
        row._history_user = actor
        row.save()


def create_plan(
    *,
    actor: Any,
    name: str,
    department: Department,
    period_start: date,
    period_end: date,
    components: Sequence[ComponentIn],
    confidence_gate: bool = True,
    min_n: int = 30,
    trusted: bool = False,
) -> IncentivePlan:
    """Create a plan with weighted components (weights sum to 100). Raises InvalidInput,
    NotAllowed."""
    values = {
        "name": name,
        "department": department,
        "period_start": period_start,
        "period_end": period_end,
        "confidence_gate": confidence_gate,
        "min_n": min_n,
    }
    if errors := plan_errors(values=values, components=components):
        raise InvalidInput(errors)
    if not trusted:
        check_plan(actor, department=department)
    plan = IncentivePlan(**values)
    plan._history_user = actor
    with transaction.atomic():
        plan.save()
        _set_components(plan, components, actor)
    return plan


def update_plan(
    *,
    plan: IncentivePlan,
    actor: Any,
    components: Sequence[ComponentIn] | None = None,
    trusted: bool = False,
    **changes: Any,
) -> IncentivePlan:
    """Change PLAN_FIELDS and/or replace the components. Closed plans never change.
    Raises NotAllowed unless the actor may create the plan as it is and as it will be."""
    if not trusted:
        check_plan_before(actor, plan)
    if plan.is_closed:
        raise StateConflict("This plan's period is closed; its statement never changes.")
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        raise InvalidInput({field: ["Unknown field."] for field in sorted(unknown)})
    values = {field: getattr(plan, field) for field in PLAN_FIELDS} | changes
    if components is None:
        components = [
            ComponentIn(
                goal=c.goal,
                weight=c.weight,
                threshold=c.threshold,
                target=c.target,
                stretch=c.stretch,
                threshold_payout=c.threshold_payout,
                stretch_payout=c.stretch_payout,
            )
            for c in plan.components.select_related("goal")
        ]
        if errors := plan_errors(values=values, components=components):
            # Existing components made invalid by a new period are reported as such.
            raise InvalidInput(errors)
        components_changed = False
    else:
        if errors := plan_errors(values=values, components=components):
            raise InvalidInput(errors)
        components_changed = True
    if not trusted:
        check_plan(actor, department=values["department"])
    with transaction.atomic():
        locked = IncentivePlan.objects.select_for_update().get(pk=plan.pk)
        if locked.is_closed:
            raise StateConflict("This plan's period is closed; its statement never changes.")
        if any(getattr(plan, f) != values[f] for f in PLAN_FIELDS):
            for field in PLAN_FIELDS:
                setattr(plan, field, values[field])
            plan._history_user = actor
            plan.save()
        if components_changed:
            _set_components(plan, components, actor)
    return plan


def delete_plan(*, plan: IncentivePlan, actor: Any, trusted: bool = False) -> None:
    """Delete an open plan and its components (each deletion audited). Raises NotAllowed."""
    if not trusted:
        check_plan_before(actor, plan)
    if plan.is_closed:
        raise StateConflict("This plan's period is closed; it is kept with its statement.")
    with transaction.atomic():
        for component in plan.components.all():
            component._history_user = actor
            component.delete()
        plan._history_user = actor
        plan.delete()


def _json(data: Any) -> Any:
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def close_period(
    *, plan: IncentivePlan, actor: Any, now: datetime | None = None, trusted: bool = False
) -> PayoutStatement:
    """Freeze the plan's attainment over its whole period into a PayoutStatement.

    Only after the period has ended (local date). Dirty rollups are refreshed first so every
    response received before ``closed_at`` counts; responses received later are reported as
    late data beside the statement, never merged into it. A response arriving while closing
    may be both in the statement and counted late (the safe side). Raises StateConflict,
    NotAllowed (closing is a change of the plan: the plan's department must be the actor's).
    """
    if not trusted:
        check_plan_before(actor, plan)
    now = now or timezone.now()
    if local_day(now) <= plan.period_end:
        raise StateConflict(f"The period runs until {plan.period_end}; close it after that day.")
    if plan.is_closed:
        raise StateConflict("This plan's period is already closed.")
    while rollups.refresh_dirty_rollups():
        pass
    with transaction.atomic():
        locked = IncentivePlan.objects.select_for_update().get(pk=plan.pk)
        if locked.is_closed:
            raise StateConflict("This plan's period is already closed.")
        fresh = (
            IncentivePlan.objects.select_related("department")
            .prefetch_related("components__goal__departments")
            .get(pk=plan.pk)
        )
        result = live_attainment(plan=fresh, as_of=plan.period_end)
        frozen = {
            key: result[key]
            for key in ("as_of", "components", "paid_pct", "pending", "complete", "projected_pct")
        }
        statement = PayoutStatement.objects.create(
            plan=plan,
            closed_at=now,
            closed_by=actor,
            formula_version=incentives.FORMULA_VERSION,
            total_pct=result["total_pct"],
            data=_json(frozen),
        )
        plan.closed_at = now
        plan._history_user = actor
        plan.save()
    return statement


# --- Snapshots ---------------------------------------------------------------------------------


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
