"""The goal editor's new-goal page (/goals/new): what a lead types is saved through the goal
services, errors appear next to their fields with the typed value kept, and the presets only
re-render. Shared pieces: kit.py and conftest.py; the figures, editing and who may
open the pages: test_figures_and_edit.py."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.messages import get_messages

from cxmetrics import periods
from cxmetrics.models import Goal, GoalInvitation
from cxmetrics.selectors.dashboards.filters import today
from tests.workspace.goal_form.kit import NAME, Controls, errors_next_to, posted

# --- creating a goal -----------------------------------------------------------------------


def test_a_lead_creates_a_shared_goal_and_product_is_invited(login, lead):
    # when Support's lead saves the form with Support and Product
    response = login(lead).post("/goals/new", posted())

    # then the goal is saved with what was typed, owned by the lead
    goal = Goal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/goals/{goal.pk}"
    assert (goal.name, goal.description, goal.metric) == (
        NAME,
        "Shared by Support and Product.",
        "nps",
    )
    assert (goal.baseline, goal.target, goal.stretch, goal.min_n) == (30.0, 45.0, 50.0, 30)
    assert (goal.start, goal.end) == (date(2026, 10, 1), date(2026, 12, 31))
    assert goal.owner == lead
    # across all channels, whoever handled it
    assert list(goal.scope_channels.all()) == []
    assert goal.scope_handled_by == []
    # and Support takes part at once, Product is invited
    assert [d.slug for d in goal.departments.all()] == ["support"]
    invitation = GoalInvitation.objects.get()
    assert (invitation.department.slug, invitation.status) == ("product", "pending")
    assert invitation.invited_by == lead
    # and the lead is told so
    said = [m.message for m in get_messages(response.wsgi_request)]
    assert said == [
        f"Goal “{NAME}” saved.",
        "Product has been invited; it takes part once one of its leads accepts.",
    ]


def test_the_scope_is_saved_as_checked(login, lead):
    login(lead).post(
        "/goals/new",
        posted(
            channels=["chat", "web"],
            handled_by=["ai", "ai_to_human"],
            stretch="",
            departments=["support"],
        ),
    )

    goal = Goal.objects.get()
    assert sorted(c.slug for c in goal.scope_channels.all()) == ["chat", "web"]
    assert goal.scope_handled_by == ["ai", "ai_to_human"]
    assert goal.stretch is None
    assert not GoalInvitation.objects.exists()


def test_the_audit_history_names_the_lead(login, lead):
    login(lead).post("/goals/new", posted())

    assert Goal.objects.get().history.get().history_user == lead


def test_an_admin_commits_every_department_at_once(login, admin_user):
    login(admin_user).post("/goals/new", posted())

    goal = Goal.objects.get()
    assert sorted(d.slug for d in goal.departments.all()) == ["product", "support"]
    assert not GoalInvitation.objects.exists()


# --- errors next to their fields -------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message", "kept"),
    [
        ({"target": "150"}, "target", "Must be between -100 and 100 for NPS.", "150"),
        ({"metric": "csat", "target": "-5"}, "target", "Must be between 0 and 100 for CSAT.", "-5"),
        ({"end": "2026-09-30"}, "end", "Must be on or after the start.", "2026-09-30"),
        ({"stretch": "40"}, "stretch", "Must be at or above the target.", "40"),
        ({"baseline": "about 30"}, "baseline", "Type a number, such as 45 or 4.5.", "about 30"),
        ({"baseline": ""}, "baseline", "A number is required.", ""),
        ({"start": ""}, "start", "A date is required.", ""),
        ({"name": "  "}, "name", "A name is required.", "  "),
        ({"min_n": "0"}, "min_n", "Must be a whole number between 1 and 1000000.", "0"),
    ],
)
def test_a_wrong_value_is_shown_next_to_its_field_and_kept(
    login, lead, changes, field, message, kept
):
    # when
    response = login(lead).post("/goals/new", posted(**changes))

    # then nothing is saved, the page comes back with the message next to the field
    assert response.status_code == 200
    assert not Goal.objects.exists()
    html = response.content.decode()
    assert errors_next_to(html, field) == [message]
    # and what the lead typed is still there, as are the other fields
    controls = Controls(html)
    assert controls.values[field] == kept
    assert controls.values["name"] == changes.get("name", NAME)
    assert controls.checked["departments"] == ["product", "support"]


def test_no_department_is_an_error_next_to_the_departments(login, lead):
    response = login(lead).post("/goals/new", posted(departments=None))

    html = response.content.decode()
    assert errors_next_to(html, "departments") == [
        "At least one participating department is required."
    ]
    assert Controls(html).values["target"] == "45"
    assert not Goal.objects.exists()


def test_several_errors_are_shown_at_once(login, lead):
    response = login(lead).post(
        "/goals/new", posted(target="150", end="2026-01-01", departments=None)
    )

    html = response.content.decode()
    assert errors_next_to(html, "target") == ["Must be between -100 and 100 for NPS."]
    assert errors_next_to(html, "end") == ["Must be on or after the start."]
    assert errors_next_to(html, "departments") != []


def test_only_departments_the_lead_does_not_lead_is_an_error_on_the_departments(login, lead):
    # Support's lead wants a goal of Product alone: the lead must commit one of their own
    response = login(lead).post("/goals/new", posted(departments=["product"]))

    assert response.status_code == 200
    html = response.content.decode()
    assert errors_next_to(html, "departments") == [
        "You lead support; product is not one of your departments."
    ]
    assert not Goal.objects.exists()
    assert not GoalInvitation.objects.exists()


# --- buttons that re-render without saving ---------------------------------------------


def test_a_preset_fills_start_and_end_without_saving(login, lead):
    # given a half-filled form (no name yet)
    data = posted(name="", start="", end="", preset="this_quarter")

    # when "This quarter" is pressed
    response = login(lead).post("/goals/new", data)

    # then the dates are this quarter's and nothing is saved or complained about
    quarter = periods.preset("this_quarter", today())
    controls = Controls(response.content.decode())
    assert response.status_code == 200
    assert (controls.values["start"], controls.values["end"]) == (
        quarter.start.isoformat(),
        quarter.end.isoformat(),
    )
    assert controls.values["target"] == "45"
    assert controls.checked["departments"] == ["product", "support"]
    assert "invalid-feedback" not in response.content.decode()
    assert not Goal.objects.exists()


def test_every_preset_is_a_button_carrying_its_dates(login, lead):
    html = login(lead).get("/goals/new").content.decode()

    for period in periods.presets(today()):
        button = re.search(rf'<button[^>]*name="preset" value="{period.key}"[^>]*>', html)
        assert f'data-start="{period.start.isoformat()}"' in button.group(0)
        assert f'data-end="{period.end.isoformat()}"' in button.group(0)
        assert f">{period.label}</button>" in html
