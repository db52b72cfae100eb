"""Every write on plans x role x own/other department x before/after state (the world and
the helpers: tests/goals/write_matrix.py)."""

from __future__ import annotations

import pytest

from cxmetrics.models import IncentivePlan, PayoutStatement
from cxmetrics.services.goals.access import CLOSE_REFUSED
from tests.goals.conftest import take_part
from tests.goals.write_matrix import (
    CURVE,
    DEPARTMENTS,
    ROLES,
    assert_refusal_changed_nothing,
    expected,
    plan_payload,
    stored,
)

# --- Plans -------------------------------------------------------------------------------------


@pytest.mark.parametrize("after", DEPARTMENTS)
@pytest.mark.parametrize("role", ROLES)
def test_create_plan(clients, world, role, after):
    # given
    before = stored()
    payload = plan_payload(after, world["goal"][after].pk)
    # when
    response = clients(role).post("/api/v1/incentive-plans", payload, format="json")
    # then
    code = expected(role, 201, after)
    assert_refusal_changed_nothing(response, code, before)
    if code == 201:
        assert IncentivePlan.objects.get(pk=response.json()["id"]).department.slug == after


@pytest.mark.parametrize("method", ("put", "patch"))
@pytest.mark.parametrize("after", DEPARTMENTS)
@pytest.mark.parametrize("before_dept", DEPARTMENTS)
@pytest.mark.parametrize("role", ROLES)
def test_move_plan(clients, world, role, before_dept, after, method):
    # given the plan of `before_dept`, paying on a goal `after` has agreed to take part in
    plan = world["plan"][before_dept]
    paid = plan.components.get().goal
    take_part(paid, after)
    paid = paid.pk
    before = stored()
    # when it moves to `after` (PATCH) or is replaced with a plan of `after` (PUT)
    body = plan_payload(after, paid) if method == "put" else {"department": after}
    url = f"/api/v1/incentive-plans/{plan.pk}"
    response = getattr(clients(role), method)(url, body, format="json")
    # then
    code = expected(role, 200, before_dept, after)
    assert_refusal_changed_nothing(response, code, before)
    if code == 200:
        assert IncentivePlan.objects.get(pk=plan.pk).department.slug == after


@pytest.mark.parametrize("goal_dept", DEPARTMENTS)
@pytest.mark.parametrize("before_dept", DEPARTMENTS)
@pytest.mark.parametrize("role", ROLES)
def test_edit_plan_components(clients, world, role, before_dept, goal_dept):
    # given the plan of `before_dept`
    plan = world["plan"][before_dept]
    goal = world["goal"][goal_dept]
    before = stored()
    # when its components are replaced by one paying on a goal of `goal_dept`
    body = {"components": [{"goal": goal.pk} | CURVE]}
    url = f"/api/v1/incentive-plans/{plan.pk}"
    response = clients(role).patch(url, body, format="json")
    # then the plan's department decides who may; and a plan pays only on goals its
    # department takes part in (docs/goals.md): another department's goal is a field error
    code = expected(role, 200 if goal_dept == before_dept else 400, before_dept)
    assert_refusal_changed_nothing(response, code, before)
    if code == 200:
        assert list(plan.components.values_list("goal_id", flat=True)) == [goal.pk]
    if code == 400:
        name = plan.department.name
        assert response.json() == {
            "components": {
                "0": {
                    "goal": [
                        f"{name} does not take part in this goal: a plan pays only on goals "
                        "its department has accepted."
                    ]
                }
            }
        }


def test_a_plan_pays_on_another_departments_goal_once_its_department_takes_part(
    clients, world, other_lead
):
    # given Billing's goal, which Support was invited to
    goal, plan = world["goal"]["billing"], world["plan"]["support"]
    body = {"components": [{"goal": goal.pk} | CURVE]}
    url = f"/api/v1/incentive-plans/{plan.pk}"
    billing = clients("other_lead")
    invited = billing.patch(
        f"/api/v1/goals/{goal.pk}", {"departments": ["billing", "support"]}, format="json"
    )
    assert invited.json()["invited_departments"] == ["support"]
    # when Support's lead makes their plan pay on it before and after accepting
    pending = clients("lead").patch(url, body, format="json")
    take_part(goal, "support")
    accepted = clients("lead").patch(url, body, format="json")
    # then only the accepted participation carries the component
    assert pending.status_code == 400
    assert accepted.status_code == 200, accepted.json()
    assert list(plan.components.values_list("goal_id", flat=True)) == [goal.pk]


@pytest.mark.parametrize("before_dept", DEPARTMENTS)
@pytest.mark.parametrize("role", ROLES)
def test_delete_plan(clients, world, role, before_dept):
    # given
    plan = world["plan"][before_dept]
    before = stored()
    # when
    response = clients(role).delete(f"/api/v1/incentive-plans/{plan.pk}")
    # then
    code = expected(role, 204, before_dept)
    if code == 204:
        assert response.status_code == 204
        assert not IncentivePlan.objects.filter(pk=plan.pk).exists()
    else:
        assert_refusal_changed_nothing(response, code, before)


@pytest.mark.parametrize("before_dept", DEPARTMENTS)
@pytest.mark.parametrize("role", ROLES)
def test_close_plan(clients, world, role, before_dept):
    # given January's plan of `before_dept`, its period over
    plan = world["plan"][before_dept]
    before = stored()
    # when
    response = clients(role).post(f"/api/v1/incentive-plans/{plan.pk}/close")
    # then only admins close a period, even the department's own lead may not (the issue:
    # "Closing a period is a button for admins")
    code = expected(role, 201, before_dept) if role in ("admin", "anonymous") else 403
    assert_refusal_changed_nothing(response, code, before)
    if code == 201:
        assert PayoutStatement.objects.filter(plan=plan).count() == 1
    if role in ("lead", "other_lead"):
        assert response.json()["detail"] == CLOSE_REFUSED
