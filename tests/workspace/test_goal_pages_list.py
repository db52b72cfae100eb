"""/goals/: the goals a person sees, with progress now, and the invitations waiting for them."""

from __future__ import annotations

import html as htmllib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cxmetrics.models import Department
from cxmetrics.services import goals as goal_services
from tests.workspace.conftest import logged_in, make_goal, nps_30

pytestmark = pytest.mark.django_db


def text(response) -> str:
    """The page's text without tags, whitespace squeezed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", html)))


def test_a_lead_sees_their_goal_with_its_progress_now(client, lead, shared_goal):
    # given 100 NPS answers in the goal's period: NPS 30 (interval 14.7 to 45.3)
    nps_30()
    # when
    response = logged_in(client, lead).get("/goals/")
    # then the row reads in words
    assert response.status_code == 200
    page = text(response)
    assert f'href="/goals/{shared_goal.pk}"' in response.content.decode()
    assert "NPS to 40 this month" in page
    assert "30.0 (n = 100, 95% interval 14.7 to 45.3)" in page
    assert "On track" in page  # 30 measured >= 30 expected half way from 20 to 40
    assert "Product (waiting)" in page
    assert "New goal" in page and 'href="/goals/new"' in response.content.decode()


def test_a_goal_without_answers_says_so(client, lead, shared_goal):
    page = text(logged_in(client, lead).get("/goals/"))
    assert "no responses yet" in page
    assert "Not enough data" in page


def test_a_lead_sees_goals_of_departments_they_lead_not_others(
    client, lead, billing_lead, product_lead
):
    # given one goal per lead; Product's lead is invited to Support's goal, not yet taking part
    make_goal(actor=lead, name="Support goal", departments=["support", "product"])
    make_goal(actor=billing_lead, name="Billing goal", departments=["billing"])
    # when / then
    support = text(logged_in(client, lead).get("/goals/"))
    assert "Support goal" in support and "Billing goal" not in support
    product = text(logged_in(client, product_lead).get("/goals/"))
    assert "Billing goal" not in product
    assert product.count("Support goal") == 1  # only as an invitation, not as a goal row


def test_a_lead_sees_a_goal_their_department_takes_part_in_owned_by_someone_else(
    client, admin, billing_lead
):
    # given an admin's goal in which Billing takes part (admins commit any department)
    make_goal(actor=admin, name="Everyone's goal", departments=["billing", "support"])
    page = text(logged_in(client, billing_lead).get("/goals/"))
    assert "Everyone's goal" in page


def test_invitations_waiting_for_a_lead_have_accept_and_decline(client, product_lead, shared_goal):
    response = logged_in(client, product_lead).get("/goals/")
    html = response.content.decode()
    invitation = shared_goal.invitations.get()
    assert "Invitations waiting for you" in html
    assert f'action="/goals/invitations/{invitation.pk}/accept"' in html
    assert f'action="/goals/invitations/{invitation.pk}/decline"' in html
    assert "csrfmiddlewaretoken" in html


def test_a_billing_lead_has_no_invitation_of_product(client, billing_lead, shared_goal):
    html = logged_in(client, billing_lead).get("/goals/").content.decode()
    assert "/accept" not in html
    assert "No invitation is waiting for an answer from you." in html


def test_an_admin_sees_every_goal_and_may_answer_every_invitation(
    client, admin, shared_goal, billing_lead
):
    make_goal(actor=billing_lead, name="Billing goal", departments=["billing"])
    html = logged_in(client, admin).get("/goals/").content.decode()
    assert "Billing goal" in html and "NPS to 40 this month" in html
    assert f"/goals/invitations/{shared_goal.invitations.get().pk}/accept" in html


def test_an_executive_reads_every_goal_without_buttons(client, executive, shared_goal):
    html = logged_in(client, executive).get("/goals/").content.decode()
    assert "NPS to 40 this month" in html
    assert "/accept" not in html and "/decline" not in html
    assert "New goal" not in html and "/goals/new" not in html
    assert "Invitations waiting for you" not in html


def test_archived_goals_are_hidden_unless_asked_for(client, lead, shared_goal):
    goal_services.archive_goal(goal=shared_goal, actor=lead)
    client = logged_in(client, lead)
    assert "NPS to 40 this month" not in text(client.get("/goals/"))
    assert 'href="/goals/?archived=1"' in client.get("/goals/").content.decode()
    shown = text(client.get("/goals/?archived=1"))
    assert "NPS to 40 this month Archived" in shown


def test_declined_departments_are_listed_as_declined(client, lead, product_lead, shared_goal):
    goal_services.decline_invitation(invitation=shared_goal.invitations.get(), actor=product_lead)
    page = text(logged_in(client, lead).get("/goals/"))
    assert "Product (declined)" in page


def test_the_goal_id_is_on_the_list(client, lead, shared_goal):
    html = logged_in(client, lead).get("/goals/").content.decode()
    assert f'<td class="num">{shared_goal.pk}</td>' in html


# --- Query count: one rollup query for all goals, nothing per row --------------------------


def _queries_for(client, goals: int, lead) -> int:
    for index in range(goals):
        make_goal(actor=lead, name=f"Goal {index}", departments=["support", "product", "billing"])
    nps_30()
    client = logged_in(client, lead)
    client.get("/goals/")  # warm the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/goals/")
    assert response.status_code == 200
    assert text(response).count("(n = 100,") == goals
    return len(captured)


@pytest.mark.parametrize("goals", [1, 10])
def test_the_list_costs_the_same_queries_for_one_goal_and_ten(client, lead, goals):
    # session, user, roles; goals: led departments, goals, departments, channels, scope
    # departments, invitations, ONE rollup query; invitations waiting: led departments, them
    assert _queries_for(client, goals, lead) == 12


def test_the_rollup_is_read_once_for_all_goals(client, lead):
    for index in range(3):
        make_goal(actor=lead, name=f"Goal {index}", departments=["support"])
    client = logged_in(client, lead)
    with CaptureQueriesContext(connection) as captured:
        client.get("/goals/")
    rollup_reads = [q for q in captured if "cxmetrics_dailyrollup" in q["sql"]]
    assert len(rollup_reads) == 1


def test_departments_are_named_not_slugged(client, lead, shared_goal):
    Department.objects.filter(slug="support").update(name="Customer Support")
    assert "Customer Support" in text(logged_in(client, lead).get("/goals/"))


def test_an_invitation_says_what_the_goal_asks(client, product_lead, shared_goal):
    page = text(logged_in(client, product_lead).get("/goals/"))
    period = f"{shared_goal.start:%-d %b} – {shared_goal.end:%-d %b %Y}"
    assert f"NPS from 20.0 to 40.0, {period} Product lead" in page


def test_a_row_shows_baseline_and_target(client, lead, shared_goal):
    assert "NPS 20.0 → 40.0" in text(logged_in(client, lead).get("/goals/"))
