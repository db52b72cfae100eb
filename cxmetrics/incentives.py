"""Pure incentive math: payout curves, weighted plan attainment and goal status.

Standard-library only (no Django). All percentages are plain floats in percent (75.0 means
75%). Metrics are "higher is better": curves increase and goals are met from below.

* A :class:`PayoutCurve` maps a measured metric value to a payout percent.
* :func:`component_attainment` applies one weighted component (minimum sample size and an
  optional confidence gate that pays on the lower 95% bound instead of the point value).
* :func:`plan_attainment` adds the weighted components into a plan total.
* :func:`expected_value` and :func:`goal_status` track a goal against a straight-line path.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

__all__ = [
    "FORMULA_VERSION",
    "GOAL_STATUSES",
    "ComponentAttainment",
    "ComponentStatus",
    "GoalStatus",
    "PayoutCurve",
    "PlanAttainment",
    "component_attainment",
    "expected_value",
    "goal_status",
    "plan_attainment",
    "progress_pct",
    "validate_weights",
]

FORMULA_VERSION = "2026.1"
"""Version of these formulas, stamped onto closed payout statements. Bump when math changes."""

ComponentStatus = Literal["pending", "paid"]
GoalStatus = Literal["met", "missed", "not_enough_data", "on_track", "at_risk", "off_track"]
GOAL_STATUSES: tuple[GoalStatus, ...] = (
    "on_track",
    "at_risk",
    "off_track",
    "not_enough_data",
    "met",
    "missed",
)


DEFAULT_THRESHOLD_PAYOUT = 50.0
"""Percent paid at the threshold unless a plan says otherwise."""
DEFAULT_STRETCH_PAYOUT = 150.0
"""Percent paid at the stretch value unless a plan says otherwise."""
CURVE_TERMS = ("threshold", "target", "stretch", "threshold_payout", "stretch_payout")
"""The five terms of a payout curve, as PayoutCurve, plan components and their inputs name
them."""


@dataclass(frozen=True)
class PayoutCurve:
    """Piecewise-linear payout curve for a "higher is better" metric.

    Payout (percent) is 0 below ``threshold``; ``threshold_payout`` at ``threshold``; linear
    to 100 at ``target``; linear to ``stretch_payout`` at ``stretch``; capped at
    ``stretch_payout`` above. ``stretch == target`` means no stretch: the cap is then 100 and
    ``stretch_payout`` is ignored. Thresholds are in the metric's own units (e.g. NPS points).
    Construction does not validate (so forms can build one and call :meth:`validate`);
    :meth:`payout` validates first.
    """

    threshold: float
    target: float
    stretch: float
    threshold_payout: float = DEFAULT_THRESHOLD_PAYOUT
    stretch_payout: float = DEFAULT_STRETCH_PAYOUT

    @classmethod
    def of(cls, terms: Any) -> PayoutCurve:
        """The curve of anything holding the CURVE_TERMS as attributes (a plan component, its
        form input): one place that reads them."""
        return cls(**{term: getattr(terms, term) for term in CURVE_TERMS})

    def validate(self) -> None:
        """Raise ValueError unless threshold < target <= stretch and the payouts make sense."""
        values = (
            self.threshold,
            self.target,
            self.stretch,
            self.threshold_payout,
            self.stretch_payout,
        )
        if not all(math.isfinite(v) for v in values):
            raise ValueError("payout curve values must be finite numbers")
        if not self.threshold < self.target:
            raise ValueError(f"threshold ({self.threshold}) must be below target ({self.target})")
        if not self.target <= self.stretch:
            raise ValueError(f"stretch ({self.stretch}) must be at or above target ({self.target})")
        if not 0.0 <= self.threshold_payout <= 100.0:
            raise ValueError(
                f"threshold payout ({self.threshold_payout}%) must be between 0% and 100%"
            )
        if self.stretch > self.target and self.stretch_payout < 100.0:
            raise ValueError(f"stretch payout ({self.stretch_payout}%) must be at least 100%")

    @property
    def max_payout(self) -> float:
        """Highest possible payout in percent (100 when there is no stretch)."""
        return self.stretch_payout if self.stretch > self.target else 100.0

    def points(self, low: float, high: float) -> list[tuple[float, float]]:
        """The curve drawn from ``low`` to ``high`` (its axis, e.g. the metric's range): the
        corners (value, payout percent) where its slope changes, in increasing value. A line
        through them is the curve; the jump at the threshold is a vertical segment."""
        self.validate()
        corners = [(self.threshold, self.threshold_payout), (self.target, 100.0)]
        if self.stretch > self.target:
            corners.append((self.stretch, self.stretch_payout))
        if low < self.threshold:
            corners[:0] = [(low, 0.0), (self.threshold, 0.0)]
        inside = [(x, y) for x, y in corners if low <= x <= high]
        ends = [(x, self.payout(x)) for x in (low, high) if x not in {c[0] for c in inside}]
        return sorted(inside + ends, key=lambda corner: (corner[0], corner[1]))

    def payout(self, value: float) -> float:
        """Payout percent for a measured value (non-decreasing in ``value``)."""
        self.validate()
        if value < self.threshold:
            return 0.0
        if value < self.target:
            share = (value - self.threshold) / (self.target - self.threshold)
            return self.threshold_payout + share * (100.0 - self.threshold_payout)
        if value >= self.stretch:
            return self.max_payout
        share = (value - self.target) / (self.stretch - self.target)
        return 100.0 + share * (self.stretch_payout - 100.0)


@dataclass(frozen=True)
class ComponentAttainment:
    """One weighted plan component.

    ``measured`` is the point value; ``paid_on`` the value the curve was applied to (the lower
    95% bound under a confidence gate, else the point value). When ``status == "pending"``
    (too few responses or no value yet) ``paid_on``, ``payout_pct`` and ``contribution`` are
    ``None`` - never 0 or 100. ``contribution = weight * payout_pct / 100`` is in plan percent.
    ``projected_payout_pct`` is the curve at the point value (``None`` without a value); it
    feeds :attr:`PlanAttainment.projected_pct`.
    """

    weight: int
    measured: float | None
    paid_on: float | None
    payout_pct: float | None
    contribution: float | None
    status: ComponentStatus
    projected_payout_pct: float | None = None


@dataclass(frozen=True)
class PlanAttainment:
    """Plan total in percent of target incentive.

    ``total_pct`` sums the contributions of paid components only. ``pending`` counts pending
    components and ``complete`` is ``pending == 0``. ``projected_pct`` is what the total would
    be if every pending component were paid on its current point value (paid components keep
    their actual contribution); it equals ``total_pct`` when complete and is ``None`` when a
    pending component has no value at all.
    """

    total_pct: float
    pending: int
    complete: bool
    projected_pct: float | None


def _is_whole_number(value: object) -> bool:
    """True for ints (not bools): weights are whole percentages."""
    return isinstance(value, int) and not isinstance(value, bool)


def validate_weights(weights: Sequence[int]) -> None:
    """Raise ValueError unless weights are whole percents, each 1..100, summing to 100."""
    if not weights:
        raise ValueError("a plan needs at least one weighted component")
    for i, weight in enumerate(weights, start=1):
        if not _is_whole_number(weight):
            raise ValueError(f"weight {i} must be a whole percentage, got {weight!r}")
        if not 1 <= weight <= 100:
            raise ValueError(f"weight {i} must be between 1% and 100%, got {weight}%")
    total = sum(weights)
    if total != 100:
        raise ValueError(f"weights must add up to exactly 100%, got {total}%")


def component_attainment(
    *,
    weight: int,
    curve: PayoutCurve,
    value: float | None,
    low: float | None,
    n: int,
    min_n: int,
    confidence_gate: bool,
) -> ComponentAttainment:
    """Score one component.

    Pending when ``n < min_n``, ``value`` is None, or the confidence gate is on and ``low`` is
    None (no interval, e.g. a single CES answer). Otherwise paid on ``low`` when
    ``confidence_gate`` else on ``value``.
    """
    if not _is_whole_number(weight) or not 1 <= weight <= 100:
        raise ValueError(f"weight must be between 1% and 100%, got {weight}")
    curve.validate()
    projected = curve.payout(value) if value is not None else None
    paid_on = low if confidence_gate else value
    if n < min_n or value is None or paid_on is None:
        return ComponentAttainment(
            weight=weight,
            measured=value,
            paid_on=None,
            payout_pct=None,
            contribution=None,
            status="pending",
            projected_payout_pct=projected,
        )
    payout_pct = curve.payout(paid_on)
    return ComponentAttainment(
        weight=weight,
        measured=value,
        paid_on=paid_on,
        payout_pct=payout_pct,
        contribution=weight * payout_pct / 100.0,
        status="paid",
        projected_payout_pct=projected,
    )


def plan_attainment(components: Sequence[ComponentAttainment]) -> PlanAttainment:
    """Add up components (weights are not re-validated here; see :func:`validate_weights`)."""
    total = 0.0
    projected: float | None = 0.0
    pending = 0
    for c in components:
        if c.status == "paid" and c.contribution is not None:
            total += c.contribution
            if projected is not None:
                projected += c.contribution
            continue
        pending += 1
        if c.projected_payout_pct is None:
            projected = None
        elif projected is not None:
            projected += c.weight * c.projected_payout_pct / 100.0
    return PlanAttainment(
        total_pct=total, pending=pending, complete=pending == 0, projected_pct=projected
    )


def expected_value(*, baseline: float, target: float, start: date, end: date, as_of: date) -> float:
    """Where a goal should be on ``as_of``: straight line from ``baseline`` on ``start`` to
    ``target`` on ``end``, with ``as_of`` clamped to [start, end]. Raises if end < start."""
    if end < start:
        raise ValueError(f"goal end ({end}) is before its start ({start})")
    if as_of >= end:
        return target
    if as_of <= start:
        return baseline
    share = (as_of - start).days / (end - start).days
    return baseline + share * (target - baseline)


SHARED_MIN_DEPARTMENTS = 2
"""A goal is shared when at least this many departments take part in it."""


def is_shared(departments: int) -> bool:
    """True when a goal with ``departments`` participating departments is a shared goal."""
    return departments >= SHARED_MIN_DEPARTMENTS


def progress_pct(value: float | None, *, baseline: float, target: float) -> float | None:
    """How far ``value`` is on the way from ``baseline`` (0) to ``target`` (100), in percent:
    below 0 is behind the baseline, above 100 beyond the target. None without a value, or when
    the baseline is the target (no way to go)."""
    if value is None or target == baseline:
        return None
    return 100.0 * (value - baseline) / (target - baseline)


def goal_status(
    *,
    value: float | None,
    high: float | None,
    expected: float,
    n: int,
    min_n: int,
    target: float,
    as_of: date,
    end: date,
) -> GoalStatus:
    """Status of a "higher is better" goal.

    After the period (``as_of > end``): "not_enough_data" if ``n < min_n`` or no value, else
    "met" if ``value >= target`` else "missed". During the period (``as_of == end`` included):
    "not_enough_data" if ``n < min_n`` or no value; "on_track" if ``value >= expected``;
    "at_risk" if below but the upper 95% bound ``high >= expected``; otherwise "off_track"
    (also when ``high`` is None, since nothing shows the path is within reach).
    """
    if n < min_n or value is None:
        return "not_enough_data"
    if as_of > end:
        return "met" if value >= target else "missed"
    if value >= expected:
        return "on_track"
    if high is not None and high >= expected:
        return "at_risk"
    return "off_track"
