"""Alignment: each department's share of incentive weight on shared goals, and the matrix."""

from __future__ import annotations

import pytest

from cxmetrics.selectors.goals import alignment
from cxmetrics.services import goals as goal_services
from tests.goals.conftest import MID, accept, invite, lead_of, make_goal, make_plan, take_part

CURVE = (20.0, 40.0, 60.0)


def test_alignment_shares_and_matrix(lead, clients):
    # given a goal shared by Support and Product that Stores accepted to take_part, a Stores-only
    # goal, and three plans
    shared = make_goal(actor=lead, name="Shared NPS")
    take_part(shared, "stores")
    stores_only = make_goal(actor=lead, name="Stores NPS", departments=["stores"])
    make_plan(actor=lead, components=[(shared, 100, CURVE)], department="support")
    make_plan(
        actor=lead,
        components=[(shared, 60, CURVE), (stores_only, 40, CURVE)],
        department="stores",
    )
    # when
    result = alignment(as_of=MID)
    api = clients("executive").get(f"/api/v1/alignment?as_of={MID}")
    # then
    rows = {row["department"]: row for row in result["departments"]}
    assert rows["support"]["shared_pct"] == pytest.approx(100.0)
    assert rows["stores"]["shared_pct"] == pytest.approx(60.0)
    assert rows["billing"]["shared_pct"] is None
    assert [g["name"] for g in result["shared_goals"]] == ["Shared NPS"]
    cells = {row["department"]: row["cells"][str(shared.pk)] for row in result["matrix"]}
    assert cells["stores"] == {"weight_pct": 60.0, "participant": True}
    assert cells["product"] == {"weight_pct": None, "participant": True}
    assert cells["billing"] == {"weight_pct": None, "participant": False}
    assert api.status_code == 200
    assert api.json()["departments"] == [
        {**row, "shared_pct": row["shared_pct"]} for row in result["departments"]
    ]


def test_only_accepted_participation_makes_a_goal_shared(lead):
    # given Support's goal with Product and Billing invited: Product accepts, Billing has not
    # answered; and a second Support goal that Billing declined
    goal = make_goal(actor=lead, name="Support NPS", departments=["support"])
    invite(goal, "product", "billing", actor=lead)
    declined = make_goal(actor=lead, name="Declined NPS", departments=["support"])
    invite(declined, "billing", actor=lead)
    goal_services.decline_invitation(
        invitation=declined.invitations.get(), actor=lead_of("billing")
    )
    make_plan(actor=lead, components=[(goal, 50, CURVE), (declined, 50, CURVE)])
    # when Support's plan pays half on each: nothing is shared yet
    before = alignment(as_of=MID)
    accept(goal, "product")
    after = alignment(as_of=MID)
    # then only once Product accepted is the first goal shared (Support + Product): half of
    # Support's weight; Billing's pending and declined invitations count nowhere
    support = {row["department"]: row for row in before["departments"]}["support"]
    assert (support["shared_weight"], support["shared_pct"]) == (0, 0.0)
    assert before["shared_goals"] == []
    support = {row["department"]: row for row in after["departments"]}["support"]
    assert (support["shared_weight"], support["shared_pct"]) == (50, 50.0)
    assert after["shared_goals"] == [
        {
            "goal_id": goal.pk,
            "name": "Support NPS",
            "metric": "nps",
            "departments": ["product", "support"],
        }
    ]
    cells = {row["department"]: row["cells"] for row in after["matrix"]}
    assert cells["billing"] == {str(goal.pk): {"weight_pct": None, "participant": False}}


def test_alignment_only_counts_plans_running_on_the_date(lead):
    # given a January plan
    goal = make_goal(actor=lead)
    make_plan(actor=lead, components=[(goal, 100, CURVE)])
    # when asked about a later date
    result = alignment(as_of=MID.replace(month=6))
    # then
    assert all(row["plans"] == 0 for row in result["departments"])
