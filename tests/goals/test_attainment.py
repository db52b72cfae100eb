"""plan_attainment: the worked example, the confidence gate and pending components."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cxmetrics import metrics
from cxmetrics.incentives import PayoutCurve
from cxmetrics.selectors.goals import (
    plan_attainment,
    plans_attainment,
    plans_overview,
    plans_queryset,
)
from cxmetrics.services import goals as goal_services
from tests.factories import make_user
from tests.goals.conftest import END, MID, csat_85, make_goal, make_plan, nps_30

NPS_CURVE = (20.0, 40.0, 60.0)
CSAT_CURVE = (70.0, 80.0, 90.0)


@pytest.fixture
def worked_example_goals(lead):
    """A shared NPS goal measured at 30 and a CSAT goal measured at 85 (n=100 each)."""
    nps_30()
    csat_85()
    nps = make_goal(actor=lead)
    csat = make_goal(actor=lead, name="CSAT to 80", metric="csat", baseline=70, target=80)
    return nps, csat


def test_worked_example_pays_95_percent(lead, worked_example_goals):
    # given a plan paying 60% on NPS (20/40/60) and 40% on CSAT (70/80/90), no gate
    nps, csat = worked_example_goals
    plan = make_plan(actor=lead, components=[(nps, 60, NPS_CURVE), (csat, 40, CSAT_CURVE)])
    # when
    result = plan_attainment(plan=plan, as_of=END)
    # then NPS 30 pays 75%, CSAT 85 pays 125%, the plan 0.6 * 75 + 0.4 * 125 = 95%
    by_goal = {c["goal_id"]: c for c in result["components"]}
    assert by_goal[nps.pk]["measured"] == pytest.approx(30.0)
    assert by_goal[nps.pk]["payout_pct"] == pytest.approx(75.0)
    assert by_goal[nps.pk]["contribution"] == pytest.approx(45.0)
    assert by_goal[csat.pk]["measured"] == pytest.approx(85.0)
    assert by_goal[csat.pk]["payout_pct"] == pytest.approx(125.0)
    assert by_goal[csat.pk]["contribution"] == pytest.approx(50.0)
    assert result["total_pct"] == pytest.approx(95.0)
    assert result["pending"] == 0
    assert result["source"] == "live"


def test_confidence_gate_pays_on_the_lower_bound(lead, worked_example_goals):
    # given the same plan with the confidence gate on
    nps, csat = worked_example_goals
    plan = make_plan(
        actor=lead,
        components=[(nps, 60, NPS_CURVE), (csat, 40, CSAT_CURVE)],
        confidence_gate=True,
    )
    # when
    result = plan_attainment(plan=plan, as_of=END)
    # then each component is paid on the lower 95% bound, so the plan pays less than 95%
    nps_low, csat_low = metrics.nps(50, 30, 20).low, metrics.csat(85, 100).low
    by_goal = {c["goal_id"]: c for c in result["components"]}
    assert by_goal[nps.pk]["paid_on"] == pytest.approx(nps_low)
    assert by_goal[nps.pk]["payout_pct"] == pytest.approx(PayoutCurve(*NPS_CURVE).payout(nps_low))
    assert by_goal[csat.pk]["paid_on"] == pytest.approx(csat_low)
    assert by_goal[csat.pk]["payout_pct"] == pytest.approx(
        PayoutCurve(*CSAT_CURVE).payout(csat_low)
    )
    assert result["total_pct"] < 95.0
    assert result["projected_pct"] == pytest.approx(result["total_pct"])


def test_below_the_minimum_n_a_component_is_pending_never_0_or_100(lead, worked_example_goals):
    # given a plan requiring 101 answers per component (each goal has 100)
    nps, csat = worked_example_goals
    plan = make_plan(
        actor=lead, components=[(nps, 60, NPS_CURVE), (csat, 40, CSAT_CURVE)], min_n=101
    )
    # when
    result = plan_attainment(plan=plan, as_of=END)
    # then
    for component in result["components"]:
        assert component["status"] == "pending"
        assert component["paid_on"] is None
        assert component["payout_pct"] is None
        assert component["contribution"] is None
    assert result["pending"] == 2
    assert result["total_pct"] is None
    assert result["paid_pct"] == 0.0
    assert result["projected_pct"] == pytest.approx(95.0)  # on the point values


def test_a_component_without_any_data_is_pending_with_no_projection(lead):
    # given a goal with no answers at all
    goal = make_goal(actor=lead)
    plan = make_plan(actor=lead, components=[(goal, 100, NPS_CURVE)])
    # when
    result = plan_attainment(plan=plan, as_of=END)
    # then
    assert result["components"][0]["status"] == "pending"
    assert result["components"][0]["n"] == 0
    assert result["total_pct"] is None
    assert result["projected_pct"] is None


def test_components_are_measured_over_the_plan_period_up_to_as_of(lead, worked_example_goals):
    # given answers on 5 January only, and a plan starting after them
    nps, _ = worked_example_goals
    plan = make_plan(
        actor=lead,
        components=[(nps, 100, NPS_CURVE)],
        period_start=MID,
        period_end=END,
    )
    # when
    result = plan_attainment(plan=plan, as_of=END)
    # then nothing of the plan's period has data yet
    assert result["components"][0]["n"] == 0
    assert result["components"][0]["window"] == {"start": MID, "end": END}


def test_plans_overview_lists_started_plans(lead, worked_example_goals):
    # given a plan for January
    nps, _ = worked_example_goals
    make_plan(actor=lead, components=[(nps, 100, NPS_CURVE)])
    # when / then
    assert len(plans_overview(as_of=MID)) == 1
    assert plans_overview(as_of=MID - timedelta(days=60)) == []


def test_plans_measured_together_equal_plans_measured_one_by_one(
    lead, worked_example_goals, django_assert_num_queries
):
    # given the worked example's plan, gated, short of n, started half way, on a goal without
    # data, not started yet, and closed
    nps, csat = worked_example_goals
    empty = make_goal(actor=lead, name="CES goal", metric="ces", baseline=3, target=5)
    both = [(nps, 60, NPS_CURVE), (csat, 40, CSAT_CURVE)]
    make_plan(actor=lead, name="worked", components=both)
    make_plan(actor=lead, name="gated", components=both, confidence_gate=True)
    make_plan(actor=lead, name="short of n", components=both, min_n=101)
    make_plan(actor=lead, name="half way", components=both, period_start=MID)
    make_plan(actor=lead, name="no data", components=[(nps, 50, NPS_CURVE), (empty, 50, (3, 5, 6))])
    february = make_goal(
        actor=lead, name="February NPS", start=date(2025, 2, 1), end=date(2025, 2, 28)
    )
    make_plan(
        actor=lead,
        name="February",
        components=[(february, 100, NPS_CURVE)],
        period_start=date(2025, 2, 1),
        period_end=date(2025, 2, 28),
    )
    closed = make_plan(actor=lead, name="closed", components=both)
    goal_services.close_period(plan=closed, actor=make_user("boss", role="admin"))
    plans = list(plans_queryset().order_by("pk"))

    for as_of in (MID, END):
        # when they are measured together: one rollup query, the statement read with the plans
        with django_assert_num_queries(1):
            together = plans_attainment(plans=plans, as_of=as_of)
        # then each is what plan_attainment says of it alone
        assert together == [plan_attainment(plan=p, as_of=as_of, late=False) for p in plans]
    assert [plan["source"] for plan in together] == ["live"] * 6 + ["statement"]
    assert together[0]["total_pct"] == pytest.approx(95.0)
