"""Worked examples: each goals figure pinned to a number computed by hand in the comment.

These are the tests that fail when a selector returns a constant (a progress of 42.0, one
status for every goal, a payout or an alignment share that no longer follows the data): every
value below comes from the stored answers through the published formulas, not from calling the
code under test a second time.

The data of every example: 100 NPS answers on 2025-01-05 (50 promoters, 30 passives, 20
detractors) and, where a CSAT goal is involved, 100 CSAT answers the same day (85 answer 4-5).

  NPS  = 100 * (50 - 20) / 100 = 30 points
  var  = p + d - (p - d)^2 = 0.5 + 0.2 - 0.09 = 0.61 (per respondent, proportion scale)
  moe  = Z95 * 100 * sqrt(0.61 / 100) = 1.959964 * 7.810250 = 15.307808
  95%  = [30 - 15.307808, 30 + 15.307808] = [14.692192, 45.307808]
  CSAT = 85 / 100 = 85%

The goal runs 2025-01-01 .. 2025-01-31 (30 days) from baseline 20 to target 40.
"""

from __future__ import annotations

from datetime import date

import pytest

from cxmetrics.models import Department
from cxmetrics.selectors.goals import alignment, goal_history, goal_progress, plan_attainment
from cxmetrics.services import goals as goal_services
from cxmetrics.services.goals import snapshot_goals
from tests.goals.conftest import (
    END,
    MID,
    START,
    csat_85,
    invite,
    make_goal,
    make_plan,
    nps_30,
    take_part,
)

NPS_MOE = 15.307808  # see the module docstring
NPS_LOW, NPS_HIGH = 30.0 - NPS_MOE, 30.0 + NPS_MOE


def test_progress_half_way_through_the_period(lead):
    # given NPS 30 and a goal from 20 to 40
    nps_30()
    goal = make_goal(actor=lead)
    # when, on 2025-01-16: 15 of the period's 30 days have passed
    progress = goal_progress(goal=goal, as_of=MID)
    # then
    # expected     = 20 + 15/30 * (40 - 20) = 30
    # progress_pct = 100 * (30 - 20) / (40 - 20) = 50
    # status       = on_track (value 30 >= expected 30)
    assert progress["value"] == pytest.approx(30.0)
    assert progress["n"] == 100
    assert progress["low"] == pytest.approx(NPS_LOW, abs=1e-6)
    assert progress["high"] == pytest.approx(NPS_HIGH, abs=1e-6)
    assert progress["expected"] == pytest.approx(30.0)
    assert progress["progress_pct"] == pytest.approx(50.0)
    assert progress["status"] == "on_track"
    assert (progress["start"], progress["end"], progress["window_end"]) == (START, END, MID)


def test_progress_of_a_goal_with_another_baseline(lead):
    # given the same NPS 30 and a goal from 10 to 50
    nps_30()
    goal = make_goal(actor=lead, baseline=10.0, target=50.0)
    # when, on the last day
    progress = goal_progress(goal=goal, as_of=END)
    # then
    # expected     = target on the end day = 50
    # progress_pct = 100 * (30 - 10) / (50 - 10) = 50 ... the same share, another span:
    # a mutant dividing by a constant span would give another number for one of the two
    # status       = off_track (value 30 < 50, and the upper bound 45.31 < 50 too)
    assert progress["expected"] == pytest.approx(50.0)
    assert progress["progress_pct"] == pytest.approx(50.0)
    assert progress["status"] == "off_track"
    # and with target 45 the upper bound 45.31 reaches it: at_risk, progress 100*20/35
    at_risk = goal_progress(goal=make_goal(actor=lead, baseline=10.0, target=45.0), as_of=END)
    assert at_risk["status"] == "at_risk"
    assert at_risk["progress_pct"] == pytest.approx(100.0 * 20.0 / 35.0)  # 57.142857


def test_progress_after_the_period_is_met_or_missed(lead):
    # given NPS 30; goals to 30 (met: 30 >= 30) and to 31 (missed)
    nps_30()
    met = make_goal(actor=lead, name="to 30", baseline=20.0, target=30.0)
    missed = make_goal(actor=lead, name="to 31", baseline=20.0, target=31.0)
    after = date(2025, 2, 1)  # the day after the end
    # then: progress_pct 100 * 10/10 = 100 and 100 * 10/11 = 90.909
    assert goal_progress(goal=met, as_of=after)["status"] == "met"
    assert goal_progress(goal=met, as_of=after)["progress_pct"] == pytest.approx(100.0)
    assert goal_progress(goal=missed, as_of=after)["status"] == "missed"
    assert goal_progress(goal=missed, as_of=after)["progress_pct"] == pytest.approx(1000.0 / 11)


