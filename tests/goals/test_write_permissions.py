"""Every write on goals and plans x role x (own / other department) x (before / after state).

The rule of a write is the rule of a create, applied twice: to the object as stored (may you
touch it at all?) and to the object as it will be after the write (would you be allowed to
create it like that?). `lead` leads Support, `other_lead` leads Billing; each owns the goals
of their department. "before" is the department of the object as stored, "after" the one the
write asks for. A refused write answers 403 (401 anonymous) and leaves the database as it
was: the same rows, and no audit (history) row.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from cxmetrics.models import Goal, IncentivePlan, PayoutStatement, PlanComponent
from tests.goals.conftest import END, START, make_goal, make_plan

ROLES = ("anonymous", "api_key", "integrator", "executive", "lead", "other_lead", "admin")
DEPARTMENTS = ("support", "billing")
LEADS = {"lead": "support", "other_lead": "billing"}
CURVE = {"weight": 100, "threshold": 20, "target": 40, "stretch": 60}


def allowed(role: str, *departments: str) -> bool:
    """Admins always; a team lead when every department involved is the one they lead."""
    if role == "admin":
        return True
    return role in LEADS and all(d == LEADS[role] for d in departments)


def expected(role: str, ok: int, *departments: str) -> int:
    if allowed(role, *departments):
        return ok
    return 401 if role == "anonymous" else 403


@pytest.fixture
def world(lead, other_lead):
    """Per department: a goal its lead owns (no plan pays on it), and an open January plan
    paying on another goal of that department."""
    owners = {"support": lead, "billing": other_lead}
    goals, plans = {}, {}
    for slug, owner in owners.items():
        goals[slug] = make_goal(actor=owner, name=f"{slug} goal", departments=[slug])
        paid = make_goal(actor=owner, name=f"{slug} paid goal", departments=[slug])
        plans[slug] = make_plan(
            actor=owner,
            name=f"{slug} plan",
            department=slug,
            components=[(paid, 100, (20.0, 40.0, 60.0))],
        )
    return {"goal": goals, "plan": plans}


def stored() -> dict:
    """Everything a goal or plan write could touch, audit rows included."""
    return {
        "goals": list(Goal.objects.order_by("pk").values()),
        "goal_departments": list(
            Goal.departments.through.objects.order_by("pk").values_list("goal_id", "department_id")
        ),
        "plans": list(IncentivePlan.objects.order_by("pk").values()),
        "components": list(PlanComponent.objects.order_by("pk").values()),
        "statements": PayoutStatement.objects.count(),
        "history": (
            Goal.history.count(),
            IncentivePlan.history.count(),
            PlanComponent.history.count(),
        ),
    }


def goal_payload(department: str) -> dict:
    return {
        "name": "A goal",
        "metric": "nps",
        "baseline": 20,
        "target": 40,
        "start": str(START),
        "end": str(END),
        "departments": [department],
    }


def plan_payload(department: str, goal_id: int) -> dict:
    return {
        "name": "A plan",
        "department": department,
        "period_start": str(START),
        "period_end": str(END),
        "components": [{"goal": goal_id} | CURVE],
    }


def assert_refusal_changed_nothing(response, code: int, before: dict) -> None:
    assert response.status_code == code, response.content[:300]
    if code >= 400:
        assert response.json()["detail"], "a refusal says what is not allowed"
        assert stored() == before


def goal_departments(goal_id: int) -> list[str]:
    return sorted(Goal.objects.get(pk=goal_id).departments.values_list("slug", flat=True))


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


# --- The hole of issue #11 and the messages ------------------------------------------------------


def test_a_lead_cannot_move_their_goal_out_of_the_departments_they_lead(clients, world):
    # given a goal the Support lead created for Support
    lead = clients("lead")
    created = lead.post("/api/v1/goals", goal_payload("support"), format="json")
    assert created.status_code == 201
    goal_id = created.json()["id"]
    before = stored()
    # when they hand it to Billing alone (creating that goal directly is refused)
    response = lead.patch(f"/api/v1/goals/{goal_id}", {"departments": ["billing"]}, format="json")
    # then
    assert response.status_code == 403
    assert response.json()["detail"] == "You lead support; billing is not one of your departments."
    assert stored() == before
    assert goal_departments(goal_id) == ["support"]


def test_a_lead_may_share_their_goal_with_another_department(clients, world):
    # given Support's goal
    goal = world["goal"]["support"]
    # when Billing joins it (Support still takes part: the create rule allows that)
    body = {"departments": ["support", "billing"]}
    response = clients("lead").patch(f"/api/v1/goals/{goal.pk}", body, format="json")
    # then
    assert response.status_code == 200
    assert goal_departments(goal.pk) == ["billing", "support"]


def test_messages_name_what_is_not_allowed(clients, world):
    # when
    goal = world["goal"]["billing"]
    plan = world["plan"]["support"]
    not_owner = clients("lead").patch(f"/api/v1/goals/{goal.pk}", {"target": 45}, format="json")
    by_exec = clients("executive").post("/api/v1/goals", goal_payload("support"), format="json")
    moved = clients("lead").patch(
        f"/api/v1/incentive-plans/{plan.pk}", {"department": "billing"}, format="json"
    )
    other_plan = clients("other_lead").post(f"/api/v1/incentive-plans/{plan.pk}/close")
    # then
    assert not_owner.json()["detail"] == (
        "Only the goal's owner (billing_lead) or an admin may change it."
    )
    assert by_exec.json()["detail"] == "Only team leads and admins create or change goals."
    assert moved.json()["detail"] == "You lead support; billing is not one of your departments."
    assert other_plan.json()["detail"] == (
        "You lead billing; support is not one of your departments."
    )


def test_a_write_to_what_you_may_not_touch_is_refused_before_its_fields_are_read(clients, world):
    # when Support's lead sends a bad target to Billing's goal and plan
    goal, plan = world["goal"]["billing"], world["plan"]["billing"]
    to_goal = clients("lead").patch(f"/api/v1/goals/{goal.pk}", {"target": "x"}, format="json")
    to_plan = clients("lead").patch(
        f"/api/v1/incentive-plans/{plan.pk}", {"min_n": 0}, format="json"
    )
    # then 403, not a 400 describing another department's object
    assert (to_goal.status_code, to_plan.status_code) == (403, 403)
    # and the object as it will be is judged after its field errors: a 400 first
    own = world["goal"]["support"]
    body = {"departments": ["billing"], "target": 500}
    bad = clients("lead").patch(f"/api/v1/goals/{own.pk}", body, format="json")
    assert bad.status_code == 400
    assert list(bad.json()) == ["target"]


def test_a_lead_who_no_longer_leads_the_goals_department_cannot_change_it(clients, world, lead):
    # given Support's goal, and its owner no longer leads Support
    goal = world["goal"]["support"]
    lead.led_departments.clear()
    before = stored()
    # when
    response = clients("lead").patch(f"/api/v1/goals/{goal.pk}", {"target": 45}, format="json")
    # then the goal as it would be is not one they could create
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "You lead no department; support is not one of your departments."
    )
    assert stored() == before


def test_the_admin_is_for_admins_only(client, world, lead):
    # given Support's lead is staff with every goal and plan permission in Django's admin
    from django.contrib.auth.models import Permission

    lead.is_staff = True
    lead.save()
    lead.user_permissions.set(
        Permission.objects.filter(
            content_type__model__in=["goal", "incentiveplan", "plancomponent"]
        )
    )
    lead = User.objects.get(pk=lead.pk)
    client.force_login(lead)
    goal = world["goal"]["support"]
    before = stored()
    # when they open and post the goal form in the admin
    listing = client.get("/admin/cxmetrics/goal/")
    change = client.post(f"/admin/cxmetrics/goal/{goal.pk}/change/", {"name": "Mine"})
    plans = client.get("/admin/cxmetrics/incentiveplan/")
    # then
    assert (listing.status_code, change.status_code, plans.status_code) == (403, 403, 403)
    assert stored() == before


# --- The services decide, so a form view gets the same answers as the API -------------------------


def test_the_goal_service_refuses_what_the_api_refuses(world, lead):
    # given Support's goal, and a caller that is not the API (a form view, a script)
    from cxmetrics.models import Department
    from cxmetrics.services import goals as goal_services

    goal = world["goal"]["support"]
    billing = Department.objects.get(slug="billing")
    before = stored()
    # when its owner turns it into a Billing goal through the service
    with pytest.raises(goal_services.NotAllowed) as refused:
        goal_services.update_goal(goal=goal, actor=lead, departments=[billing])
    with pytest.raises(goal_services.NotAllowed):
        goal_services.create_goal(
            actor=lead,
            name="Billing CES",
            metric="ces",
            baseline=4,
            target=5,
            start=START,
            end=END,
            departments=[billing],
        )
    # then
    assert str(refused.value) == "You lead support; billing is not one of your departments."
    assert stored() == before


def test_the_plan_service_refuses_what_the_api_refuses(world, lead, other_lead):
    # given
    from cxmetrics.models import Department
    from cxmetrics.services import goals as goal_services

    support_plan, billing_plan = world["plan"]["support"], world["plan"]["billing"]
    billing = Department.objects.get(slug="billing")
    before = stored()
    # when / then
    with pytest.raises(goal_services.NotAllowed):
        goal_services.update_plan(plan=support_plan, actor=lead, department=billing)
    with pytest.raises(goal_services.NotAllowed):
        goal_services.update_plan(plan=billing_plan, actor=lead, name="Ours now")
    with pytest.raises(goal_services.NotAllowed):
        goal_services.close_period(plan=billing_plan, actor=lead)
    with pytest.raises(goal_services.NotAllowed):
        goal_services.delete_plan(plan=billing_plan, actor=lead)
    with pytest.raises(goal_services.NotAllowed):
        goal_services.delete_goal(goal=world["goal"]["billing"], actor=lead)
    assert stored() == before


# --- Every write under /api/v1/ is in this file ---------------------------------------------------

WRITE_METHODS = ("post", "put", "patch", "delete")
# The writes people make, each covered by a matrix above.
PEOPLE_WRITES = {
    ("goals", "post"),
    ("goals/{id}", "put"),
    ("goals/{id}", "patch"),
    ("goals/{id}", "delete"),
    ("incentive-plans", "post"),
    ("incentive-plans/{id}", "put"),
    ("incentive-plans/{id}", "patch"),
    ("incentive-plans/{id}", "delete"),
    ("incentive-plans/{id}/close", "post"),
}
# The writes only API keys make (data pushed for their own source).
API_KEY_WRITES = {
    ("responses", "post"),
    ("ingest/delighted", "post"),
    ("ingest/zendesk", "post"),
    ("ingest/typeform", "post"),
    ("ingest/qualtrics", "post"),
}
# A person's own tokens: issue from a session, revoke with a token (tests/api/test_tokens.py).
OWN_TOKEN_WRITES = {
    ("auth/token", "post"),
    ("auth/logout", "post"),
    ("auth/logoutall", "post"),
}
# Admin-only writes, each with its own role matrix elsewhere.
ADMIN_WRITES = {
    ("privacy/erase", "post"),  # tests/privacy/test_erase_api.py::test_only_admins_may_erase
}


def api_writes() -> set[tuple[str, str]]:
    """(route, method) of every write method routed under /api/v1/."""
    import re

    from django.urls import URLResolver, get_resolver

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            else:
                yield prefix + str(p.pattern), p.callback

    found = set()
    for route, callback in walk(get_resolver().url_patterns):
        if not route.startswith("api/v1/"):
            continue
        route = re.sub(r"\(\?P<pk>[^)]*\)", "{id}", route[len("api/v1/") :]).strip("^$")
        actions = getattr(callback, "actions", None)
        view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        methods = actions.keys() if actions else [m for m in WRITE_METHODS if hasattr(view, m)]
        found |= {(route, m) for m in methods if m in WRITE_METHODS}
    return found


def test_every_write_endpoint_is_covered_here():
    # A new write endpoint must join PEOPLE_WRITES (and get a matrix), API_KEY_WRITES,
    # OWN_TOKEN_WRITES or ADMIN_WRITES (with tests of its own).
    assert api_writes() == PEOPLE_WRITES | API_KEY_WRITES | OWN_TOKEN_WRITES | ADMIN_WRITES


@pytest.mark.parametrize("route", sorted(r for r, _ in API_KEY_WRITES))
@pytest.mark.parametrize("role", ("lead", "admin", "executive", "integrator"))
def test_people_cannot_push_data(clients, world, role, route):
    # given
    from cxmetrics.models import Response as CxResponse

    # when a person (not an API key) posts to an ingest endpoint
    response = clients(role).post(f"/api/v1/{route}", {}, format="json")
    # then
    assert response.status_code == 403, response.content[:200]
    assert CxResponse.objects.count() == 0
