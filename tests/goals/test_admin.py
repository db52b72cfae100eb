"""The admin shows goals and plans (with inline components and history); closed is read-only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from cxmetrics.models import IncentivePlan
from cxmetrics.services.goals import close_period
from tests.goals.conftest import END, START, make_goal, make_plan, nps_30


@pytest.fixture
def admin_client(client, org):
    user = User.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(user)
    return client


@pytest.fixture
def plan(lead):
    nps_30()
    goal = make_goal(actor=lead)
    return make_plan(actor=lead, components=[(goal, 100, (20.0, 40.0, 60.0))])


def test_admin_pages_render(admin_client, plan):
    # given a goal and a plan
    goal = plan.components.get().goal
    # when / then
    for url in (
        "/admin/cxmetrics/goal/",
        f"/admin/cxmetrics/goal/{goal.pk}/change/",
        f"/admin/cxmetrics/goal/{goal.pk}/history/",
        "/admin/cxmetrics/incentiveplan/",
        f"/admin/cxmetrics/incentiveplan/{plan.pk}/change/",
        f"/admin/cxmetrics/incentiveplan/{plan.pk}/history/",
        "/admin/cxmetrics/goalsnapshot/",
    ):
        assert admin_client.get(url).status_code == 200, url


def _plan_form(plan, weight: int) -> dict:
    component = plan.components.get()
    prefix = "components"
    return {
        "name": plan.name,
        "department": plan.department_id,
        "period_start": str(START),
        "period_end": str(END),
        "confidence_gate": "on",
        "min_n": 30,
        f"{prefix}-TOTAL_FORMS": 1,
        f"{prefix}-INITIAL_FORMS": 1,
        f"{prefix}-0-id": component.pk,
        f"{prefix}-0-plan": plan.pk,
        f"{prefix}-0-goal": component.goal_id,
        f"{prefix}-0-weight": weight,
        f"{prefix}-0-threshold": 20,
        f"{prefix}-0-target": 40,
        f"{prefix}-0-stretch": 60,
        f"{prefix}-0-threshold_payout": 50,
        f"{prefix}-0-stretch_payout": 150,
    }


def test_admin_refuses_weights_not_summing_to_100(admin_client, plan):
    # when
    response = admin_client.post(
        f"/admin/cxmetrics/incentiveplan/{plan.pk}/change/", _plan_form(plan, 90)
    )
    # then the form is shown again with the error, and nothing changed
    assert response.status_code == 200
    assert b"must add up to exactly 100%" in response.content
    assert plan.components.get().weight == 100


def test_admin_shows_a_closed_plan_read_only(admin_client, plan, admin_user):
    # given
    close_period(plan=plan, actor=admin_user)
    # when
    response = admin_client.post(
        f"/admin/cxmetrics/incentiveplan/{plan.pk}/change/", _plan_form(plan, 100) | {"name": "X"}
    )
    # then
    assert response.status_code == 403
    assert IncentivePlan.objects.get(pk=plan.pk).name == plan.name
    assert (
        admin_client.get(
            f"/admin/cxmetrics/payoutstatement/{plan.statement.pk}/change/"
        ).status_code
        == 200
    )
