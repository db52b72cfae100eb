"""Every role on every goals endpoint.

Executives read everything; team leads edit the goals they own and the plans of departments
they lead (`lead` leads Support, `other_lead` leads Billing); integrators and API keys get
nothing; admins everything; anonymous requests are 401.
"""

from __future__ import annotations

import pytest

from tests.goals.conftest import END, START, make_goal, make_plan, take_part

ROLES = ("anonymous", "api_key", "integrator", "executive", "lead", "other_lead", "admin")
READ = {"anonymous": 401, "api_key": 403, "integrator": 403, "executive": 200}
READ |= {"lead": 200, "other_lead": 200, "admin": 200}


def _expect(ok: int, **overrides: int) -> dict[str, int]:
    """Writers: the owning lead and admins get `ok`; every other role is refused."""
    base = {"anonymous": 401, "api_key": 403, "integrator": 403, "executive": 403}
    return base | {"lead": ok, "other_lead": 403, "admin": ok} | overrides


@pytest.fixture
def world(lead):
    goal = make_goal(actor=lead)
    plan = make_plan(actor=lead, components=[(goal, 100, (20.0, 40.0, 60.0))])
    spare = make_goal(actor=lead, name="Spare goal")
    return {"goal": goal, "plan": plan, "spare": spare}


GOAL_PAYLOAD = {
    "name": "Shared NPS goal",
    "metric": "nps",
    "baseline": 20,
    "target": 40,
    "start": str(START),
    "end": str(END),
    "departments": ["support", "product"],
}


def _plan_payload(goal_id: int, department: str = "support") -> dict:
    return {
        "name": "A plan",
        "department": department,
        "period_start": str(START),
        "period_end": str(END),
        "components": [
            {"goal": goal_id, "weight": 100, "threshold": 20, "target": 40, "stretch": 60}
        ],
    }


READ_ENDPOINTS = [
    "/api/v1/goals",
    "/api/v1/goals/{goal}",
    "/api/v1/goals/{goal}/progress?as_of=2025-01-16",
    "/api/v1/goals/{goal}/history",
    "/api/v1/incentive-plans",
    "/api/v1/incentive-plans/{plan}",
    "/api/v1/incentive-plans/{plan}/attainment?as_of=2025-01-16",
    "/api/v1/alignment",
    "/api/v1/audit",
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", READ_ENDPOINTS)
def test_reads(clients, world, role, endpoint):
    # given
    url = endpoint.format(goal=world["goal"].pk, plan=world["plan"].pk)
    # when
    response = clients(role).get(url)
    # then
    assert response.status_code == READ[role], (url, response.content[:200])


@pytest.mark.parametrize("role", ROLES)
def test_create_goal(clients, world, role):
    # when a goal in which Support and Product participate is created
    response = clients(role).post("/api/v1/goals", GOAL_PAYLOAD, format="json")
    # then the Support lead and admins may; the Billing lead may not
    assert response.status_code == _expect(201)[role], response.content[:200]


@pytest.mark.parametrize("role", ROLES)
def test_update_goal(clients, world, role):
    # when the goal owned by `lead` gets a new target
    url = f"/api/v1/goals/{world['goal'].pk}"
    response = clients(role).patch(url, {"target": 45}, format="json")
    # then
    assert response.status_code == _expect(200)[role], response.content[:200]


@pytest.mark.parametrize("role", ROLES)
def test_replace_goal(clients, world, role):
    # when
    url = f"/api/v1/goals/{world['goal'].pk}"
    response = clients(role).put(url, GOAL_PAYLOAD, format="json")
    # then
    assert response.status_code == _expect(200)[role], response.content[:200]


@pytest.mark.parametrize("role", ROLES)
def test_delete_goal(clients, world, role):
    # when the unused goal is deleted
    response = clients(role).delete(f"/api/v1/goals/{world['spare'].pk}")
    # then
    assert response.status_code == _expect(204)[role], response.content[:200]


@pytest.mark.parametrize("role", ROLES)
def test_create_plan(clients, world, role):
    # when a plan for Support is created
    payload = _plan_payload(world["spare"].pk)
    response = clients(role).post("/api/v1/incentive-plans", payload, format="json")
    # then
    assert response.status_code == _expect(201)[role], response.content[:200]


@pytest.mark.parametrize("role", ROLES)
def test_update_plan(clients, world, role):
    # when the weights and curve of Support's plan change
    payload = {"components": _plan_payload(world["spare"].pk)["components"]}
    url = f"/api/v1/incentive-plans/{world['plan'].pk}"
    response = clients(role).patch(url, payload, format="json")
    # then
    assert response.status_code == _expect(200)[role], response.content[:200]


@pytest.mark.parametrize("role", ROLES)
def test_replace_plan(clients, world, role):
    # when
    url = f"/api/v1/incentive-plans/{world['plan'].pk}"
    response = clients(role).put(url, _plan_payload(world["goal"].pk), format="json")
    # then
    assert response.status_code == _expect(200)[role], response.content[:200]


@pytest.mark.parametrize("role", ROLES)
def test_delete_plan(clients, world, role):
    # when
    response = clients(role).delete(f"/api/v1/incentive-plans/{world['plan'].pk}")
    # then
    assert response.status_code == _expect(204)[role], response.content[:200]


@pytest.mark.parametrize("role", ROLES)
def test_close_plan(clients, world, role):
    # when Support's January plan is closed
    response = clients(role).post(f"/api/v1/incentive-plans/{world['plan'].pk}/close")
    # then admins only: Support's own lead is refused too
    assert response.status_code == _expect(201, lead=403)[role], response.content[:200]


def test_a_lead_cannot_create_a_plan_for_another_department(clients, world):
    # given Billing takes part in the spare goal
    take_part(world["spare"], "billing")
    # when the Support lead creates a plan for Billing paying on it
    payload = _plan_payload(world["spare"].pk, department="billing")
    response = clients("lead").post("/api/v1/incentive-plans", payload, format="json")
    # then
    assert response.status_code == 403


def test_a_lead_cannot_move_a_plan_to_another_department(clients, world):
    # given Billing takes part in the goal Support's plan pays on
    take_part(world["goal"], "billing")
    # when
    url = f"/api/v1/incentive-plans/{world['plan'].pk}"
    response = clients("lead").patch(url, {"department": "billing"}, format="json")
    # then
    assert response.status_code == 403


def test_a_lead_cannot_hand_a_goal_to_someone_else_but_an_admin_can(clients, world, other_lead):
    # when
    url = f"/api/v1/goals/{world['goal'].pk}"
    by_lead = clients("lead").patch(url, {"owner": other_lead.username}, format="json")
    by_admin = clients("admin").patch(url, {"owner": other_lead.username}, format="json")
    # then
    assert by_lead.status_code == 403
    assert by_admin.status_code == 200
    assert by_admin.json()["owner"] == other_lead.username


def test_a_lead_cannot_create_a_goal_owned_by_someone_else(clients, other_lead):
    # when
    payload = GOAL_PAYLOAD | {"owner": other_lead.username}
    response = clients("lead").post("/api/v1/goals", payload, format="json")
    # then
    assert response.status_code == 403
