"""The plan form (/plans/new, /plans/<id>/edit): saved through services.goals.create_plan /
update_plan, every error next to its field, "Add component" without saving, and a plan that
overlaps another plan of its department saved only once that is confirmed."""

# The fixtures are imported from test_plan_fixtures (no conftest of ours): pytest passes
# them by name, so the test arguments 'redefine' the imports.
# ruff: noqa: F811

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from cxmetrics.models import Department, IncentivePlan
from cxmetrics.services import goals as goal_services
from tests.factories import make_user
from tests.goals.conftest import make_goal
from tests.workspace.test_plan_fixtures import (  # noqa: F401 - fixtures
    admin_user,
    billing_lead,
    fast_password_hashing,
    january,
    logged_in,
    support,
    worked_plan,
)

pytestmark = pytest.mark.django_db


def form_data(*, rows, department=None, start="2025-01-01", end="2025-01-31", **plan):
    """The POST of the plan form: plan fields, then the component rows (dicts of goal, weight,
    threshold, target, stretch), as a browser sends them (no confidence gate box ticked)."""
    data = {
        "name": "Support January bonus",
        "department": (department or support()).pk,
        "period_start": start,
        "period_end": end,
        "target_bonus": "5000",
        "currency": "EUR",
        "min_n": "30",
        "components-TOTAL_FORMS": str(len(rows)),
        "components-INITIAL_FORMS": "0",
        "components-MIN_NUM_FORMS": "0",
        "components-MAX_NUM_FORMS": "1000",
    }
    data.update(plan)
    for i, row in enumerate(rows):
        for name, value in row.items():
            data[f"components-{i}-{name}"] = "" if value is None else str(value)
    return data


def row(goal, weight=100, threshold=35, target=45, stretch=50):
    return {
        "goal": goal.pk if goal else "",
        "weight": weight,
        "threshold": threshold,
        "target": target,
        "stretch": stretch,
    }


def error_next_to(html: str, field_id: str) -> list[str]:
    """The error messages _field.html shows right under the control `field_id`."""
    pattern = rf'id="{re.escape(field_id)}_error_\d+">([^<]*)<'
    return re.findall(pattern, html)


def test_a_lead_creates_a_plan_with_a_target_bonus_and_lands_on_its_page(logged_in, lead, january):
    # given
    client = logged_in(lead)
    # when
    response = client.post("/plans/new", form_data(rows=[row(january["nps"])]))
    # then
    plan = IncentivePlan.objects.get(name="Support January bonus")
    assert response.status_code == 302
    assert response["Location"] == f"/plans/{plan.pk}"
    assert (plan.department.slug, plan.period_start, plan.period_end) == (
        "support",
        date(2025, 1, 1),
        date(2025, 1, 31),
    )
    assert (plan.target_bonus, plan.currency, plan.confidence_gate, plan.min_n) == (
        Decimal("5000.00"),
        "EUR",
        False,
        30,
    )
    [component] = plan.components.all()
    assert (component.goal, component.weight) == (january["nps"], 100)
    assert (component.threshold, component.target, component.stretch) == (35.0, 45.0, 50.0)
    assert (component.threshold_payout, component.stretch_payout) == (50.0, 150.0)
    assert plan.history.first().history_user == lead


def test_the_form_has_the_issues_labels_and_a_fieldset_per_component(logged_in, lead, january):
    html = logged_in(lead).get("/plans/new").content.decode()
    for label in ("Name", "Department", "Start", "End", "Target bonus", "Currency"):
        assert re.search(rf"<label[^>]*>{label}</label>", html), label
    assert "<legend" in html and "Component 1</legend>" in html
    for label in ("Goal", "Weight", "Threshold", "Target", "Stretch"):
        assert re.search(rf'<label[^>]*for="id_components-0-\w+">{label}</label>', html), label
    assert '<button type="submit" name="add_component"' in html
    assert ">Save plan</button>" in html
    assert '<option value="EUR" selected>EUR</option>' in html


def test_a_lead_plans_only_for_departments_they_lead_an_admin_for_all(
    logged_in, lead, admin_user, january
):
    def departments(user):
        html = logged_in(user).get("/plans/new").content.decode()
        select = re.search(r'<select name="department".*?</select>', html, re.S).group(0)
        return re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select)

    assert departments(lead) == ["Support"]
    assert departments(admin_user) == list(
        Department.objects.order_by("name").values_list("name", flat=True)
    )


