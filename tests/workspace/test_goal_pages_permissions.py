"""Who may open the goal pages and who may archive, restore, accept and decline: every page
and action for every role, the refusals checked on the state after the request."""

from __future__ import annotations

import pytest

from cxmetrics.models import Goal, GoalInvitation, InvitationStatus
from cxmetrics.services import goals as goal_services
from tests.workspace.conftest import logged_in, make_plan
from tests.workspace.test_goal_pages_list import text

pytestmark = pytest.mark.django_db


def pages(goal):
    return ["/goals/", "/goals/?archived=1", f"/goals/{goal.pk}"]


def actions(goal):
    invitation = goal.invitations.get()
    return [
        f"/goals/{goal.pk}/archive",
        f"/goals/{goal.pk}/restore",
        f"/goals/invitations/{invitation.pk}/accept",
        f"/goals/invitations/{invitation.pk}/decline",
    ]


def state(goal):
    """What the actions could change: archived, taking part, the invitations' answers."""
    goal = Goal.objects.get(pk=goal.pk)
    return (
        goal.archived_at,
        sorted(goal.departments.values_list("slug", flat=True)),
        sorted(goal.invitations.values_list("department__slug", "status", "answered_by")),
    )


# --- Anonymous, integrator, executive -------------------------------------------------------


