"""The worked example of the incentives page and the department scorecards, on any period.

Support and Product share (both accepted) "NPS to 44", measured on 100 answers: 50 promoters,
30 passives, 20 detractors -> NPS 30.0, n = 100. Half way through the period the straight path
expects 20 + (44 - 20) / 2 = 32: below it, but within the 95% interval, so the goal is at risk.
Support's plan pays 100% on it, without a confidence gate, on the curve threshold 12 (pays 50%)
/ target 37 (100%) / stretch 50 (150%): 30 pays 50 + 50 x (30 - 12) / (37 - 12) = 86%, and of
a target bonus of 5,000.00 EUR that is 4,300.00 EUR. Billing is invited to the goal and has not
answered, so the goal is not Billing's.

With ``gated=True`` Product has a plan on the same goal and curve that pays on the lower 95%
bound (no bonus): the curve there shows both "you are here" markers.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from cxmetrics.models import Department, GoalInvitation
from tests.factories import make_user
from tests.goals.conftest import make_goal, make_plan, nps_30

CURVE = (12.0, 37.0, 50.0)
BONUS = Decimal("5000.00")


def incentives_world(*, start: date, end: date, day: date, gated: bool = False) -> dict[str, Any]:
    """The worked example over [start, end] with its answers on `day` (see the module)."""
    actor = make_user("world-admin", role="admin")
    nps_30(day=day)
    goal = make_goal(
        actor=actor,
        name="NPS to 44",
        baseline=20.0,
        target=44.0,
        start=start,
        end=end,
        departments=["support", "product"],
    )
    GoalInvitation.objects.create(
        goal=goal, department=Department.objects.get(slug="billing"), invited_by=actor
    )
    plan = make_plan(
        actor=actor,
        name="Support plan",
        department="support",
        period_start=start,
        period_end=end,
        target_bonus=BONUS,
        currency="EUR",
        components=[(goal, 100, CURVE)],
    )
    world = {"goal": goal, "plan": plan, "actor": actor}
    if gated:
        world["gated"] = make_plan(
            actor=actor,
            name="Product plan",
            department="product",
            period_start=start,
            period_end=end,
            confidence_gate=True,
            components=[(goal, 100, CURVE)],
        )
    return world