def test_goals_offered_are_the_departments_accepted_and_not_archived(
    logged_in, lead, billing_lead, january
):
    # given: Billing invites Support (pending) to one goal; another Support goal is archived
    goal_services.create_goal(
        actor=billing_lead,
        name="Billing asks Support",
        metric="nps",
        baseline=20.0,
        target=40.0,
        start=date(2025, 1, 1),
        end=date(2025, 1, 31),
        departments=list(Department.objects.filter(slug__in=["billing", "support"])),
    )
    goal_services.archive_goal(
        goal=make_goal(actor=lead, name="Old Support goal", departments=["support"]),
        actor=lead,
    )
    # when
    html = logged_in(lead).get("/plans/new").content.decode()
    # then
    select = re.search(r'<select name="components-0-goal".*?</select>', html, re.S).group(0)
    offered = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select)
    assert offered == ["CSAT to 80", "NPS to 40 by the end of January"]


def test_errors_stand_next_to_their_fields_and_nothing_is_saved(logged_in, lead, january):
    # given: no name, the end before the start; component 2's threshold above its target
    data = form_data(
        rows=[row(january["nps"], weight=60), row(january["csat"], 40, 90, 80, 95)],
        name="",
    )
    # when
    response = logged_in(lead).post("/plans/new", data)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert error_next_to(html, "id_name") == ["This field is required."]
    assert IncentivePlan.objects.count() == 0
    # and once the name is there, the service's own errors come next to their fields
    data["name"] = "Support January bonus"
    data["period_end"] = "2024-12-31"
    html = logged_in(lead).post("/plans/new", data).content.decode()
    assert error_next_to(html, "id_period_end") == ["Must be on or after the period start."]
    assert error_next_to(html, "id_components-1-threshold") == [
        "Threshold (90.0) must be below target (80.0)."
    ]
    assert error_next_to(html, "id_components-0-threshold") == []
    assert IncentivePlan.objects.count() == 0


def test_weights_not_adding_up_to_100_are_said_above_the_components(logged_in, lead, january):
    data = form_data(rows=[row(january["nps"], weight=60), row(january["csat"], weight=30)])
    html = logged_in(lead).post("/plans/new", data).content.decode()
    assert 'id="components-errors">Weights must add up to exactly 100%, got 90%.<' in html
    assert IncentivePlan.objects.count() == 0


def test_a_goal_outside_the_plans_period_is_refused_next_to_that_rows_goal(
    logged_in, lead, january
):
    data = form_data(rows=[row(january["nps"])], start="2025-03-01", end="2025-03-31")
    html = logged_in(lead).post("/plans/new", data).content.decode()
    assert error_next_to(html, "id_components-0-goal") == [
        "The goal runs 2025-01-01 to 2025-01-31, outside the plan."
    ]


def test_a_started_row_needs_all_its_numbers_and_a_blank_row_is_skipped(logged_in, lead, january):
    data = form_data(rows=[row(january["nps"], stretch=None), row(None, None, None, None, None)])
    html = logged_in(lead).post("/plans/new", data).content.decode()
    assert error_next_to(html, "id_components-0-stretch") == ["A number is required."]
    assert error_next_to(html, "id_components-1-goal") == []
    # when the first row is complete the blank second one does not count
    data["components-0-stretch"] = "50"
    assert logged_in(lead).post("/plans/new", data).status_code == 302
    assert IncentivePlan.objects.get().components.count() == 1


def test_add_component_shows_one_more_row_keeps_what_was_typed_and_saves_nothing(
    logged_in, lead, january
):
    # given
    data = form_data(rows=[row(january["nps"], weight=60)], add_component="1", name="")
    # when
    response = logged_in(lead).post("/plans/new", data)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Component 2</legend>" in html and "Component 3</legend>" not in html
    assert 'name="components-0-weight" value="60"' in html
    assert re.search(rf'<option value="{january["nps"].pk}" selected>', html)
    assert 'name="components-TOTAL_FORMS" value="2"' in html
    assert "This field is required." not in html  # not validated: nothing was saved
    assert IncentivePlan.objects.count() == 0


def test_a_removed_row_is_not_saved(logged_in, lead, january):
    data = form_data(rows=[row(january["nps"]), row(january["csat"], weight=40)])
    data["components-1-DELETE"] = "on"
    assert logged_in(lead).post("/plans/new", data).status_code == 302
    assert [c.goal for c in IncentivePlan.objects.get().components.all()] == [january["nps"]]


# --- Overlaps ---------------------------------------------------------------------------------


def test_an_overlapping_plan_is_not_saved_without_confirmation(
    logged_in, lead, january, worked_plan
):
    # given: Support's January plan exists; a new one from January 15 to February 15
    data = form_data(rows=[row(january["nps"])], start="2025-01-15", end="2025-02-15")
    # when
    response = logged_in(lead).post("/plans/new", data)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert IncentivePlan.objects.count() == 1
    assert (
        "Save anyway: I know this plan overlaps Support January plan (2025-01-01 to 2025-01-31)"
        in html
    )
    assert f'name="confirm_overlap" value="{worked_plan.pk}"' in html


