"""Field-level validation of goals and plans: pure checks returning {field: [messages]}.

Re-exported by cxmetrics.services.goals (callers use that package)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from cxmetrics import incentives
from cxmetrics.models import Goal, GoalMetric, HandledBy

# The range of each goal metric's score, in its own units: goals and curves must stay inside.
METRIC_RANGES: dict[str, tuple[float, float]] = {
    GoalMetric.NPS: (-100.0, 100.0),
    GoalMetric.CSAT: (0.0, 100.0),
    GoalMetric.CES: (1.0, 7.0),
    GoalMetric.SENTIMENT: (-1.0, 1.0),
    GoalMetric.FOLLOWUP_ON_TIME: (0.0, 100.0),
}
MAX_MIN_N = 1_000_000


class InvalidInput(Exception):
    """Field-level problems: ``errors`` maps a field to messages (``components`` to a dict
    {position: {field: messages}} when components themselves are wrong)."""

    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class ComponentIn:
    """One weighted component as given by a caller (weight in whole percent)."""

    goal: Goal
    weight: int
    threshold: float
    target: float
    stretch: float
    threshold_payout: float = incentives.DEFAULT_THRESHOLD_PAYOUT
    stretch_payout: float = incentives.DEFAULT_STRETCH_PAYOUT

    @classmethod
    def of(cls, component: Any) -> ComponentIn:
        """A stored plan component as input (to validate it again under new plan values)."""
        terms = {term: getattr(component, term) for term in incentives.CURVE_TERMS}
        return cls(goal=component.goal, weight=component.weight, **terms)


def add_error(errors: dict[str, Any], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _number(errors: dict[str, Any], field: str, value: Any, metric: str | None) -> None:
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        add_error(errors, field, "A number is required.")
    elif not math.isfinite(value):
        add_error(errors, field, "Must be a finite number.")
    elif metric in METRIC_RANGES:
        lo, hi = METRIC_RANGES[metric]
        if not lo <= value <= hi:
            add_error(errors, field, f"Must be between {lo:g} and {hi:g} for {metric}.")


def _min_n(errors: dict[str, Any], value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_MIN_N:
        add_error(errors, "min_n", f"Must be a whole number between 1 and {MAX_MIN_N}.")


def _dates(
    errors: dict[str, Any], values: dict[str, Any], fields: tuple[str, str], backwards: str
) -> None:
    """Both ends of a period are dates, the end not before the start (`backwards` says so)."""
    start_field, end_field = fields
    start, end = values.get(start_field), values.get(end_field)
    if not isinstance(start, date):
        add_error(errors, start_field, "A date is required.")
    if not isinstance(end, date):
        add_error(errors, end_field, "A date is required.")
    elif isinstance(start, date) and end < start:
        add_error(errors, end_field, backwards)


def goal_errors(*, values: dict[str, Any]) -> dict[str, Any]:
    """Field-level problems with a goal's full set of values (empty dict when valid)."""
    errors: dict[str, Any] = {}
    if not str(values.get("name") or "").strip():
        add_error(errors, "name", "A name is required.")
    metric = values.get("metric")
    if metric not in GoalMetric.values:
        add_error(errors, "metric", f"Must be one of {', '.join(GoalMetric.values)}.")
    for field in ("baseline", "target"):
        _number(errors, field, values.get(field), metric)
    if values.get("stretch") is not None:
        _number(errors, "stretch", values["stretch"], metric)
        comparable = "stretch" not in errors and "target" not in errors
        if comparable and values["stretch"] < values["target"]:
            add_error(errors, "stretch", "Must be at or above the target.")
    _dates(errors, values, ("start", "end"), "Must be on or after the start.")
    if not values.get("departments"):
        add_error(errors, "departments", "At least one participating department is required.")
    unknown = set(values.get("scope_handled_by") or []) - set(HandledBy.values)
    if unknown:
        add_error(errors, "scope_handled_by", f"Unknown value(s): {', '.join(sorted(unknown))}.")
    if values.get("owner") is None:
        add_error(errors, "owner", "An owner is required.")
    _min_n(errors, values.get("min_n"))
    return errors


