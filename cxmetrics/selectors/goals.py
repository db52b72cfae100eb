"""Reads for shared goals and incentive plans: progress, history, attainment, alignment.

Every measured value comes from :func:`cxmetrics.selectors.metric_summary` (the daily rollups),
never from a re-aggregation of raw responses; the pure math is :mod:`cxmetrics.incentives`.
Results are plain dicts (dates as ``date`` objects) so the API and the dashboards share them.

Measurement windows (inclusive, whole days in the organisation's time zone):

* a goal is measured over its scope from ``goal.start`` to ``min(as_of, goal.end)``;
* a plan component is measured over its goal's scope across the *plan's* period,
  ``plan.period_start`` to ``min(as_of, plan.period_end)``, so a period pays on its own
  customers even when the goal runs longer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from cxmetrics import incentives
from cxmetrics.models import (
    Goal,
    GoalInvitation,
    GoalMetric,
    GoalSnapshot,
    IncentivePlan,
    Metric,
    PayoutStatement,
    PlanComponent,
    Response,
)
from cxmetrics.selectors.goal_windows import measured_windows
from cxmetrics.selectors.goals_alignment import alignment

__all__ = [
    "alignment",
    "filtered_goals",
    "goal_history",
    "goal_progress",
    "goals_queryset",
    "late_data",
    "live_attainment",
    "live_attainments",
    "plan_attainment",
    "plans_attainment",
    "plans_list",
    "plans_overview",
    "plans_queryset",
    "progress_from_score",
]


def goals_queryset() -> QuerySet[Goal]:
    """Goals with everything progress needs, and their invitations with the invited
    departments, prefetched (4 extra queries for any number)."""
    return Goal.objects.select_related("owner").prefetch_related(
        "departments",
        "scope_channels",
        "scope_departments",
        Prefetch(
            "invitations",
            queryset=GoalInvitation.objects.select_related(
                "department", "invited_by", "answered_by"
            ).order_by("department__name"),
        ),
    )


def plans_queryset() -> QuerySet[IncentivePlan]:
    """Plans with their department and statement (and who closed it) joined, components and
    the components' goals prefetched (5 queries for any number)."""
    return IncentivePlan.objects.select_related(
        "department", "statement__closed_by"
    ).prefetch_related(
        Prefetch(
            "components",
            queryset=PlanComponent.objects.select_related("goal").prefetch_related(
                "goal__departments", "goal__scope_channels", "goal__scope_departments"
            ),
        )
    )


def plans_list(*, department: str | None = None) -> QuerySet[IncentivePlan]:
    """The plans the API lists, of one department (by slug) or all; prefetched as
    plans_queryset, so listing any number costs the same 6 queries."""
    plans = plans_queryset()
    return plans.filter(department__slug=department) if department else plans


def _scope(goal: Goal) -> dict[str, list[str]]:
    return {
        "channels": sorted(c.slug for c in goal.scope_channels.all()),
        "departments": sorted(d.slug for d in goal.scope_departments.all()),
        "handled_by": sorted(goal.scope_handled_by or []),
    }


def _value_n_interval(
    score: dict[str, Any] | None,
) -> tuple[float | None, int, float | None, float | None]:
    if score is None:
        return None, 0, None, None
    low, high = score.get("ci95") or (None, None)
    return score["score"], score["n"], low, high


def goal_progress(*, goal: Goal, as_of: date) -> dict[str, Any]:
    """A goal's progress on ``as_of``: measured value, n, 95% interval, expected, status.

    ``value``/``low``/``high`` are ``None`` and ``n`` is 0 without data (also before the
    start). ``expected`` is the straight line from baseline (start) to target (end).
    ``progress_pct`` is how far the value has moved from baseline to target (100 = there).
    Cost: one rollup query (scope relations should be prefetched, see goals_queryset).
    """
    window_end = min(as_of, goal.end)
    score = measured_windows([(goal, goal.start, window_end)])[0] if as_of >= goal.start else None
    return progress_from_score(goal, as_of, score)