def _nps_and_csat_plan(lead):
    """A plan paying 60% on an NPS goal (curve 20/40/60), 40% on a CSAT goal (70/80/90)."""
    nps_goal = make_goal(actor=lead, name="NPS")
    csat_goal = make_goal(actor=lead, name="CSAT", metric="csat", baseline=75.0, target=80.0)
    plan = make_plan(
        actor=lead,
        components=[(nps_goal, 60, (20.0, 40.0, 60.0)), (csat_goal, 40, (70.0, 80.0, 90.0))],
    )
    return plan, nps_goal, csat_goal


def test_plan_payout_and_attainment(lead):
    # given NPS 30 and CSAT 85, and a plan paying 60% on the NPS goal, 40% on the CSAT goal
    nps_30()
    csat_85()
    plan, nps_goal, csat_goal = _nps_and_csat_plan(lead)
    # when
    result = plan_attainment(plan=plan, as_of=END)
    # then
    # NPS  30 on (20, 40, 60):  50 + (30 - 20) / (40 - 20) * (100 - 50) = 75%  -> 60 * 0.75 = 45
    # CSAT 85 on (70, 80, 90): 100 + (85 - 80) / (90 - 80) * (150 - 100) = 125% -> 40 * 1.25 = 50
    # total = 45 + 50 = 95% of target incentive, nothing pending
    by_goal = {c["goal_id"]: c for c in result["components"]}
    nps_c, csat_c = by_goal[nps_goal.pk], by_goal[csat_goal.pk]
    assert nps_c["measured"] == pytest.approx(30.0)
    assert nps_c["paid_on"] == pytest.approx(30.0)
    assert nps_c["payout_pct"] == pytest.approx(75.0)
    assert nps_c["contribution"] == pytest.approx(45.0)
    assert nps_c["low"] == pytest.approx(NPS_LOW, abs=1e-6)
    assert (nps_c["n"], nps_c["weight"], nps_c["status"]) == (100, 60, "paid")
    assert nps_c["projected_payout_pct"] == pytest.approx(75.0)  # the point value, no gate
    # the goal is Support's and Product's: two departments make it shared
    assert (nps_c["goal_name"], nps_c["shared"]) == ("NPS", True)
    assert csat_c["measured"] == pytest.approx(85.0)
    assert csat_c["payout_pct"] == pytest.approx(125.0)
    assert csat_c["contribution"] == pytest.approx(50.0)
    assert (csat_c["n"], csat_c["weight"], csat_c["status"]) == (100, 40, "paid")
    assert result["paid_pct"] == pytest.approx(95.0)
    assert result["total_pct"] == pytest.approx(95.0)
    assert result["projected_pct"] == pytest.approx(95.0)
    assert (result["pending"], result["complete"]) == (0, True)


def test_plan_with_a_pending_component_projects_but_does_not_total(lead):
    # given NPS 30 but no CSAT answers at all
    nps_30()
    plan, _, csat_goal = _nps_and_csat_plan(lead)
    # when
    result = plan_attainment(plan=plan, as_of=END)
    # then the NPS part pays 45 (as above); CSAT is pending with no value, so the total is
    # unknown (None, not 45) and so is the projection
    assert result["paid_pct"] == pytest.approx(45.0)
    assert result["total_pct"] is None
    assert result["projected_pct"] is None
    assert (result["pending"], result["complete"]) == (1, False)
    csat_c = next(c for c in result["components"] if c["goal_id"] == csat_goal.pk)
    assert (csat_c["status"], csat_c["n"], csat_c["payout_pct"]) == ("pending", 0, None)


def test_alignment_worked_example(lead):
    # given a goal shared by Support and Product, which Stores accepted to join and Billing
    # was invited to (no answer yet), a Stores-only goal, and two plans:
    # Support 100 on the shared goal; Stores 70 on the shared goal and 30 on its own
    shared = make_goal(actor=lead, name="Shared NPS")
    take_part(shared, "stores")
    invite(shared, "billing", actor=lead)
    stores_only = make_goal(actor=lead, name="Stores NPS", departments=["stores"])
    curve = (20.0, 40.0, 60.0)
    make_plan(actor=lead, components=[(shared, 100, curve)], department="support")
    make_plan(
        actor=lead,
        components=[(shared, 70, curve), (stores_only, 30, curve)],
        department="stores",
    )
    # when
    result = alignment(as_of=MID)
    # then: shared_pct = shared weight / total weight: Support 100/100, Stores 70/100
    # (departments come ordered by name)
    none = {"plans": 0, "total_weight": 0, "shared_weight": 0, "shared_pct": None}
    assert result["departments"] == [
        {"department": "billing", "name": "Billing", **none},
        {"department": "logistics", "name": "Logistics", **none},
        {"department": "product", "name": "Product", **none},
        {
            "department": "stores",
            "name": "Stores",
            "plans": 1,
            "total_weight": 100,
            "shared_weight": 70,
            "shared_pct": 70.0,
        },
        {
            "department": "support",
            "name": "Support",
            "plans": 1,
            "total_weight": 100,
            "shared_weight": 100,
            "shared_pct": 100.0,
        },
    ]
    assert result["shared_goals"] == [
        {
            "goal_id": shared.pk,
            "name": "Shared NPS",
            "metric": "nps",
            "departments": ["product", "stores", "support"],
        }
    ]
    # matrix cell = department's weight on the goal / its total weight; a pending invitation
    # is no participation
    cells = {row["department"]: row["cells"] for row in result["matrix"]}
    key = str(shared.pk)
    assert cells["stores"] == {key: {"weight_pct": 70.0, "participant": True}}
    assert cells["support"] == {key: {"weight_pct": 100.0, "participant": True}}
    assert cells["product"] == {key: {"weight_pct": None, "participant": True}}
    assert cells["billing"] == {key: {"weight_pct": None, "participant": False}}


