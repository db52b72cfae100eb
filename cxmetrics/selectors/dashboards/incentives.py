"""Incentive plans for the dashboards: every plan's attainment with its payouts said
(`selectors.scorecards.with_payouts`: earned so far or paid, money, why), who is paid on which
shared goal (alignment), and the component whose payout curve is drawn."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from cxmetrics.selectors import goals as goal_selectors
from cxmetrics.selectors.scorecards import plans_with_payouts

from .filters import today


def component_key(plan: dict[str, Any], component: dict[str, Any]) -> str:
    """A component's key among the board's: plan and goal (a closed statement's components
    keep their goal, not always their id)."""
    return f"{plan['plan_id']}-{component['goal_id']}"


def _gap(component: dict[str, Any]) -> float:
    """How much less a component pays than its point value would: what most needs saying."""
    projected, paid = component.get("projected_payout_pct"), component.get("payout_pct")
    if projected is None or paid is None:
        return 0.0
    return projected - paid


def payout_curves(plans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every component of every plan as the payout curve figure draws it: the component with
    its plan's name, confidence gate, word, currency and ``key`` (component_key)."""
    return [
        {
            **component,
            "key": component_key(plan, component),
            "plan": plan["name"],
            "plan_id": plan["plan_id"],
            "confidence_gate": plan["confidence_gate"],
            "word": plan["word"],
            "currency": plan["currency"],
        }
        for plan in plans
        for component in plan["components"]
    ]


def incentives_board(
    *, as_of: date | None, departments: Sequence[str] = (), component: str | None = None
) -> dict[str, Any]:
    """Plans' attainment on `as_of` (default today) of every plan started by then, for
    `departments` (all when empty), `with_payouts`; who is paid on which shared goal
    (alignment); ``curves`` (payout_curves) and ``chosen``: the key of `component` when it is
    on the board, else of the component paying furthest below its point value's payout (the
    confidence gate at work), else the first. Closed plans come without their late-data count
    (the page does not show it; the plan's API does).
    Cost: 5 queries for the plans (with their statements) + 1 rollup query measuring every
    open plan's components (plans_with_payouts) + 5 (alignment), whatever the plans.
    Returns {as_of, plans, alignment, curves, chosen}."""
    as_of = as_of or today()
    plans = goal_selectors.plans_queryset().filter(period_start__lte=as_of)
    if departments:
        plans = plans.filter(department__slug__in=list(departments))
    said = plans_with_payouts(plans, as_of=as_of)
    curves = payout_curves(said)
    keys = [curve["key"] for curve in curves]
    widest = max(curves, key=_gap, default=None)
    chosen = component if component in keys else (widest["key"] if widest else None)
    return {
        "as_of": as_of,
        "plans": said,
        "alignment": goal_selectors.alignment(as_of=as_of),
        "curves": curves,
        "chosen": chosen,
    }
