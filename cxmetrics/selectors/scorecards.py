"""Department scorecards: per department, the goals it takes part in (accepted participation,
``Goal.departments``) with their status, its current incentive plans with what they have
earned so far and are projected to pay (percent and, with a target bonus, money), the
components still pending, and its alignment share (`goals_alignment.alignment`).

Also the one place a plan's attainment is said as payouts (:func:`with_payouts`): the word
("earned so far" while open, "paid" only in a closed statement), money of the target bonus,
and why each component pays what it pays. The incentives dashboard reads it too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import QuerySet

from cxmetrics import payouts
from cxmetrics.models import Department, GoalStatus, IncentivePlan
from cxmetrics.selectors.goals import goals_queryset, plans_attainment, plans_queryset
from cxmetrics.selectors.goals_alignment import alignment
from cxmetrics.selectors.goals_batch import goals_progress

__all__ = ["current_plans", "plans_with_payouts", "scorecard", "scorecards", "with_payouts"]


def _money(value: Any, currency: str) -> str | None:
    return payouts.format_money(value, currency) if value is not None else None


def with_payouts(attainment: dict[str, Any], *, plan: IncentivePlan) -> dict[str, Any]:
    """A plan's attainment (`plan_attainment`) with its payouts said.

    Adds ``closed`` (a closed statement's figures), ``word`` (`payouts.payout_word`),
    ``earned_pct`` (the paid components' total: earned so far, or paid when closed),
    ``target_bonus``/``currency``, ``earned_amount``/``projected_amount`` (Decimal of the bonus,
    None without one) and ``money`` (those amounts formatted, or None without a bonus); per
    component ``why`` (`payouts.explain`), ``earned_amount`` (its contribution as money) and
    ``money`` (that amount formatted, None without a bonus).
    Pure: no query."""
    closed = attainment["source"] == "statement"
    bonus, currency = plan.target_bonus, plan.currency
    earned = payouts.amount(attainment["paid_pct"], bonus=bonus)
    projected = payouts.amount(attainment["projected_pct"], bonus=bonus)
    components = []
    for component in attainment["components"]:
        money = payouts.amount(component["contribution"], bonus=bonus)
        why = payouts.explain(
            component, min_n=attainment["min_n"], confidence_gate=attainment["confidence_gate"]
        )
        components.append(
            {
                **component,
                "why": why,
                "earned_amount": money,
                "money": _money(money, currency) if bonus is not None else None,
            }
        )
    return {
        **attainment,
        "components": components,
        "closed": closed,
        "word": payouts.payout_word(closed=closed),
        "earned_pct": attainment["paid_pct"],
        "target_bonus": bonus,
        "currency": currency,
        "earned_amount": earned,
        "projected_amount": projected,
        "money": None
        if bonus is None
        else {
            "bonus": _money(bonus, currency),
            "earned": _money(earned, currency),
            "projected": _money(projected, currency),
        },
    }


def plans_with_payouts(plans: Iterable[IncentivePlan], *, as_of: date) -> list[dict[str, Any]]:
    """Each plan's attainment on ``as_of`` (`plans_attainment`, without the late-data count)
    `with_payouts`. Cost beyond reading ``plans``: one rollup query measuring every open plan's
    components (none without any), and none for the closed plans' statements when ``plans``
    come from plans_queryset (which joins them; otherwise one query)."""
    plans = list(plans)
    attainments = plans_attainment(plans=plans, as_of=as_of)
    return [
        with_payouts(attainment, plan=plan)
        for plan, attainment in zip(plans, attainments, strict=True)
    ]


def current_plans(*, as_of: date, department: str | None = None) -> QuerySet[IncentivePlan]:
    """Plans whose period contains ``as_of`` (of one department by slug, or all), prefetched as
    plans_queryset (5 queries for any number)."""
    plans = plans_queryset().filter(period_start__lte=as_of, period_end__gte=as_of)
    return plans.filter(department__slug=department) if department else plans


def _status_counts(goals: list[dict[str, Any]]) -> list[dict[str, Any]]:
    counts = Counter(goal["status"] for goal in goals)
    return [
        {"status": status.value, "label": status.label, "count": counts[status.value]}
        for status in GoalStatus
        if counts[status.value]
    ]


def scorecards(*, as_of: date, department: str | None = None) -> list[dict[str, Any]]:
    """Every department's scorecard on ``as_of`` (or only ``department``'s, by slug), in the
    departments' order (by name).

    Each: ``department`` (slug), ``name``; ``goals``: `goal_progress` of each goal it takes
    part in (accepted participation), not archived, whose period contains ``as_of``, with
    ``status_label`` (in words) and ``others`` (the names of the other departments taking
    part); ``statuses``: how many goals per status (only statuses present, in GoalStatus
    order); ``plans``: each current plan's attainment `with_payouts` (earned so far,
    projected, money, pending); ``pending``: pending components over its plans;
    ``alignment``: its row of `alignment` (``shared_pct``: share of its plans' weight on
    shared goals, None without a plan).

    Cost, whatever the number of departments, goals and plans: 1 (departments) + 4 (goals and
    their prefetches) + 1 (every goal measured in one rollup query, `goals_progress`) + 5
    (plans with their statements, and their prefetches) + 1 (every open plan's components
    measured in one rollup query, `plans_with_payouts`) + 5 (alignment) queries; none per
    department or plan.
    """
    departments = list(
        Department.objects.filter(slug=department) if department else Department.objects.all()
    )
    if not departments:
        return []
    goals = goals_queryset().filter(archived_at__isnull=True, start__lte=as_of, end__gte=as_of)
    if department:
        goals = goals.filter(departments__slug=department).distinct()
    measured = goals_progress(goals=list(goals), as_of=as_of)
    plans = plans_with_payouts(current_plans(as_of=as_of, department=department), as_of=as_of)
    shares = {row["department"]: row for row in alignment(as_of=as_of)["departments"]}
    cards = []
    for dept in departments:
        own_goals = [
            {
                **goal,
                "status_label": GoalStatus(goal["status"]).label,
                "others": [
                    name
                    for slug, name in zip(
                        goal["departments"], goal["department_names"], strict=True
                    )
                    if slug != dept.slug
                ],
            }
            for goal in measured
            if dept.slug in goal["departments"]
        ]
        own_plans = [plan for plan in plans if plan["department"] == dept.slug]
        share = shares.get(dept.slug, {})
        cards.append(
            {
                "department": dept.slug,
                "name": dept.name,
                "goals": own_goals,
                "statuses": _status_counts(own_goals),
                "plans": own_plans,
                "pending": sum(plan["pending"] for plan in own_plans),
                "alignment": {
                    "shared_pct": share.get("shared_pct"),
                    "shared_weight": share.get("shared_weight", 0),
                    "total_weight": share.get("total_weight", 0),
                },
            }
        )
    return cards


def scorecard(*, slug: str, as_of: date) -> dict[str, Any] | None:
    """One department's scorecard (as `scorecards`), or None for an unknown department."""
    found = scorecards(as_of=as_of, department=slug)
    return found[0] if found else None
