"""The write rules beyond the matrix: the hole of issue #11, the messages, the services
deciding, the admin, and every write endpoint accounted for."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from tests.goals.conftest import END, START, accept, take_part
from tests.goals.write_matrix import (
    goal_departments,
    goal_payload,
    stored,
)

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
    # when its lead asks Billing to join (Support still takes part: the create rule allows
    # that), and Billing's lead accepts
    body = {"departments": ["support", "billing"]}
    response = clients("lead").patch(f"/api/v1/goals/{goal.pk}", body, format="json")
    invited = goal_departments(goal.pk)
    accept(goal, "billing")
    # then Billing is invited until its lead accepts, and takes part after
    assert response.status_code == 200
    assert (response.json()["departments"], response.json()["invited_departments"]) == (
        ["support"],
        ["billing"],
    )
    assert invited == ["support"]
    assert goal_departments(goal.pk) == ["billing", "support"]


def test_messages_name_what_is_not_allowed(clients, world):
    # when
    goal = world["goal"]["billing"]
    plan = world["plan"]["support"]
    take_part(world["plan"]["support"].components.get().goal, "billing")
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
        "Only admins close a period: closing writes the payout statement, for good."
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
    take_part(support_plan.components.get().goal, "billing")  # so the move is only a role rule
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
    ("goals/{id}/invitations/{department_slug}/accept", "post"),
    ("goals/{id}/invitations/{department_slug}/decline", "post"),
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
# Follow-ups and their rules: people and their source's API keys, with the matrices of
# tests/followups/test_api.py (test_the_permission_matrix, test_rules_for_admins_and_leads...).
FOLLOWUP_WRITES = {
    ("followups/<int:pk>", "patch"),
    ("followup-rules", "post"),
    ("followup-rules/{id}", "patch"),
    ("followup-rules/{id}", "delete"),
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
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)
        actions = getattr(callback, "actions", None)
        view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        methods = actions.keys() if actions else [m for m in WRITE_METHODS if hasattr(view, m)]
        found |= {(route, m) for m in methods if m in WRITE_METHODS}
    return found


def test_every_write_endpoint_is_covered_here():
    # A new write endpoint must join PEOPLE_WRITES (and get a matrix), API_KEY_WRITES,
    # OWN_TOKEN_WRITES, ADMIN_WRITES or FOLLOWUP_WRITES (with tests of its own).
    covered = PEOPLE_WRITES | API_KEY_WRITES | OWN_TOKEN_WRITES | ADMIN_WRITES | FOLLOWUP_WRITES
    assert api_writes() == covered


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