def progress_from_score(goal: Goal, as_of: date, score: dict[str, Any] | None) -> dict[str, Any]:
    """`goal_progress` from the goal's measured score over its window (None: no data)."""
    window_end = min(as_of, goal.end)
    value, n, low, high = _value_n_interval(score)
    expected = incentives.expected_value(
        baseline=goal.baseline, target=goal.target, start=goal.start, end=goal.end, as_of=as_of
    )
    status = incentives.goal_status(
        value=value,
        high=high,
        expected=expected,
        n=n,
        min_n=goal.min_n,
        target=goal.target,
        as_of=as_of,
        end=goal.end,
    )
    departments = list(goal.departments.all())
    return {
        "goal_id": goal.pk,
        "name": goal.name,
        "metric": goal.metric,
        "as_of": as_of,
        "start": goal.start,
        "end": goal.end,
        "window_end": window_end,
        "baseline": goal.baseline,
        "target": goal.target,
        "stretch": goal.stretch,
        "min_n": goal.min_n,
        "value": value,
        "n": n,
        "low": low,
        "high": high,
        "expected": expected,
        "status": status,
        "progress_pct": incentives.progress_pct(value, baseline=goal.baseline, target=goal.target),
        "owner": goal.owner.get_username(),
        "shared": incentives.is_shared(len(departments)),
        "departments": [d.slug for d in departments],
        "department_names": [d.name for d in departments],
        "scope": _scope(goal),
    }


def filtered_goals(
    *,
    as_of: date,
    metric: str | None,
    department: str | None,
    active: bool | None,
    archived: bool | None = False,
) -> QuerySet[Goal]:
    """Goals (prefetched as goals_queryset) of one metric, with a participating department
    (slug), active or not on ``as_of``, archived or not (default: not archived); None means
    any."""
    goals = goals_queryset()
    if metric:
        goals = goals.filter(metric=metric)
    if department:
        goals = goals.filter(departments__slug=department).distinct()
    if active is not None:
        current = Q(start__lte=as_of, end__gte=as_of)
        goals = goals.filter(current) if active else goals.exclude(current)
    if archived is not None:
        goals = goals.filter(archived_at__isnull=not archived)
    return goals


def goal_history(*, goal: Goal) -> list[dict[str, Any]]:
    """The goal's nightly snapshots, oldest first. One query."""
    return list(
        GoalSnapshot.objects.filter(goal=goal)
        .order_by("as_of")
        .values("as_of", "value", "n", "low", "high", "expected", "status")
    )


# --- Plans ------------------------------------------------------------------------------------


def _window_end(plan: IncentivePlan, as_of: date) -> date:
    return min(as_of, plan.period_end)


def _component(
    component: PlanComponent, plan: IncentivePlan, as_of: date, score: dict[str, Any] | None
) -> dict[str, Any]:
    goal = component.goal
    window_end = _window_end(plan, as_of)
    value, n, low, high = _value_n_interval(score)
    curve = incentives.PayoutCurve.of(component)
    result = incentives.component_attainment(
        weight=component.weight,
        curve=curve,
        value=value,
        low=low,
        n=n,
        min_n=plan.min_n,
        confidence_gate=plan.confidence_gate,
    )
    return {
        "component_id": component.pk,
        "goal_id": goal.pk,
        "goal_name": goal.name,
        "metric": goal.metric,
        "shared": incentives.is_shared(len(goal.departments.all())),
        "weight": component.weight,
        "curve": {
            "threshold": curve.threshold,
            "target": curve.target,
            "stretch": curve.stretch,
            "threshold_payout": curve.threshold_payout,
            "stretch_payout": curve.stretch_payout,
        },
        "window": {"start": plan.period_start, "end": window_end},
        "measured": result.measured,
        "n": n,
        "low": low,
        "high": high,
        "paid_on": result.paid_on,
        "payout_pct": result.payout_pct,
        "contribution": result.contribution,
        "projected_payout_pct": result.projected_payout_pct,
        "status": result.status,
        "_result": result,
    }


