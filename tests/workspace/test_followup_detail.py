"""One follow-up's page (/followups/<id>): who may read and act, what it shows (the full
masked comment, SLA and times, the rule, linked and earlier responses of the customer, the
source's ticket, the history), its forms with errors next to the fields, and its queries."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cxmetrics.models import FollowUp, RootCause
from cxmetrics.services.personal_data import customer_ref as ref
from tests.workspace.conftest import logged_in, make_followup
from workspace.followups import due_words, source_link

H = timedelta(hours=1)


def cause(name: str = "Slow response") -> RootCause:
    return RootCause.objects.get(name=name)


# --- Words (pure) --------------------------------------------------------------------------

T = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("UTC"))


@pytest.mark.parametrize(
    ("now", "words"),
    [
        (T - 5 * H, "due in 5 h"),
        (T - timedelta(minutes=40), "due in 40 min"),
        (T + 3 * H + timedelta(minutes=20), "overdue by 3 h"),
        (T + 3 * H + timedelta(minutes=40), "overdue by 4 h"),
        (T + 50 * H, "overdue by 2 d 2 h"),
        (T + 72 * H, "overdue by 3 d"),
        (T, "due in 1 min"),
    ],
)
def test_due_words(now, words):
    assert due_words(due_at=T, now=now, status="open", closed_at=None) == words


def test_due_words_of_closed_ones_say_on_time_or_how_late():
    assert due_words(due_at=T, now=T + 9 * H, status="closed", closed_at=T) == "closed on time"
    late = due_words(due_at=T, now=T + 9 * H, status="closed", closed_at=T + 2 * H)
    assert late == "closed 2 h late"


def test_source_links_are_built_only_from_what_is_stored():
    # the Zendesk parser keeps the ticket id, not the account's subdomain: no link
    assert source_link(kind="zendesk", external_id="35436", attributes={"ticket_id": 208}) == {
        "text": "Zendesk ticket 208",
        "href": None,
    }
    stored = {"ticket_id": 208, "zendesk_subdomain": "company"}
    assert source_link(kind="zendesk", external_id="35436", attributes=stored)["href"] == (
        "https://company.zendesk.com/agent/tickets/208"
    )
    forged = {"ticket_id": 208, "zendesk_subdomain": "evil.example/"}
    assert source_link(kind="zendesk", external_id="1", attributes=forged)["href"] is None
    typeform = source_link(
        kind="typeform", external_id="a3a12e:nps_score", attributes={"form_id": "lT4Z3j"}
    )
    assert typeform == {"text": "Typeform response a3a12e of form lT4Z3j", "href": None}
    assert source_link(kind="api", external_id="x", attributes={}) is None


# --- Who -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_permissions_of_the_page_and_its_posts(
    client, lead, billing_lead, executive, integrator, admin, no_publish
):
    followup = make_followup()
    url = f"/followups/{followup.pk}"
    contact = {"action": "change", "status": "contacted", "assignee": "nobody", "note": ""}
    # anonymous: the login page
    assert client.get(url)["Location"].startswith("/accounts/login/")
    assert client.post(url, contact)["Location"].startswith("/accounts/login/")
    # integrator: 403
    logged_in(client, integrator)
    assert client.get(url).status_code == 403 and client.post(url, contact).status_code == 403
    # executive: reads, without forms; a POST is 403
    logged_in(client, executive)
    page = client.get(url)
    assert page.status_code == 200 and "Close the follow-up" not in page.content.decode()
    assert client.post(url, contact).status_code == 403
    # Billing's lead: 404 for reading and acting
    logged_in(client, billing_lead)
    assert client.get(url).status_code == 404 and client.post(url, contact).status_code == 404
    assert FollowUp.objects.get(pk=followup.pk).status == "open"
    assert FollowUp.objects.get(pk=followup.pk).history.count() == 1
    # Support's lead and the admin act
    for user in (lead, admin):
        logged_in(client, user)
        assert client.post(url, contact).status_code == 302
    assert FollowUp.objects.get(pk=followup.pk).status == "contacted"


# --- What it shows -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_shows_the_response_the_rule_the_sla_and_the_times(client, lead, no_publish):
    followup = make_followup(
        comment="Refund missing, write to jane@example.com",
        handled_by="ai_to_human",
        agent_ref="bot-7",
        channel="chat",
    )
    page = logged_in(client, lead).get(f"/followups/{followup.pk}")
    html = page.content.decode()
    assert "Refund missing, write to [email]" in html and "jane@example.com" not in html
    assert "AI escalated to human" in html and "bot-7" in html and "Chat" in html
    assert "NPS detractors (0-6)" in html
    assert page.context["sla_hours"] == 48
    assert page.context["due_words"] == "due in 5 h"
    assert "No later response of this customer was linked to it." in html
    assert "The response carries no customer reference" in html


@pytest.mark.django_db
def test_linked_and_earlier_responses_of_the_customer_newest_first(client, lead, no_publish):
    from tests.followups.conftest import item as response_item
    from tests.followups.conftest import push

    # given a customer whose detractor of 20 days ago opened a follow-up (Billing's), and a
    # detractor of 10 days ago opened Support's, and today's detractor linked to it 2 days later
    now = datetime.now(tz=ZoneInfo("UTC"))
    oldest = make_followup(
        department="billing",
        customer_ref=ref("cust-1"),
        occurred_at=now - timedelta(days=20),
        comment="first complaint",
    )
    current = make_followup(customer_ref=ref("cust-1"), occurred_at=now - timedelta(days=10))
    push(
        response_item(
            customer_ref=ref("cust-1"),
            score=2.0,
            comment="still waiting",
            occurred_at=now - timedelta(days=8),
        ),
        now=now,
    )
    # when Support's lead opens the current one
    page = logged_in(client, lead).get(f"/followups/{current.pk}")
    # then the linked later response is listed, and the earlier follow-up (Billing's: no link)
    (link,) = page.context["links"]
    assert (link["comment"], link["score_words"]) == ("still waiting", "NPS 2")
    (earlier,) = page.context["earlier"]
    assert (earlier["followup_id"], earlier["how"], earlier["visible"]) == (
        oldest.pk,
        "opened",
        False,
    )
    assert earlier["followup_department"] == "Billing" and earlier["comment"] == "first complaint"
    html = page.content.decode()
    assert current.customer_ref not in html  # not even the pseudonymous reference


@pytest.mark.django_db
def test_no_earlier_responses_is_said(client, lead, no_publish):
    followup = make_followup(customer_ref=ref("cust-9"))
    html = logged_in(client, lead).get(f"/followups/{followup.pk}").content.decode()
    assert "No earlier responses of this customer opened or joined a follow-up." in html


@pytest.mark.django_db
def test_a_zendesk_ticket_is_named_without_a_link_when_no_subdomain_is_stored(
    client, lead, no_publish
):
    followup = make_followup(
        slug="zendesk", metric="csat", score=1.0, attributes={"ticket_id": 208}
    )
    html = logged_in(client, lead).get(f"/followups/{followup.pk}").content.decode()
    assert "Zendesk ticket 208" in html and "zendesk.com/agent" not in html


# --- Forms ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_contact_then_close_as_resolved_with_history_by_the_lead(client, lead, no_publish):
    followup = make_followup()
    url = f"/followups/{followup.pk}"
    logged_in(client, lead)
    answer = client.post(
        url, {"action": "change", "status": "contacted", "assignee": lead.pk, "note": "Called."}
    )
    assert answer.status_code == 302
    answer = client.post(url, {"action": "close", "outcome": "resolved", "root_cause": cause().pk})
    assert answer.status_code == 302
    stored = FollowUp.objects.get(pk=followup.pk)
    assert (stored.status, stored.outcome, stored.root_cause, stored.assignee, stored.note) == (
        "closed",
        "resolved",
        cause(),
        lead,
        "Called.",
    )
    assert stored.first_contact_at is not None and stored.closed_at is not None
    page = client.get(url)
    history = page.context["history"]
    assert [(h["who"], h["what"]) for h in history] == [
        (
            "lead",
            "status contacted → closed; outcome none → resolved; root cause none → "
            "Slow response; closed at set",
        ),
        (
            "lead",
            "status open → contacted; assignee none → lead; changed the note; first contact set",
        ),
        ("the pipeline", "opened the follow-up"),
    ]
    assert page.context["due_words"] == "closed on time"
    assert "Reopen" in page.content.decode()


@pytest.mark.django_db
def test_closing_without_a_root_cause_shows_the_error_next_to_the_field(client, lead, no_publish):
    followup = make_followup()
    answer = logged_in(client, lead).post(
        f"/followups/{followup.pk}", {"action": "close", "outcome": "resolved"}
    )
    assert answer.status_code == 400
    assert answer.context["close"].errors == {"root_cause": ["Closing needs a root cause."]}
    html = answer.content.decode()
    assert 'id="id_root_cause_error_1"' in html
    assert FollowUp.objects.get(pk=followup.pk).status == "open"


@pytest.mark.django_db
def test_going_back_a_status_is_refused_next_to_the_status(client, lead, no_publish):
    followup = make_followup()
    FollowUp.objects.filter(pk=followup.pk).update(status="contacted")
    answer = logged_in(client, lead).post(
        f"/followups/{followup.pk}",
        {"action": "change", "status": "open", "assignee": "nobody", "note": ""},
    )
    assert answer.status_code == 400
    assert answer.context["change"].errors["status"] == [
        "A follow-up does not go back from contacted to open; only reopening a closed one."
    ]


@pytest.mark.django_db
def test_reopen_a_closed_one(client, lead, no_publish):
    followup = make_followup()
    FollowUp.objects.filter(pk=followup.pk).update(
        status="closed", outcome="resolved", closed_at=followup.due_at, root_cause=cause()
    )
    answer = logged_in(client, lead).post(f"/followups/{followup.pk}", {"action": "reopen"})
    assert answer.status_code == 302
    stored = FollowUp.objects.get(pk=followup.pk)
    assert (stored.status, stored.outcome, stored.closed_at) == ("open", "", None)
    assert stored.history.latest().history_user == lead


# --- Queries -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("changes", [1, 20])
def test_the_page_costs_the_same_queries_whatever_its_history(
    client, lead, changes, no_publish, django_assert_num_queries
):
    from cxmetrics.services.followups import update_followup

    followup = make_followup(customer_ref=ref("cust-q"))
    make_followup(
        customer_ref=ref("cust-q"), occurred_at=followup.response.occurred_at - timedelta(days=9)
    )
    for i in range(changes):
        update_followup(followup=followup, actor=lead, changes={"note": f"note {i}"})
    logged_in(client, lead)
    client.get(f"/followups/{followup.pk}")
    with django_assert_num_queries(DETAIL_QUERIES + (changes + 1 > 20)):
        page = client.get(f"/followups/{followup.pk}")
    assert len(page.context["history"]) == min(changes + 1, 20)


# session, user, roles, led ids (scope), the follow-up with its response, rule, root cause and
# assignee, the people who may be assigned, the history page, the department names it
# mentions, the customer's earlier responses, led ids and which of those follow-ups the lead
# sees, the linked responses, led ids (may change), the root causes offered; plus the count of
# all changes once the history has more than the 20 shown.
DETAIL_QUERIES = 14
