"""Every write on goals x role x own/other department x before/after state (the world and
the helpers: tests/goals/write_matrix.py)."""

from __future__ import annotations

import pytest

from cxmetrics.models import Goal
from tests.goals.write_matrix import (
    DEPARTMENTS,
    ROLES,
    assert_refusal_changed_nothing,
    expected,
    goal_departments,
    goal_payload,
    stored,
)

# --- Goals -------------------------------------------------------------------------------------


@pytest.mark.parametrize("after", DEPARTMENTS)
@pytest.mark.parametrize("role", ROLES)
def test_create_goal(clients, world, role, after):
    # given
    before = stored()
    # when a goal in which only `after` takes part is created
    response = clients(role).post("/api/v1/goals", goal_payload(after), format="json")
    # then
    code = expected(role, 201, after)
    assert_refusal_changed_nothing(response, code, before)
    if code == 201:
        assert goal_departments(response.json()["id"]) == [after]


@pytest.mark.parametrize("method", ("put", "patch"))
@pytest.mark.parametrize("after", DEPARTMENTS)
@pytest.mark.parametrize("before_dept", DEPARTMENTS)
@pytest.mark.parametrize("role", ROLES)
def test_change_goal_departments(clients, world, role, before_dept, after, method):
    # given the goal of `before_dept` (owned by its lead)
    goal = world["goal"][before_dept]
    before = stored()
    # when its participants become `after` (PATCH) or it is replaced with such a goal (PUT)
    body = goal_payload(after) if method == "put" else {"departments": [after]}
    response = getattr(clients(role), method)(f"/api/v1/goals/{goal.pk}", body, format="json")
    # then both the goal as stored and the goal as it would be must be the caller's
    code = expected(role, 200, before_dept, after)
    assert_refusal_changed_nothing(response, code, before)
    if code == 200:
        assert goal_departments(goal.pk) == [after]


@pytest.mark.parametrize("before_dept", DEPARTMENTS)
@pytest.mark.parametrize("role", ROLES)
def test_change_goal_target(clients, world, role, before_dept):
    # given
    goal = world["goal"][before_dept]
    before = stored()
    # when only the target changes (the departments stay)
    response = clients(role).patch(f"/api/v1/goals/{goal.pk}", {"target": 45}, format="json")
    # then
    code = expected(role, 200, before_dept)
    assert_refusal_changed_nothing(response, code, before)
    if code == 200:
        assert Goal.objects.get(pk=goal.pk).target == 45.0


@pytest.mark.parametrize("before_dept", DEPARTMENTS)
@pytest.mark.parametrize("role", ROLES)
def test_delete_goal(clients, world, role, before_dept):
    # given a goal no plan pays on
    goal = world["goal"][before_dept]
    before = stored()
    # when
    response = clients(role).delete(f"/api/v1/goals/{goal.pk}")
    # then
    code = expected(role, 204, before_dept)
    if code == 204:
        assert response.status_code == 204
        assert not Goal.objects.filter(pk=goal.pk).exists()
    else:
        assert_refusal_changed_nothing(response, code, before)


@pytest.mark.parametrize("new_owner", ("lead", "other_lead"))
@pytest.mark.parametrize("role", ROLES)
def test_change_goal_owner(clients, world, role, new_owner, lead, other_lead):
    # given Support's goal, owned by `lead`
    goal = world["goal"]["support"]
    username = {"lead": lead, "other_lead": other_lead}[new_owner].username
    before = stored()
    # when its owner is set (to the same owner, or to Billing's lead)
    response = clients(role).patch(f"/api/v1/goals/{goal.pk}", {"owner": username}, format="json")
    # then only admins hand a goal to someone else; keeping yourself as owner is fine
    if role == "admin" or (role == "lead" and new_owner == "lead"):
        code = 200
    else:
        code = 401 if role == "anonymous" else 403
    assert_refusal_changed_nothing(response, code, before)
    if code == 200:
        assert Goal.objects.get(pk=goal.pk).owner.username == username
