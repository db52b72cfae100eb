"""Specification tests for cxmetrics.incentives (pure payout and goal-status math)."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cxmetrics.incentives import (
    FORMULA_VERSION,
    ComponentAttainment,
    PayoutCurve,
    component_attainment,
    is_shared,
    plan_attainment,
    validate_weights,
)

NPS_CURVE = PayoutCurve(threshold=20, target=40, stretch=60)
CSAT_CURVE = PayoutCurve(threshold=70, target=80, stretch=90)


def _component(
    *,
    weight: int = 60,
    curve: PayoutCurve = NPS_CURVE,
    value: float | None = 30.0,
    low: float | None = 25.0,
    n: int = 100,
    min_n: int = 30,
    confidence_gate: bool = False,
) -> ComponentAttainment:
    return component_attainment(
        weight=weight,
        curve=curve,
        value=value,
        low=low,
        n=n,
        min_n=min_n,
        confidence_gate=confidence_gate,
    )


def test_formula_version_is_stamped_as_2026_1() -> None:
    assert FORMULA_VERSION == "2026.1"


# --- Worked example --------------------------------------------------------------------------


def test_worked_example_plan_pays_95_percent() -> None:
    # given a 60% NPS component (20/40/60) measured at 30 and a 40% CSAT one (70/80/90) at 85
    validate_weights([60, 40])
    nps_part = _component(weight=60, curve=NPS_CURVE, value=30.0, low=25.0)
    csat_part = _component(weight=40, curve=CSAT_CURVE, value=85.0, low=81.0)
    # when
    plan = plan_attainment([nps_part, csat_part])
    # then NPS pays 50 + (10/20) * 50 = 75%, CSAT pays 100 + (5/10) * 50 = 125%,
    # and the plan pays 0.6 * 75 + 0.4 * 125 = 45 + 50 = 95%
    assert nps_part.status == "paid"
    assert nps_part.paid_on == 30.0
    assert nps_part.payout_pct == pytest.approx(75.0, abs=1e-9)
    assert nps_part.contribution == pytest.approx(45.0, abs=1e-9)
    assert csat_part.payout_pct == pytest.approx(125.0, abs=1e-9)
    assert csat_part.contribution == pytest.approx(50.0, abs=1e-9)
    assert plan.total_pct == pytest.approx(95.0, abs=1e-9)
    assert plan.pending == 0
    assert plan.complete is True
    assert plan.projected_pct == pytest.approx(95.0, abs=1e-9)


# --- Payout curve ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "payout"),
    [
        (-100.0, 0.0),
        (19.999, 0.0),
        (20.0, 50.0),
        (30.0, 75.0),
        (40.0, 100.0),
        (50.0, 125.0),
        (60.0, 150.0),
        (61.0, 150.0),
        (100.0, 150.0),
    ],
)
def test_payout_curve_breakpoints(value: float, payout: float) -> None:
    assert NPS_CURVE.payout(value) == pytest.approx(payout, abs=1e-9)


def test_payout_curve_without_stretch_caps_at_100() -> None:
    # given stretch == target: there is no stretch zone
    curve = PayoutCurve(threshold=70, target=80, stretch=80, stretch_payout=150.0)
    # then the cap is 100 whatever stretch_payout says
    assert curve.payout(75.0) == pytest.approx(75.0, abs=1e-9)
    assert curve.payout(80.0) == 100.0
    assert curve.payout(99.0) == 100.0
    assert curve.max_payout == 100.0


def test_payout_curve_custom_payouts() -> None:
    curve = PayoutCurve(
        threshold=0, target=10, stretch=20, threshold_payout=0.0, stretch_payout=200.0
    )
    assert curve.payout(5.0) == pytest.approx(50.0, abs=1e-9)
    assert curve.payout(15.0) == pytest.approx(150.0, abs=1e-9)
    assert curve.payout(25.0) == 200.0


@pytest.mark.parametrize(
    ("curve", "message"),
    [
        (PayoutCurve(threshold=40, target=40, stretch=60), "threshold .* must be below target"),
        (PayoutCurve(threshold=50, target=40, stretch=60), "threshold .* must be below target"),
        (PayoutCurve(threshold=20, target=40, stretch=30), "stretch .* at or above target"),
        (PayoutCurve(20, 40, 60, threshold_payout=120.0), "threshold payout"),
        (PayoutCurve(20, 40, 60, stretch_payout=90.0), "stretch payout"),
        (PayoutCurve(20, float("nan"), 60), "finite"),
    ],
)
def test_invalid_curves_are_rejected(curve: PayoutCurve, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        curve.validate()
    with pytest.raises(ValueError, match=message):
        curve.payout(30.0)


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(
    st.floats(-1000, 1000),
    st.floats(0.01, 1000),
    st.floats(0, 1000),
    st.floats(0, 100),
    st.floats(100, 300),
    finite,
    finite,
)
def test_payout_is_monotone_non_decreasing(
    threshold: float,
    gap: float,
    stretch_gap: float,
    threshold_payout: float,
    stretch_payout: float,
    x: float,
    y: float,
) -> None:
    # given any valid increasing curve
    target = threshold + gap
    curve = PayoutCurve(threshold, target, target + stretch_gap, threshold_payout, stretch_payout)
    # then a higher value never pays less, and nothing exceeds the cap
    lo, hi = sorted((x, y))
    assert 0.0 <= curve.payout(lo) <= curve.payout(hi) + 1e-9
    assert curve.payout(hi) <= curve.max_payout + 1e-9


# --- Weights ---------------------------------------------------------------------------------


def test_valid_weights_pass() -> None:
    validate_weights([60, 40])
    validate_weights([100])
    validate_weights([1] * 100)


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([60, 30], "add up to exactly 100%, got 90%"),
        ([60, 50], "add up to exactly 100%, got 110%"),
        ([0, 100], "between 1% and 100%, got 0%"),
        ([101, -1], "between 1% and 100%, got 101%"),
        ([50.5, 49.5], "whole percentage"),
        ([True, 99], "whole percentage"),
        ([], "at least one"),
    ],
)
def test_invalid_weights_are_rejected(weights: list[int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_weights(weights)


# --- Components ------------------------------------------------------------------------------


def test_confidence_gate_pays_on_the_lower_bound() -> None:
    # given an NPS of 30 whose 95% lower bound is 25
    # when the confidence gate is on
    part = _component(value=30.0, low=25.0, confidence_gate=True)
    # then the curve is applied to 25: 50 + (5/20) * 50 = 62.5%, contributing 0.6 * 62.5
    assert part.status == "paid"
    assert part.measured == 30.0
    assert part.paid_on == 25.0
    assert part.payout_pct == pytest.approx(62.5, abs=1e-9)
    assert part.contribution == pytest.approx(37.5, abs=1e-9)
    assert part.projected_payout_pct == pytest.approx(75.0, abs=1e-9)


def test_below_minimum_sample_is_pending_not_zero() -> None:
    # given min_n = 30 and only 29 responses
    part = _component(n=29, min_n=30)
    # then nothing is paid yet, and nothing pretends to be 0 or 100
    assert part.status == "pending"
    assert part.measured == 30.0
    assert (part.paid_on, part.payout_pct, part.contribution) == (None, None, None)
    # and exactly min_n responses is enough
    assert _component(n=30, min_n=30).status == "paid"


def test_no_value_or_no_lower_bound_under_gate_is_pending() -> None:
    assert _component(value=None, low=None).status == "pending"
    assert _component(value=None, low=None).projected_payout_pct is None
    assert _component(value=30.0, low=None, confidence_gate=True).status == "pending"
    assert _component(value=30.0, low=None, confidence_gate=False).status == "paid"


def test_component_rejects_bad_weight_and_bad_curve() -> None:
    with pytest.raises(ValueError, match="weight"):
        _component(weight=0)
    with pytest.raises(ValueError, match="threshold"):
        _component(curve=PayoutCurve(40, 20, 60))


def test_plan_with_pending_components_totals_paid_only_and_projects() -> None:
    # given NPS paid at 75% (weight 60) and CSAT at 85 pending on 10 of 30 responses
    paid = _component(weight=60, value=30.0, n=100)
    pending = _component(weight=40, curve=CSAT_CURVE, value=85.0, low=80.0, n=10)
    # when
    plan = plan_attainment([paid, pending])
    # then only the 45 points already earned count; the projection adds 0.4 * 125 = 50
    assert plan.total_pct == pytest.approx(45.0, abs=1e-9)
    assert plan.pending == 1
    assert plan.complete is False
    assert plan.projected_pct == pytest.approx(95.0, abs=1e-9)


def test_plan_projection_is_none_when_a_pending_component_has_no_value() -> None:
    plan = plan_attainment([_component(weight=60), _component(weight=40, value=None, low=None)])
    assert plan.total_pct == pytest.approx(45.0, abs=1e-9)
    assert plan.projected_pct is None
    assert plan_attainment([]).total_pct == 0.0


# --- pinned edges (each kills a mutant that the tests above let live; docs/mutation.md) --------


@pytest.mark.parametrize(
    ("curve", "message"),
    [
        (PayoutCurve(0, math.inf, 10), "payout curve values must be finite numbers"),
        (PayoutCurve(0, 10, 20, threshold_payout=100.5), r"threshold payout \(100.5%\)"),
    ],
)
def test_curve_messages_are_exact(curve: PayoutCurve, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{message}"):
        curve.validate()


def test_threshold_payout_of_exactly_100_is_allowed() -> None:
    PayoutCurve(0, 10, 20, threshold_payout=100.0).validate()


def test_without_stretch_a_stretch_payout_below_100_is_ignored_not_rejected() -> None:
    # stretch == target means no stretch, so stretch_payout is not read (cap 100)
    curve = PayoutCurve(0, 10, 10, stretch_payout=50.0)
    curve.validate()
    assert curve.payout(10) == 100.0


def test_weight_messages_name_the_component_from_1() -> None:
    with pytest.raises(ValueError, match=r"^a plan needs at least one weighted component$"):
        validate_weights([])
    with pytest.raises(ValueError, match=r"^weight 2 must be a whole percentage, got 50\.0$"):
        validate_weights([50, 50.0])  # type: ignore[list-item]
    with pytest.raises(ValueError, match=r"^weight 2 must be between 1% and 100%, got 0%$"):
        validate_weights([100, 0])


@pytest.mark.parametrize("weight", [1, 100])
def test_component_weights_1_and_100_are_accepted(weight: int) -> None:
    c = _component(weight=weight, value=40.0)  # at target: payout 100
    assert (c.weight, c.payout_pct, c.contribution) == (weight, 100.0, float(weight))


@pytest.mark.parametrize("weight", [0, 101])
def test_component_weights_0_and_101_are_rejected(weight: int) -> None:
    with pytest.raises(ValueError, match=f"^weight must be between 1% and 100%, got {weight}$"):
        _component(weight=weight)


def test_plan_counts_every_pending_component() -> None:
    pending = _component(n=5)  # 5 < min_n 30
    plan = plan_attainment([pending, pending, _component(weight=40, value=40.0)])
    # paid: 40 * 100% = 40; pending projected: 60 * payout(30) each
    # payout(30) = 50 + (30 - 20) / (40 - 20) * 50 = 75, so 45 each -> 40 + 45 + 45 = 130
    assert (plan.total_pct, plan.pending, plan.complete) == (40.0, 2, False)
    assert plan.projected_pct == pytest.approx(130.0)


def test_a_curve_reads_its_five_terms_by_name() -> None:
    # given anything holding the terms, each a different number
    terms = SimpleNamespace(
        threshold=20.0, target=40.0, stretch=60.0, threshold_payout=30.0, stretch_payout=170.0
    )
    # then the curve holds each term where it belongs
    assert PayoutCurve.of(terms) == PayoutCurve(20.0, 40.0, 60.0, 30.0, 170.0)


def test_a_goal_is_shared_from_two_departments() -> None:
    assert [is_shared(count) for count in (0, 1, 2, 3)] == [False, False, True, True]