def test_history_holds_each_nights_snapshot_oldest_first(lead):
    # given NPS 30, a goal from 20 to 40, snapshots taken on the last day, then half way
    nps_30()
    goal = make_goal(actor=lead)
    snapshot_goals(as_of=END)
    snapshot_goals(as_of=MID)
    # when
    history = goal_history(goal=goal)
    # then oldest first:
    # MID: expected 30, value 30 -> on_track
    # END: expected 40, value 30 < 40 but high 45.31 >= 40 -> at_risk
    assert [(h["as_of"], h["status"], h["n"]) for h in history] == [
        (MID, "on_track", 100),
        (END, "at_risk", 100),
    ]
    assert [h["expected"] for h in history] == [pytest.approx(30.0), pytest.approx(40.0)]
    assert [h["value"] for h in history] == [pytest.approx(30.0), pytest.approx(30.0)]
    assert [h["low"] for h in history] == [pytest.approx(NPS_LOW, abs=1e-6)] * 2
    assert [h["high"] for h in history] == [pytest.approx(NPS_HIGH, abs=1e-6)] * 2


def test_plan_pays_on_the_components_own_payout_percentages(lead):
    # given NPS 30 and CSAT 85 on a plan whose curves pay 20% at threshold and 200% at stretch
    nps_30()
    csat_85()
    nps_goal = make_goal(actor=lead, name="NPS")
    csat_goal = make_goal(actor=lead, name="CSAT", metric="csat", baseline=75.0, target=80.0)
    plan = goal_services.create_plan(
        actor=lead,
        trusted=True,
        name="Steep curves",
        department=Department.objects.get(slug="support"),
        period_start=START,
        period_end=END,
        confidence_gate=False,
        components=[
            goal_services.ComponentIn(nps_goal, 60, 20.0, 40.0, 60.0, 20.0, 200.0),
            goal_services.ComponentIn(csat_goal, 40, 70.0, 80.0, 90.0, 20.0, 200.0),
        ],
    )
    # when
    result = plan_attainment(plan=plan, as_of=END)
    # then
    # NPS  30: 20 + (30 - 20) / (40 - 20) * (100 - 20) = 60%   -> 60 * 0.60 = 36
    # CSAT 85: 100 + (85 - 80) / (90 - 80) * (200 - 100) = 150% -> 40 * 1.50 = 60
    # total = 36 + 60 = 96
    by_goal = {c["goal_id"]: c for c in result["components"]}
    nps_c, csat_c = by_goal[nps_goal.pk], by_goal[csat_goal.pk]
    assert nps_c["payout_pct"] == pytest.approx(60.0)
    assert csat_c["payout_pct"] == pytest.approx(150.0)
    assert result["total_pct"] == pytest.approx(96.0)
    assert nps_c["curve"] == {
        "threshold": 20.0,
        "target": 40.0,
        "stretch": 60.0,
        "threshold_payout": 20.0,
        "stretch_payout": 200.0,
    }
    ids = {c.goal_id: c.pk for c in plan.components.all()}
    assert (nps_c["component_id"], csat_c["component_id"]) == (ids[nps_goal.pk], ids[csat_goal.pk])


def test_progress_on_the_first_day_counts_that_days_answers_and_echoes_the_goal(lead):
    # given NPS 30 answered on the goal's first day
    nps_30(day=START)
    goal = make_goal(actor=lead, stretch=45.0, min_n=50)
    # when, on that same day (0 of 30 days: expected = baseline 20)
    progress = goal_progress(goal=goal, as_of=START)
    # then the day's 100 answers count: 30 >= 20 is on track, progress 100 * 10/20 = 50
    assert (progress["n"], progress["status"]) == (100, "on_track")
    assert progress["value"] == pytest.approx(30.0)
    assert progress["expected"] == pytest.approx(20.0)
    assert progress["progress_pct"] == pytest.approx(50.0)
    # and the goal's own terms are answered as stored
    assert {
        k: progress[k]
        for k in ("goal_id", "as_of", "baseline", "target", "stretch", "min_n", "owner")
    } == {
        "goal_id": goal.pk,
        "as_of": START,
        "baseline": 20.0,
        "target": 40.0,
        "stretch": 45.0,
        "min_n": 50,
        "owner": lead.get_username(),
    }
    assert progress["department_names"] == ["Product", "Support"]