def test_anonymous_is_sent_to_login_everywhere(client, shared_goal):
    before = state(shared_goal)
    for url in pages(shared_goal):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/accounts/login/?next="), url
    for url in actions(shared_goal):
        response = client.post(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, url
    assert state(shared_goal) == before


def test_an_integrator_is_refused_every_page_and_action(client, integrator, shared_goal):
    before = state(shared_goal)
    client = logged_in(client, integrator)
    for url in pages(shared_goal):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "does not give access to goals" in text(response)
    for url in actions(shared_goal):
        assert client.post(url).status_code == 403, url
    assert state(shared_goal) == before


def test_an_executive_reads_but_every_post_is_refused(client, executive, shared_goal):
    before = state(shared_goal)
    client = logged_in(client, executive)
    for url in pages(shared_goal):
        assert client.get(url).status_code == 200, url
    for url in actions(shared_goal):
        response = client.post(url)
        assert response.status_code == 403, url
        assert "Only team leads and admins" in text(response)
    assert state(shared_goal) == before


def test_actions_are_post_only(client, lead, shared_goal):
    client = logged_in(client, lead)
    for url in actions(shared_goal):
        assert client.get(url).status_code == 405, url
    assert client.post("/goals/").status_code == 405


def test_actions_need_the_csrf_token(lead, shared_goal):
    from django.test import Client

    client = logged_in(Client(enforce_csrf_checks=True), lead)
    assert client.post(f"/goals/{shared_goal.pk}/archive").status_code == 403
    assert Goal.objects.get(pk=shared_goal.pk).archived_at is None


# --- Archive / restore ---------------------------------------------------------------------


def test_the_owner_archives_and_restores(client, lead, shared_goal):
    client = logged_in(client, lead)
    response = client.post(f"/goals/{shared_goal.pk}/archive", follow=True)
    assert response.redirect_chain[-1][0] == f"/goals/{shared_goal.pk}"
    assert Goal.objects.get(pk=shared_goal.pk).is_archived
    assert "is archived" in text(response)
    client.post(f"/goals/{shared_goal.pk}/restore")
    assert not Goal.objects.get(pk=shared_goal.pk).is_archived


def test_a_billing_lead_cannot_archive_supports_goal(client, billing_lead, shared_goal):
    before = state(shared_goal)
    response = logged_in(client, billing_lead).post(f"/goals/{shared_goal.pk}/archive")
    assert response.status_code == 403
    assert "Only the goal's owner (lead) or an admin may change it." in text(response)
    assert state(shared_goal) == before
    assert Goal.objects.get(pk=shared_goal.pk).archived_at is None


def test_an_invited_lead_cannot_archive_either(client, product_lead, shared_goal):
    assert (
        logged_in(client, product_lead).post(f"/goals/{shared_goal.pk}/archive").status_code == 403
    )
    assert Goal.objects.get(pk=shared_goal.pk).archived_at is None


def test_an_admin_archives_any_goal(client, admin, shared_goal):
    logged_in(client, admin).post(f"/goals/{shared_goal.pk}/archive")
    assert Goal.objects.get(pk=shared_goal.pk).is_archived


def test_archiving_an_unknown_goal_is_404(client, lead):
    assert logged_in(client, lead).post("/goals/999999/archive").status_code == 404


# --- Accept / decline ----------------------------------------------------------------------


def test_a_product_lead_accepts_products_invitation(client, product_lead, shared_goal):
    invitation = shared_goal.invitations.get()
    response = logged_in(client, product_lead).post(
        f"/goals/invitations/{invitation.pk}/accept", follow=True
    )
    # then Product takes part, the answer is kept, and the goal's history names who
    assert response.redirect_chain[-1][0] == f"/goals/{shared_goal.pk}"
    assert "Product now takes part in" in text(response)
    goal = Goal.objects.get(pk=shared_goal.pk)
    assert sorted(goal.departments.values_list("slug", flat=True)) == ["product", "support"]
    invitation.refresh_from_db()
    assert (invitation.status, invitation.answered_by) == (InvitationStatus.ACCEPTED, product_lead)
    last = goal.history.order_by("-history_date").first()
    assert last.history_user == product_lead
    assert {d.department.slug for d in last.departments.all()} == {"product", "support"}


def test_a_billing_lead_cannot_accept_products_invitation(client, billing_lead, shared_goal):
    before = state(shared_goal)
    invitation = shared_goal.invitations.get()
    response = logged_in(client, billing_lead).post(f"/goals/invitations/{invitation.pk}/accept")
    assert response.status_code == 403
    assert "Only a team lead of Product or an admin answers this invitation." in text(response)
    assert state(shared_goal) == before
    assert not Goal.objects.get(pk=shared_goal.pk).departments.filter(slug="product").exists()


def test_a_billing_lead_cannot_decline_products_invitation(client, billing_lead, shared_goal):
    before = state(shared_goal)
    invitation = shared_goal.invitations.get()
    response = logged_in(client, billing_lead).post(f"/goals/invitations/{invitation.pk}/decline")
    assert response.status_code == 403
    assert state(shared_goal) == before


def test_the_inviting_lead_cannot_accept_for_product(client, lead, shared_goal):
    invitation = shared_goal.invitations.get()
    assert (
        logged_in(client, lead).post(f"/goals/invitations/{invitation.pk}/accept").status_code
        == 403
    )
    assert GoalInvitation.objects.get(pk=invitation.pk).status == InvitationStatus.PENDING


def test_a_product_lead_declines(client, product_lead, shared_goal):
    invitation = shared_goal.invitations.get()
    response = logged_in(client, product_lead).post(
        f"/goals/invitations/{invitation.pk}/decline", follow=True
    )
    assert response.redirect_chain[-1][0] == "/goals/"
    assert "Product declined" in text(response)
    invitation.refresh_from_db()
    assert (invitation.status, invitation.answered_by) == (InvitationStatus.DECLINED, product_lead)
    assert not Goal.objects.get(pk=shared_goal.pk).departments.filter(slug="product").exists()


def test_an_admin_accepts_for_any_department(client, admin, shared_goal):
    invitation = shared_goal.invitations.get()
    logged_in(client, admin).post(f"/goals/invitations/{invitation.pk}/accept")
    assert Goal.objects.get(pk=shared_goal.pk).departments.filter(slug="product").exists()


def test_accepting_twice_is_a_message_not_an_error(client, product_lead, shared_goal):
    invitation = shared_goal.invitations.get()
    client = logged_in(client, product_lead)
    client.post(f"/goals/invitations/{invitation.pk}/accept")
    response = client.post(f"/goals/invitations/{invitation.pk}/accept", follow=True)
    assert response.status_code == 200
    assert "Product has already accepted this goal." in text(response)


def test_declining_while_a_plan_pays_is_a_message(client, lead, product_lead, shared_goal):
    # given Product accepted and its plan pays on the goal
    invitation = shared_goal.invitations.get()
    goal_services.accept_invitation(invitation=invitation, actor=product_lead)
    make_plan(actor=product_lead, goal=shared_goal, department="product")
    before = state(shared_goal)
    # when Product's lead declines after all
    response = logged_in(client, product_lead).post(
        f"/goals/invitations/{invitation.pk}/decline", follow=True
    )
    # then nothing changes and the page says why
    assert "Product's plan pays on this goal; remove that component first." in text(response)
    assert state(shared_goal) == before


def test_answering_an_unknown_invitation_is_404(client, product_lead):
    assert (
        logged_in(client, product_lead).post("/goals/invitations/999999/accept").status_code == 404
    )