def _plan_header(plan: IncentivePlan) -> dict[str, Any]:
    return {
        "plan_id": plan.pk,
        "name": plan.name,
        "department": plan.department.slug,
        "department_name": plan.department.name,
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "confidence_gate": plan.confidence_gate,
        "min_n": plan.min_n,
        "closed": plan.is_closed,
        "closed_at": plan.closed_at,
    }


def live_attainments(*, plans: Sequence[IncentivePlan], as_of: date) -> list[dict[str, Any]]:
    """`live_attainment` of each plan (same order), every component of every plan measured
    together: one rollup query per GOALS_PER_QUERY components (`measured_windows`), plus the
    prefetches (see plans_queryset)."""
    components = [list(plan.components.all()) for plan in plans]
    scores = iter(
        measured_windows(
            [
                (component.goal, plan.period_start, _window_end(plan, as_of))
                for plan, own in zip(plans, components, strict=True)
                for component in own
            ]
        )
    )
    return [
        _live(plan, as_of, [_component(c, plan, as_of, next(scores)) for c in own])
        for plan, own in zip(plans, components, strict=True)
    ]


def live_attainment(*, plan: IncentivePlan, as_of: date) -> dict[str, Any]:
    """Attainment computed now from the rollups (ignores any closed statement).

    ``paid_pct`` sums the paid components' contributions; ``total_pct`` equals it when no
    component is pending and is ``None`` otherwise (never a silent 0 or 100); ``projected_pct``
    is the total if pending components were paid on their point values.
    Cost: one rollup query for all its components (plus prefetches, see plans_queryset).
    """
    return live_attainments(plans=[plan], as_of=as_of)[0]


def _live(plan: IncentivePlan, as_of: date, components: list[dict[str, Any]]) -> dict[str, Any]:
    total = incentives.plan_attainment([c.pop("_result") for c in components])
    return {
        **_plan_header(plan),
        "as_of": as_of,
        "source": "live",
        "formula_version": incentives.FORMULA_VERSION,
        "components": components,
        "paid_pct": total.total_pct,
        "total_pct": total.total_pct if total.complete else None,
        "pending": total.pending,
        "complete": total.complete,
        "projected_pct": total.projected_pct,
        "statement": None,
        "late_data": None,
    }


def late_data(*, plan: IncentivePlan, statement: PayoutStatement) -> dict[str, Any]:
    """Responses received after the statement was closed that occurred in the plan's period
    within the scope of any of its goals (one COUNT over raw responses: rollups do not keep
    received_at), and the attainment the plan would have now. Goals on `followup_on_time`
    have none: their follow-ups are judged as they stood when the period ended."""
    scopes = Q(pk__in=[])
    for component in plan.components.all():
        goal = component.goal
        if goal.metric == GoalMetric.FOLLOWUP_ON_TIME:
            # Measured from follow-ups as they stood at the end of the period's last day,
            # which has passed when a period closes: nothing arriving later changes it.
            continue
        scope = _scope(goal)
        q = Q(metric=goal.metric)
        if goal.metric == Metric.SENTIMENT:
            q = Q(metric=Metric.SENTIMENT) | Q(sentiment__isnull=False)
        if scope["channels"]:
            q &= Q(channel__slug__in=scope["channels"])
        if scope["departments"]:
            q &= Q(department__slug__in=scope["departments"])
        if scope["handled_by"]:
            q &= Q(handled_by__in=scope["handled_by"])
        scopes |= q
    count = Response.objects.filter(
        scopes,
        received_at__gt=statement.closed_at,
        day__gte=plan.period_start,
        day__lte=plan.period_end,
    ).count()
    would_be = live_attainment(plan=plan, as_of=plan.period_end) if count else None
    return {
        "responses": count,
        "would_be_total_pct": would_be["total_pct"] if would_be else None,
        "would_be_paid_pct": would_be["paid_pct"] if would_be else None,
        "would_be_components": (
            [
                {k: c[k] for k in ("goal_id", "measured", "n", "low", "payout_pct", "status")}
                for c in would_be["components"]
            ]
            if would_be
            else None
        ),
    }


