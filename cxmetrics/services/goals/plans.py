"""Incentive plan writes: create, update, delete and close a plan's period."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from cxmetrics import incentives
from cxmetrics.localtime import local_day
from cxmetrics.models import Department, IncentivePlan, PayoutStatement, PlanComponent
from cxmetrics.selectors.goals import live_attainment
from cxmetrics.services import rollups

from .access import check_close, check_plan, check_plan_before
from .records import StateConflict
from .validation import ComponentIn, InvalidInput, plan_errors

CLOSED_PLAN = "This plan's period is closed; its statement never changes."

PLAN_FIELDS = (
    "name",
    "department",
    "period_start",
    "period_end",
    "confidence_gate",
    "min_n",
    "target_bonus",
    "currency",
)


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
    target_bonus: Decimal | None = None,
    currency: str = "",
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
        "target_bonus": target_bonus,
        "currency": currency,
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
        raise StateConflict(CLOSED_PLAN)
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        raise InvalidInput({field: ["Unknown field."] for field in sorted(unknown)})
    values = {field: getattr(plan, field) for field in PLAN_FIELDS} | changes
    if components is None:
        components = [ComponentIn.of(c) for c in plan.components.select_related("goal")]
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
            raise StateConflict(CLOSED_PLAN)
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
    NotAllowed (admins only: :func:`.access.check_close`).
    """
    if not trusted:
        check_close(actor, plan)
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
