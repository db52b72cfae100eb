"""Plans of the same department whose periods overlap: a second plan paying the same people
for the same days is usually a mistake, so saving one asks for confirmation."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from cxmetrics.models import Department, IncentivePlan

__all__ = ["overlapping_plans"]


def overlapping_plans(
    *, department: Department, start: date, end: date, exclude: IncentivePlan | None = None
) -> QuerySet[IncentivePlan]:
    """Plans of `department` sharing at least one day with [start, end] (both inclusive),
    other than `exclude` (the plan being edited). One query when evaluated."""
    plans = IncentivePlan.objects.filter(
        department=department, period_start__lte=end, period_end__gte=start
    ).order_by("period_start", "name")
    return plans.exclude(pk=exclude.pk) if exclude is not None and exclude.pk else plans
