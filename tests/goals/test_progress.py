"""goal_progress: measured value over the goal's scope and period, expected value, status."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cxmetrics import metrics
from cxmetrics.incentives import progress_pct
from cxmetrics.models import Channel
from cxmetrics.selectors.goals import goal_progress
from cxmetrics.selectors.goals_batch import goals_overview
from tests.goals.conftest import END, MID, START, make_goal, nps_30, store

NPS_30 = metrics.nps(50, 30, 20)


def test_progress_reads_value_n_and_interval_over_the_period_so_far(lead):
    # given 100 NPS answers (NPS 30) inside the period and 10 promoters after as_of
    nps_30()
    store(scores=[10] * 10, day=MID + timedelta(days=2))
    goal = make_goal(actor=lead)
    # when
    progress = goal_progress(goal=goal, as_of=MID)
    # then only the answers up to as_of count, with the metric's own 95% interval
    assert progress["n"] == 100
    assert progress["value"] == pytest.approx(30.0)
    assert progress["low"] == pytest.approx(NPS_30.low)
    assert progress["high"] == pytest.approx(NPS_30.high)
    assert progress["expected"] == pytest.approx(30.0)  # half way from 20 to 40
    assert progress["shared"] is True
    assert progress["departments"] == ["product", "support"]


def test_progress_follows_the_scope_of_channels_departments_and_handled_by(lead):
    # given NPS 30 on chat by humans, and detractors elsewhere
    nps_30(channel="chat", handled_by="human")
    store(scores=[0] * 40, channel="web")
    store(scores=[0] * 40, channel="chat", handled_by="ai")
    store(scores=[0] * 40, channel="chat", handled_by="human", department="billing")
    goal = make_goal(
        actor=lead,
        scope_channels=[Channel.objects.get(slug="chat")],
        scope_departments=list(lead.led_departments.all()),
        scope_handled_by=["human"],
    )
    # when
    progress = goal_progress(goal=goal, as_of=MID)
    # then
    assert progress["n"] == 100
    assert progress["value"] == pytest.approx(30.0)
    assert progress["scope"] == {
        "channels": ["chat"],
        "departments": ["support"],
        "handled_by": ["human"],
    }


@pytest.mark.parametrize(
    ("target", "status"),
    [
        (40.0, "on_track"),  # expected 30 == value: at the line is on track
        (60.0, "at_risk"),  # expected 40: below, but the upper bound (45.3) reaches it
        (80.0, "off_track"),  # expected 50: even the upper bound is below
    ],
)
def test_status_during_the_period(lead, target, status):
    # given NPS 30 (n=100) and a goal from 20, half way through its period
    nps_30()
    goal = make_goal(actor=lead, target=target)
    # when
    progress = goal_progress(goal=goal, as_of=MID)
    # then
    assert progress["status"] == status


def test_upper_bound_exactly_on_the_expected_value_is_at_risk_and_just_below_is_off_track(lead):
    # given NPS 30 (n=100); a goal from 0 whose expected value half way is exactly its target / 2
    nps_30()
    high = NPS_30.high
    at_boundary = make_goal(actor=lead, baseline=0.0, target=2 * high)
    beyond = make_goal(actor=lead, baseline=0.0, target=2 * high + 0.001)
    # when
    boundary_status = goal_progress(goal=at_boundary, as_of=MID)
    beyond_status = goal_progress(goal=beyond, as_of=MID)
    # then
    assert boundary_status["expected"] == high
    assert boundary_status["status"] == "at_risk"
    assert beyond_status["status"] == "off_track"


@pytest.mark.parametrize(("min_n", "status"), [(101, "not_enough_data"), (100, "on_track")])
def test_minimum_n_boundary(lead, min_n, status):
    # given 100 answers
    nps_30()
    goal = make_goal(actor=lead, min_n=min_n)
    # when / then
    assert goal_progress(goal=goal, as_of=MID)["status"] == status


def test_no_data_and_before_the_start_are_not_enough_data(lead):
    # given a goal with no answers yet, and one evaluated before it starts
    goal = make_goal(actor=lead)
    # when
    empty = goal_progress(goal=goal, as_of=MID)
    early = goal_progress(goal=goal, as_of=START - timedelta(days=1))
    # then
    assert (empty["status"], empty["n"], empty["value"]) == ("not_enough_data", 0, None)
    assert early["status"] == "not_enough_data"
    assert early["expected"] == 20.0


@pytest.mark.parametrize(("target", "status"), [(30.0, "met"), (30.5, "missed")])
def test_after_the_end_a_goal_is_met_or_missed(lead, target, status):
    # given NPS 30 over the whole period
    nps_30()
    goal = make_goal(actor=lead, target=target)
    # when evaluated after the end date
    progress = goal_progress(goal=goal, as_of=END + timedelta(days=10))
    # then the whole period is measured and compared with the target
    assert progress["window_end"] == END
    assert progress["status"] == status


def test_on_the_end_date_the_goal_is_still_tracked_against_the_target(lead):
    # given NPS 30 and a target of 35 whose upper bound is reachable
    nps_30()
    goal = make_goal(actor=lead, target=35.0)
    # when
    progress = goal_progress(goal=goal, as_of=END)
    # then
    assert progress["expected"] == 35.0
    assert progress["status"] == "at_risk"


def test_overview_lists_every_goal_and_nothing_for_integrators(lead, integrator):
    # given two goals
    nps_30()
    make_goal(actor=lead)
    make_goal(actor=lead, name="CSAT", metric="csat", baseline=70, target=80)
    # when
    for_lead = goals_overview(as_of=MID, user=lead)
    for_integrator = goals_overview(as_of=MID, user=integrator)
    only_csat = goals_overview(as_of=MID, metric="csat")
    # then
    assert [p["name"] for p in for_lead] == ["CSAT", "NPS to 40 by the end of January"]
    assert for_integrator == []
    assert [p["metric"] for p in only_csat] == ["csat"]


def test_overview_filters_active_goals(lead):
    # given a January goal
    make_goal(actor=lead)
    # when / then
    assert len(goals_overview(as_of=MID, active=True)) == 1
    assert goals_overview(as_of=date(2025, 3, 1), active=True) == []
    assert len(goals_overview(as_of=date(2025, 3, 1), active=False)) == 1


def test_progress_is_the_share_of_the_way_from_baseline_to_target():
    assert progress_pct(37.5, baseline=30.0, target=45.0) == 50.0
    assert progress_pct(45.0, baseline=30.0, target=45.0) == 100.0
    assert progress_pct(24.0, baseline=30.0, target=45.0) == pytest.approx(-40.0)
    assert progress_pct(None, baseline=30.0, target=45.0) is None
    assert progress_pct(40.0, baseline=45.0, target=45.0) is None  # no way to go
