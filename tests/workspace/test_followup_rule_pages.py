"""The follow-up rules' pages (/followups/rules/, /new, /<id>/edit) and the root causes'
(/followups/root-causes/): who reads and writes, the services' rules behind the forms, errors
next to the fields."""

from __future__ import annotations

import pytest

from cxmetrics.models import Department, FollowUpRule, RootCause
from tests.workspace.conftest import logged_in

pytestmark = pytest.mark.django_db

RULE = {
    "name": "Support CSAT 1",
    "metric": "csat",
    "score_min": "1",
    "score_max": "1",
    "departments": [],
    "owner_department": "",
    "sla_hours": "24",
    "priority": "high",
    "dedupe_days": "7",
    "active": "on",
}


def support() -> Department:
    return Department.objects.get(slug="support")


def test_anonymous_and_integrators_are_kept_out(client, integrator):
    for url in ("/followups/rules/", "/followups/rules/new", "/followups/root-causes/"):
        assert client.get(url)["Location"].startswith("/accounts/login/")
    logged_in(client, integrator)
    for url in ("/followups/rules/", "/followups/rules/new", "/followups/root-causes/"):
        assert client.get(url).status_code == 403


def test_readers_list_every_rule_and_leads_edit_only_their_departments(client, lead, executive):
    own = FollowUpRule.objects.create(
        name="Support CES", metric="ces", score_min=1, score_max=2, owner_department=support()
    )
    page = logged_in(client, lead).get("/followups/rules/")
    editable = {row["rule"].name for row in page.context["rows"] if row["editable"]}
    assert editable == {"Support CES"}
    assert len(page.context["rows"]) == 5  # the four defaults and Support's
    nps = FollowUpRule.objects.get(name="NPS detractors (0-6)")
    assert client.get(f"/followups/rules/{nps.pk}/edit").status_code == 403
    assert client.get(f"/followups/rules/{own.pk}/edit").status_code == 200
    logged_in(client, executive)
    assert client.get("/followups/rules/").status_code == 200
    assert client.get("/followups/rules/new").status_code == 403
    assert client.post("/followups/rules/new", RULE).status_code == 403
    assert not FollowUpRule.objects.filter(name="Support CSAT 1").exists()


def test_a_lead_creates_a_rule_owned_by_their_department(client, lead):
    answer = logged_in(client, lead).post(
        "/followups/rules/new", {**RULE, "owner_department": support().pk}
    )
    assert answer.status_code == 302
    rule = FollowUpRule.objects.get(name="Support CSAT 1")
    assert (rule.owner_department, rule.sla_hours, rule.priority, rule.created_by) == (
        support(),
        24,
        "high",
        lead,
    )


def test_a_lead_cannot_write_a_rule_over_every_department_said_next_to_the_owner(client, lead):
    answer = logged_in(client, lead).post("/followups/rules/new", RULE)
    assert answer.status_code == 400
    assert answer.context["form"].errors["owner_department"] == [
        "A rule over every department is for admins: name its owner department or the "
        "departments it covers."
    ]


def test_band_errors_in_the_metrics_units_are_next_to_the_fields(client, admin):
    answer = logged_in(client, admin).post(
        "/followups/rules/new", {**RULE, "score_min": "4", "score_max": "9"}
    )
    assert answer.status_code == 400
    assert answer.context["form"].errors == {"score_max": ["Must be between 1 and 5 for csat."]}


def test_an_admin_edits_a_default_rule(client, admin):
    nps = FollowUpRule.objects.get(name="NPS detractors (0-6)")
    form = {**RULE, "name": nps.name, "metric": "nps", "score_min": "0", "score_max": "5"}
    assert logged_in(client, admin).post(f"/followups/rules/{nps.pk}/edit", form).status_code == 302
    nps.refresh_from_db()
    assert (nps.score_max, nps.sla_hours, nps.history.latest().history_user) == (5.0, 24, admin)


def test_root_causes_are_for_admins_who_add_rename_and_deactivate(client, lead, admin):
    logged_in(client, lead)
    assert client.get("/followups/root-causes/").status_code == 403
    assert (
        client.post("/followups/root-causes/", {"action": "add", "new-name": "X"}).status_code
        == 403
    )
    logged_in(client, admin)
    assert (
        client.post(
            "/followups/root-causes/", {"action": "add", "new-name": " Courier "}
        ).status_code
        == 302
    )
    courier = RootCause.objects.get(name="Courier")
    answer = client.post(
        "/followups/root-causes/",
        {"action": "rename", "cause": courier.pk, f"cause-{courier.pk}-name": "Courier delay"},
    )
    assert answer.status_code == 302
    client.post("/followups/root-causes/", {"action": "deactivate", "cause": courier.pk})
    courier.refresh_from_db()
    assert (courier.name, courier.active) == ("Courier delay", False)
    # a duplicate name is refused next to the field
    answer = client.post("/followups/root-causes/", {"action": "add", "new-name": "policy"})
    assert answer.status_code == 400
    assert answer.context["add"].errors == {"name": ["Another root cause has this name."]}