def test_an_overlapping_plan_is_saved_once_confirmed(logged_in, lead, january, worked_plan):
    data = form_data(
        rows=[row(january["nps"])],
        start="2025-01-15",
        end="2025-02-15",
        confirm_overlap=str(worked_plan.pk),
    )
    response = logged_in(lead).post("/plans/new", data)
    assert response.status_code == 302
    assert IncentivePlan.objects.filter(name="Support January bonus").exists()


def test_a_confirmation_for_other_plans_than_those_overlapping_now_does_not_count(
    logged_in, lead, january, worked_plan
):
    data = form_data(rows=[row(january["nps"])], confirm_overlap="999")
    assert logged_in(lead).post("/plans/new", data).status_code == 200
    assert IncentivePlan.objects.count() == 1


def test_a_plan_of_another_department_or_period_needs_no_confirmation(
    logged_in, lead, admin_user, january, worked_plan
):
    # given: Support's January plan; Product takes part in the NPS goal too
    february = make_goal(
        actor=lead,
        name="February NPS",
        start=date(2025, 2, 1),
        end=date(2025, 2, 28),
        departments=["support"],
    )
    product = Department.objects.get(slug="product")
    client = logged_in(admin_user)
    # when: Product in January, Support in February
    in_product = client.post(
        "/plans/new", form_data(rows=[row(january["nps"])], department=product)
    )
    in_february = client.post(
        "/plans/new",
        form_data(rows=[row(february)], start="2025-02-01", end="2025-02-28", name="Feb"),
    )
    # then
    assert (in_product.status_code, in_february.status_code) == (302, 302)
    assert IncentivePlan.objects.count() == 3


# --- Editing ----------------------------------------------------------------------------------


def test_editing_shows_the_stored_plan_and_saves_changes_without_overlapping_itself(
    logged_in, lead, january, worked_plan
):
    # given
    client = logged_in(lead)
    html = client.get(f"/plans/{worked_plan.pk}/edit").content.decode()
    assert 'value="Support January plan"' in html
    assert 'name="components-1-weight" value="40"' in html
    # when: the weights move to 50/50
    data = form_data(
        rows=[
            row(january["nps"], 50, 20, 40, 60),
            row(january["csat"], 50, 70, 80, 90),
        ],
        name="Support January plan, revised",
    )
    response = client.post(f"/plans/{worked_plan.pk}/edit", data)
    # then
    assert response.status_code == 302
    worked_plan.refresh_from_db()
    assert worked_plan.name == "Support January plan, revised"
    assert sorted(c.weight for c in worked_plan.components.all()) == [50, 50]


def test_another_departments_lead_may_not_edit_the_plan(logged_in, billing_lead, worked_plan):
    client = logged_in(billing_lead)
    for response in (
        client.get(f"/plans/{worked_plan.pk}/edit"),
        client.post(f"/plans/{worked_plan.pk}/edit", form_data(rows=[], name="Taken over")),
    ):
        assert response.status_code == 403
        assert "billing is not one of your departments" not in response.content.decode()
        assert "support is not one of your departments" in response.content.decode()
    worked_plan.refresh_from_db()
    assert worked_plan.name == "Support January plan"


def test_a_closed_plan_is_not_edited(logged_in, lead, admin_user, worked_plan):
    goal_services.close_period(plan=worked_plan, actor=admin_user)
    response = logged_in(lead).get(f"/plans/{worked_plan.pk}/edit", follow=True)
    assert response.redirect_chain == [(f"/plans/{worked_plan.pk}", 302)]
    assert "its statement never changes" in response.content.decode()


@pytest.mark.parametrize("url", ["/plans/new", "/plans/{id}/edit"])
def test_executives_and_integrators_may_not_open_the_form(
    logged_in, executive, integrator, worked_plan, url
):
    url = url.format(id=worked_plan.pk)
    for user in (executive, integrator):
        assert logged_in(user).get(url).status_code == 403


@pytest.mark.parametrize("url", ["/plans/new", "/plans/{id}/edit"])
def test_anonymous_visitors_are_sent_to_log_in(client, worked_plan, url):
    url = url.format(id=worked_plan.pk)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_lead_of_no_department_gets_a_form_without_departments(logged_in, org):
    html = logged_in(make_user("newlead", role="team_lead")).get("/plans/new").content.decode()
    select = re.search(r'<select name="department".*?</select>', html, re.S).group(0)
    assert re.findall(r'<option value="\d+"', select) == []