MAX_BONUS = Decimal("9999999999.99")  # the column's 12 digits, 2 after the point


def _bonus(errors: dict[str, Any], bonus: Any, currency: str) -> None:
    """An optional target bonus: a non-negative amount, with the ISO code of its currency."""
    if bonus is None:
        return
    if isinstance(bonus, bool) or not isinstance(bonus, Decimal | int | float):
        add_error(errors, "target_bonus", "An amount is required, e.g. 5000 or 5000.00.")
    elif not Decimal(bonus).is_finite() or not 0 <= Decimal(bonus) <= MAX_BONUS:
        add_error(errors, "target_bonus", f"Must be an amount between 0 and {MAX_BONUS:,}.")
    if not (
        len(currency) == 3 and currency.isascii() and currency.isalpha() and currency.isupper()
    ):
        add_error(errors, "currency", "A three-letter currency code (ISO 4217) such as EUR or USD.")


def _component_errors(component: ComponentIn, plan_values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    goal = component.goal
    weight = component.weight
    if not isinstance(weight, int) or isinstance(weight, bool) or not 1 <= weight <= 100:
        add_error(errors, "weight", "Must be a whole percentage between 1 and 100.")
    for field in ("threshold", "target", "stretch"):
        _number(errors, field, getattr(component, field), goal.metric)
    for field in ("threshold_payout", "stretch_payout"):
        _number(errors, field, getattr(component, field), None)
    if not errors:
        curve = incentives.PayoutCurve.of(component)
        try:
            curve.validate()
        except ValueError as exc:
            message = str(exc)
            field = message.split(" ", 1)[0]
            field = {"stretch": "stretch", "threshold": "threshold"}.get(field, "non_field_errors")
            if "payout" in message:
                field = "threshold_payout" if message.startswith("threshold") else "stretch_payout"
            add_error(errors, field, message[0].upper() + message[1:] + ".")
    department = plan_values.get("department")
    if department is not None and department not in goal.departments.all():
        add_error(
            errors,
            "goal",
            f"{department.name} does not take part in this goal: a plan pays only on goals its "
            "department has accepted.",
        )
    start, end = plan_values.get("period_start"), plan_values.get("period_end")
    dated = isinstance(start, date) and isinstance(end, date)
    if dated and (goal.end < start or goal.start > end):
        add_error(errors, "goal", f"The goal runs {goal.start} to {goal.end}, outside the plan.")
    return errors


def plan_errors(*, values: dict[str, Any], components: Sequence[ComponentIn]) -> dict[str, Any]:
    """Field-level problems with a plan and its components (empty dict when valid)."""
    errors: dict[str, Any] = {}
    if not str(values.get("name") or "").strip():
        add_error(errors, "name", "A name is required.")
    if values.get("department") is None:
        add_error(errors, "department", "A department is required.")
    _dates(errors, values, ("period_start", "period_end"), "Must be on or after the period start.")
    _min_n(errors, values.get("min_n"))
    _bonus(errors, values.get("target_bonus"), values.get("currency") or "")
    per_component = [_component_errors(c, values) for c in components]
    seen: set[int] = set()
    for index, component in enumerate(components):
        if component.goal.pk in seen:
            add_error(per_component[index], "goal", "This goal is already a component of the plan.")
        seen.add(component.goal.pk)
    if any(per_component):
        # Keyed by position, like DRF's own errors for nested lists.
        errors["components"] = {i: e for i, e in enumerate(per_component) if e}
    else:
        try:
            incentives.validate_weights([c.weight for c in components])
        except ValueError as exc:
            errors["components"] = [str(exc)[0].upper() + str(exc)[1:] + "."]
    return errors
