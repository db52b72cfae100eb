"""Alignment: each department's share of incentive weight on shared goals, and the matrix."""

from __future__ import annotations

import pytest

from cxmetrics.selectors.goals import alignment
from tests.goals.conftest import MID, make_goal, make_plan

CURVE = (20.0, 40.0, 60.0)


def test_alignment_shares_and_matrix(lead, clients):
    # given a shared goal (Support+Product), a Stores-only goal, and three plans
    shared = make_goal(actor=lead, name="Shared NPS")
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
    assert cells["stores"] == {"weight_pct": 60.0, "participant": False}
    assert cells["product"] == {"weight_pct": None, "participant": True}
    assert api.status_code == 200
    assert api.json()["departments"] == [
        {**row, "shared_pct": row["shared_pct"]} for row in result["departments"]
    ]


def test_alignment_only_counts_plans_running_on_the_date(lead):
    # given a January plan
    goal = make_goal(actor=lead)
    make_plan(actor=lead, components=[(goal, 100, CURVE)])
    # when asked about a later date
    result = alignment(as_of=MID.replace(month=6))
    # then
    assert all(row["plans"] == 0 for row in result["departments"])
