"""The goal editor's live figures ("Use as baseline", "Update figures" save nothing), the edit
page (/goals/<id>/edit), and who may open the editor's pages. Shared pieces:
kit.py and conftest.py."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages

from cxmetrics.models import Goal, GoalInvitation
from cxmetrics.selectors.dashboards.filters import today
from cxmetrics.services import goals as goal_services
from tests.goals.conftest import store
from tests.workspace.goal_form.kit import Controls, departments, errors_next_to, posted


@pytest.fixture
def recent_nps(org):
    """Last week: 50 promoters, 30 passives, 20 detractors (NPS 30) on web, 40 detractors
    (NPS -100) on chat: NPS over both = 100 * (50 - 60) / 140 = -7.1."""
    day = today() - timedelta(days=7)
    store(scores=[9] * 50 + [7] * 30 + [3] * 20, metric="nps", day=day, channel="web")
    store(scores=[3] * 40, metric="nps", day=day, channel="chat")


def test_the_page_shows_the_figures_and_suggests_the_baseline(login, lead, recent_nps):
    html = login(lead).get("/goals/new").content.decode()

    value = re.search(r'id="figure-value" data-value="([^"]+)"', html).group(1)
    assert float(value) == pytest.approx(-7.142857, abs=1e-5)
    assert '<span id="figure-n">140</span>' in html
    assert re.search(r'name="use_baseline" value="-7.1"', html)
    assert "Use as baseline" in html


def test_use_as_baseline_fills_the_baseline_without_saving(login, lead, recent_nps):
    response = login(lead).post("/goals/new", posted(baseline="", use_baseline="-7.1"))

    assert Controls(response.content.decode()).values["baseline"] == "-7.1"
    assert not Goal.objects.exists()


def test_update_figures_follows_the_fields_as_posted(login, lead, recent_nps):
    """Web only: NPS 30 from 100 answers; rate 100/90 a day over Q4 2026 (92 days) = 102.2,
    about 102 responses."""
    response = login(lead).post("/goals/new", posted(channels=["web"], figures="1"))

    html = response.content.decode()
    assert re.search(r'id="figure-value" data-value="30(\.0)?"', html)
    assert '<span id="figure-n">100</span>' in html
    assert "About 102</span>" in html
    assert "cannot be told from noise with about 102 responses" in html
    assert Controls(html).checked["channels"] == ["web"]
    assert not Goal.objects.exists()


def test_a_wrong_target_leaves_the_figures_standing(login, lead, recent_nps):
    response = login(lead).post("/goals/new", posted(target="150"))

    html = response.content.decode()
    assert errors_next_to(html, "target") == ["Must be between -100 and 100 for NPS."]
    assert '<span id="figure-n">140</span>' in html
    assert '<svg class="cx-noise-strip' in html


def test_the_edit_page_measures_the_goals_own_scope(login, lead, recent_nps):
    # given a goal measured on Billing's responses only (the form does not change that)
    goal = goal_services.create_goal(
        actor=lead,
        name="Billing's NPS",
        metric="nps",
        baseline=0.0,
        target=10.0,
        start=date(2026, 1, 1),
        end=date(2026, 3, 31),
        departments=departments("support"),
        scope_departments=departments("billing"),
    )

    # when its edit page is opened, then saved
    html = login(lead).get(f"/goals/{goal.pk}/edit").content.decode()
    login(lead).post(f"/goals/{goal.pk}/edit", posted(departments=["support"], target="20"))

    # then the figures are Billing's (none; the recent answers are Support's), and the scope stays
    assert 'data-scope-departments="billing"' in html
    assert "No responses in this scope in the last 90 days" in html
    goal.refresh_from_db()
    assert goal.target == 20.0
    assert [d.slug for d in goal.scope_departments.all()] == ["billing"]


def test_a_scope_without_answers_says_so(login, lead, recent_nps):
    response = login(lead).post("/goals/new", posted(channels=["email"], figures="1"))

    assert "No responses in this scope in the last 90 days" in response.content.decode()


# --- editing ---------------------------------------------------------------------------


def test_the_edit_page_shows_the_goal_as_stored(login, lead, support_goal):
    html = login(lead).get(f"/goals/{support_goal.pk}/edit").content.decode()

    controls = Controls(html)
    assert controls.values["name"] == "CSAT to 85"
    assert controls.values["metric"] == "csat"
    assert controls.values["target"] == "85.0"
    assert (controls.values["start"], controls.values["end"]) == ("2026-01-01", "2026-03-31")
    # Product is still invited: it stays wanted
    assert controls.checked["departments"] == ["product", "support"]
    assert "Save goal" in html


def test_a_lead_edits_their_goal_and_invites_billing(login, lead, support_goal):
    # when the owner raises the target and adds Billing
    data = posted(
        name="CSAT to 88",
        metric="csat",
        baseline="80",
        target="88",
        stretch="",
        start="2026-01-01",
        end="2026-03-31",
        departments=["support", "product", "billing"],
    )
    response = login(lead).post(f"/goals/{support_goal.pk}/edit", data)

    # then the goal is changed, Billing invited, Product still waiting (and not told again)
    assert response["Location"] == f"/goals/{support_goal.pk}"
    support_goal.refresh_from_db()
    assert (support_goal.name, support_goal.target) == ("CSAT to 88", 88.0)
    pending = GoalInvitation.objects.filter(status="pending").values_list("department__slug")
    assert sorted(slug for (slug,) in pending) == ["billing", "product"]
    said = [m.message for m in get_messages(response.wsgi_request)]
    assert said == [
        "Goal “CSAT to 88” saved.",
        "Billing has been invited; it takes part once one of its leads accepts.",
    ]


def test_unchecking_an_invited_department_withdraws_its_invitation(login, lead, support_goal):
    data = posted(metric="csat", target="85", stretch="", departments=["support"])

    login(lead).post(f"/goals/{support_goal.pk}/edit", data)

    assert not GoalInvitation.objects.exists()
    assert [d.slug for d in support_goal.departments.all()] == ["support"]


def test_an_edit_error_is_shown_next_to_its_field(login, lead, support_goal):
    response = login(lead).post(
        f"/goals/{support_goal.pk}/edit", posted(metric="csat", target="101")
    )

    assert errors_next_to(response.content.decode(), "target") == [
        "Must be between 0 and 100 for CSAT."
    ]
    support_goal.refresh_from_db()
    assert support_goal.target == 85.0


# --- who may open the pages --------------------------------------------------------------


def test_labels_of_every_control(login, lead):
    html = login(lead).get("/goals/new").content.decode()

    controls = Controls(html)
    for label in (
        "Name",
        "Description",
        "Metric",
        "Baseline",
        "Target",
        "Stretch",
        "Start",
        "End",
        "Minimum responses",
    ):
        assert label in controls.labels
    for legend in ("Channels", "Departments taking part", "Handled by"):
        assert f'<legend class="form-label fs-6">{legend}</legend>' in html
    assert html.count('type="date"') == 2
    assert "None checked means all" in html


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_log_in(client, org, method, support_goal):
    for path in ("/goals/new", f"/goals/{support_goal.pk}/edit"):
        response = getattr(client, method)(path)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={path}"


@pytest.mark.parametrize("role", ["executive", "integrator"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_executives_and_integrators_may_not_write_goals(login, request, role, method, support_goal):
    user = request.getfixturevalue(role)
    for path in ("/goals/new", f"/goals/{support_goal.pk}/edit"):
        response = getattr(login(user), method)(path, posted() if method == "post" else None)
        assert response.status_code == 403
        assert "Only team leads and admins create or change goals" in response.content.decode()
    assert Goal.objects.count() == 1


@pytest.mark.parametrize("someone", ["billing_lead", "product_lead"])
def test_another_lead_may_not_edit_the_goal(login, request, someone, support_goal):
    # Billing takes no part; Product is invited. Neither owns the goal.
    user = request.getfixturevalue(someone)
    client = login(user)

    page = client.get(f"/goals/{support_goal.pk}/edit")
    sent = client.post(f"/goals/{support_goal.pk}/edit", posted(metric="csat", target="90"))

    for response in (page, sent):
        assert response.status_code == 403
        assert "Only the goal&#x27;s owner (lead) or an admin may change it." in (
            response.content.decode()
        )
    support_goal.refresh_from_db()
    assert support_goal.target == 85.0


def test_an_admin_may_edit_any_goal(login, admin_user, support_goal):
    assert login(admin_user).get(f"/goals/{support_goal.pk}/edit").status_code == 200


def test_a_missing_goal_is_not_found(login, lead):
    assert login(lead).get("/goals/999999/edit").status_code == 404
