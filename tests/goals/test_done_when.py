"""The issue's acceptance walk-through, as a new user would try it, through the API."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.goals.conftest import END, START, csat_85, lead_of, nps_30


def test_lead_sets_a_shared_goal_and_a_plan_executive_follows_other_lead_is_refused(clients):
    # given answers: NPS 30 and CSAT 85 in January
    nps_30()
    csat_85()
    lead, executive, other = clients("lead"), clients("executive"), clients("other_lead")

    # when the Support lead creates a shared NPS goal across Support and Product ...
    goal = lead.post(
        "/api/v1/goals",
        {
            "name": "NPS to 40 across all channels",
            "metric": "nps",
            "baseline": 20,
            "target": 40,
            "stretch": 60,
            "start": str(START),
            "end": str(END),
            "departments": ["support", "product"],
        },
        format="json",
    ).json()
    csat = lead.post(
        "/api/v1/goals",
        {
            "name": "CSAT to 80",
            "metric": "csat",
            "baseline": 70,
            "target": 80,
            "start": str(START),
            "end": str(END),
            "departments": ["support"],
        },
        format="json",
    ).json()
    # ... Product is invited, and its lead accepts
    assert (goal["departments"], goal["invited_departments"]) == (["support"], ["product"])
    product = APIClient()
    product.force_login(lead_of("product"))
    accepted = product.post(f"/api/v1/goals/{goal['id']}/invitations/product/accept")
    assert accepted.status_code == 200, accepted.json()
    assert (accepted.json()["departments"], accepted.json()["shared"]) == (
        ["product", "support"],
        True,
    )
    # ... and a plan paying 60% on it
    plan = lead.post(
        "/api/v1/incentive-plans",
        {
            "name": "Support January",
            "department": "support",
            "period_start": str(START),
            "period_end": str(END),
            "confidence_gate": False,
            "components": [
                {"goal": goal["id"], "weight": 60, "threshold": 20, "target": 40, "stretch": 60},
                {"goal": csat["id"], "weight": 40, "threshold": 70, "target": 80, "stretch": 90},
            ],
        },
        format="json",
    )
    assert plan.status_code == 201, plan.json()
    plan_id = plan.json()["id"]

    # then the executive sees progress, attainment and alignment
    progress = executive.get(f"/api/v1/goals/{goal['id']}/progress?as_of=2025-01-16").json()
    assert (progress["status"], progress["n"]) == ("on_track", 100)
    attainment = executive.get(f"/api/v1/incentive-plans/{plan_id}/attainment?as_of={END}").json()
    assert attainment["total_pct"] == pytest.approx(95.0)
    alignment = executive.get("/api/v1/alignment?as_of=2025-01-16").json()
    support = next(r for r in alignment["departments"] if r["department"] == "support")
    assert support["shared_pct"] == pytest.approx(60.0)

    # and another department's lead is refused when editing either
    assert other.patch(f"/api/v1/goals/{goal['id']}", {"target": 10}).status_code == 403
    refused = other.patch(f"/api/v1/incentive-plans/{plan_id}", {"name": "Mine"})
    assert refused.status_code == 403

    # and every change is in the audit trail
    lead.patch(f"/api/v1/goals/{goal['id']}", {"target": 42}, format="json")
    audit = executive.get("/api/v1/audit?limit=200").json()["results"]
    summary = {(e["model"], e["action"]) for e in audit}
    assert summary == {
        ("goal", "created"),
        ("goal", "changed"),
        ("goal_invitation", "created"),
        ("goal_invitation", "changed"),
        ("incentive_plan", "created"),
        ("plan_component", "created"),
    }
    accepting = {e["user"] for e in audit if e["action"] == "changed" and e["id"] != audit[0]["id"]}
    assert accepting == {"product_lead"}
    assert {e["user"] for e in audit} == {"lead", "product_lead"}
    assert audit[0]["changes"] == [{"field": "target", "before": 40.0, "after": 42.0}]