def plan_attainment(*, plan: IncentivePlan, as_of: date, late: bool = True) -> dict[str, Any]:
    """A plan's attainment: per component goal, weight, measured, low, n, paid_on,
    payout_pct, contribution, status; the plan's paid/total/projected percent and pending.

    For a closed plan the figures are the frozen statement's (``source == "statement"``,
    ``as_of`` is ignored) and ``late_data`` reports responses that arrived after closing
    (one COUNT over raw responses, hundreds of ms at 10M rows; ``late=False`` skips it and
    gives ``late_data: None``, for readers that do not show it).
    Cost: as `plans_attainment` of this one plan.
    """
    return plans_attainment(plans=[plan], as_of=as_of, late=late)[0]


def plans_attainment(
    *, plans: Sequence[IncentivePlan], as_of: date, late: bool = False
) -> list[dict[str, Any]]:
    """`plan_attainment` of each plan (same order, same values), in a constant number of
    queries: the open plans' components measured together (`live_attainments`: one rollup
    query per GOALS_PER_QUERY components, none without any), and the statements of closed
    plans read with the plans (plans_queryset joins them) or else in one query. ``late``
    (default False here) adds each closed plan's late-data count: one COUNT over raw
    responses per closed plan."""
    statements = _statements(plans)
    live = [plan for plan in plans if plan.pk not in statements]
    measured = iter(live_attainments(plans=live, as_of=as_of))
    return [
        _frozen(plan, statements[plan.pk], late=late) if plan.pk in statements else next(measured)
        for plan in plans
    ]


def _statements(plans: Sequence[IncentivePlan]) -> dict[int, PayoutStatement]:
    """The closed plans' statements by plan id: those joined by plans_queryset, the others
    in one query (none when every closed plan has its statement joined)."""
    found: dict[int, PayoutStatement] = {}
    missing = []
    for plan in plans:
        if not plan.is_closed:
            continue
        joined = IncentivePlan.statement.is_cached(plan) and getattr(plan, "statement", None)
        if joined:
            found[plan.pk] = joined
        else:  # not read with the plan, or read before the plan was closed
            missing.append(plan.pk)
    if missing:
        rows = PayoutStatement.objects.filter(plan__in=missing).select_related("closed_by")
        found.update({statement.plan_id: statement for statement in rows})
    return found


def _frozen(plan: IncentivePlan, statement: PayoutStatement, *, late: bool) -> dict[str, Any]:
    frozen = statement.data
    return {
        **_plan_header(plan),
        "as_of": date.fromisoformat(frozen["as_of"]),
        "source": "statement",
        "formula_version": statement.formula_version,
        "components": frozen["components"],
        "paid_pct": frozen["paid_pct"],
        "total_pct": statement.total_pct,
        "pending": frozen["pending"],
        "complete": frozen["complete"],
        "projected_pct": frozen["projected_pct"],
        "statement": {
            "id": statement.pk,
            "closed_at": statement.closed_at,
            "closed_by": statement.closed_by.get_username(),
        },
        "late_data": late_data(plan=plan, statement=statement) if late else None,
    }


def plans_overview(*, as_of: date, late: bool = True) -> list[dict[str, Any]]:
    """Attainment of every plan whose period has started by ``as_of`` (``late``: as in
    plan_attainment), as `plans_attainment`."""
    plans = list(plans_queryset().filter(period_start__lte=as_of))
    return plans_attainment(plans=plans, as_of=as_of, late=late)
