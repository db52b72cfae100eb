"""Alignment: who is paid on the same customer outcomes (departments x shared goals)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db.models import Q

from cxmetrics import incentives
from cxmetrics.models import Department, Goal, IncentivePlan, PlanComponent


def alignment(*, as_of: date | None = None) -> dict[str, Any]:
    """Who is paid on the same customer outcomes.

    Considers plans whose period contains ``as_of`` (all plans when None). Per department:
    total component weight, the weight on shared goals (2+ participating departments) and
    its share in percent (None without a plan). ``matrix``: departments x shared goals, each
    cell the department's weight on that goal as a percent of its total weight (None when
    unpaid) and whether it participates. Fixed number of queries.
    """
    plans = IncentivePlan.objects.all()
    if as_of is not None:
        plans = plans.filter(period_start__lte=as_of, period_end__gte=as_of)
    components = list(
        PlanComponent.objects.filter(plan__in=plans).values_list(
            "plan__department_id", "goal_id", "weight"
        )
    )
    goals = {
        g.pk: g
        for g in Goal.objects.prefetch_related("departments").filter(
            Q(pk__in={goal_id for _, goal_id, _ in components})
            | (Q(start__lte=as_of, end__gte=as_of) if as_of else Q())
        )
    }
    shared = {
        g.pk: g
        for g in sorted(goals.values(), key=lambda g: (g.end, g.name))
        if incentives.is_shared(len(g.departments.all()))
    }
    total: dict[int, int] = defaultdict(int)
    on_goal: dict[tuple[int, int], int] = defaultdict(int)
    for department_id, goal_id, weight in components:
        total[department_id] += weight
        on_goal[department_id, goal_id] += weight
    plan_counts: dict[int, int] = defaultdict(int)
    for department_id in plans.values_list("department_id", flat=True):
        plan_counts[department_id] += 1
    departments = list(Department.objects.all())
    rows = []
    matrix = []
    for dept in departments:
        shared_weight = sum(w for (d, g), w in on_goal.items() if d == dept.pk and g in shared)
        rows.append(
            {
                "department": dept.slug,
                "name": dept.name,
                "plans": plan_counts[dept.pk],
                "total_weight": total[dept.pk],
                "shared_weight": shared_weight,
                "shared_pct": 100.0 * shared_weight / total[dept.pk] if total[dept.pk] else None,
            }
        )
        cells = {}
        for goal_id, goal in shared.items():
            weight = on_goal.get((dept.pk, goal_id))
            cells[str(goal_id)] = {
                "weight_pct": 100.0 * weight / total[dept.pk] if weight else None,
                "participant": any(d.pk == dept.pk for d in goal.departments.all()),
            }
        matrix.append({"department": dept.slug, "cells": cells})
    return {
        "as_of": as_of,
        "departments": rows,
        "shared_goals": [
            {
                "goal_id": g.pk,
                "name": g.name,
                "metric": g.metric,
                "departments": [d.slug for d in g.departments.all()],
            }
            for g in shared.values()
        ],
        "matrix": matrix,
    }
