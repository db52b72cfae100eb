"""Every write on plans x role x own/other department x before/after state (the world and
the helpers: tests/goals/write_matrix.py)."""

from __future__ import annotations

import pytest

from cxmetrics.models import IncentivePlan, PayoutStatement
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
    # given the plan of `before_dept`
    plan = world["plan"][before_dept]
    paid = plan.components.get().goal_id
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
    # then the plan's department decides; a plan may pay on any goal (docs/goals.md)
    code = expected(role, 200, before_dept)
    assert_refusal_changed_nothing(response, code, before)
    if code == 200:
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
    # then
    code = expected(role, 201, before_dept)
    assert_refusal_changed_nothing(response, code, before)
    if code == 201:
        assert PayoutStatement.objects.filter(plan=plan).count() == 1
