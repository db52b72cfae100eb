"""The follow-up queue (/followups/): who sees it, its order (overdue first, then priority,
then due time), its filters and pages, the bulk actions (all or nothing, audited with the
actor) and its query count."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cxmetrics.models import FollowUp, RootCause
from tests.workspace.conftest import logged_in, make_followup

pytestmark = pytest.mark.django_db

H = timedelta(hours=1)


def ids_in_order(response) -> list[int]:
    return [row["id"] for row in response.context["rows"]]


# --- Who -----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login_page(client, org):
    for method in (client.get, client.post):
        answer = method("/followups/")
        assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")


def test_integrators_are_refused(client, integrator, no_publish):
    logged_in(client, integrator)
    assert client.get("/followups/").status_code == 403
    assert client.post("/followups/", {"selected": ["1"], "status": "contacted"}).status_code == 403


def test_a_lead_sees_the_follow_ups_of_the_departments_they_lead_only(
    client, lead, billing_lead, no_publish
):
    support = make_followup(department="support")
    billing = make_followup(department="billing")
    assert ids_in_order(logged_in(client, lead).get("/followups/")) == [support.pk]
    assert ids_in_order(logged_in(client, billing_lead).get("/followups/")) == [billing.pk]


def test_executives_read_every_queue_without_boxes_or_actions(client, executive, no_publish):
    support, billing = make_followup(), make_followup(department="billing", due_in=6 * H)
    page = logged_in(client, executive).get("/followups/")
    assert ids_in_order(page) == [support.pk, billing.pk]
    html = page.content.decode()
    assert 'name="selected"' not in html and "With the selected" not in html


def test_an_executive_posting_a_bulk_change_is_refused_and_nothing_changes(
    client, executive, no_publish
):
    followup = make_followup()
    answer = logged_in(client, executive).post(
        "/followups/", {"selected": [followup.pk], "status": "contacted"}
    )
    assert answer.status_code == 403
    assert FollowUp.objects.get(pk=followup.pk).status == "open"


def test_a_lead_selecting_another_departments_follow_up_gets_404_and_nothing_changes(
    client, lead, no_publish
):
    mine, billing = make_followup(), make_followup(department="billing")
    answer = logged_in(client, lead).post(
        "/followups/", {"selected": [mine.pk, billing.pk], "status": "contacted"}
    )
    assert answer.status_code == 404
    assert set(FollowUp.objects.values_list("status", flat=True)) == {"open"}


# --- Order, filters, pages -----------------------------------------------------------------


def test_overdue_first_then_priority_then_due_time(client, admin, no_publish):
    # given five follow-ups: two overdue (normal by 1 h, low by 9 h), three not yet due
    overdue_normal = make_followup(due_in=-1 * H, priority="normal")
    overdue_low = make_followup(due_in=-9 * H, priority="low")
    high_later = make_followup(due_in=30 * H, priority="high")
    normal_soon = make_followup(due_in=2 * H, priority="normal")
    normal_sooner = make_followup(due_in=1 * H, priority="normal", department="billing")
    # when the admin opens the queue
    page = logged_in(client, admin).get("/followups/")
    # then overdue ones come first (between them: priority before how overdue), then high
    # priority even if due last, then normal by due time
    assert ids_in_order(page) == [
        overdue_normal.pk,
        overdue_low.pk,
        high_later.pk,
        normal_sooner.pk,
        normal_soon.pk,
    ]
    words = {row["id"]: row["due_words"] for row in page.context["rows"]}
    assert words[overdue_low.pk] == "overdue by 9 h"
    assert words[normal_soon.pk] == "due in 2 h"
    assert words[high_later.pk] == "due in 30 h"


def test_filters_department_status_overdue_and_mine(client, admin, lead, no_publish):
    late = make_followup(due_in=-2 * H)
    billing = make_followup(department="billing")
    contacted = make_followup()
    FollowUp.objects.filter(pk=contacted.pk).update(status="contacted", assignee=admin)
    closed = make_followup()
    FollowUp.objects.filter(pk=closed.pk).update(
        status="closed", outcome="resolved", closed_at=closed.due_at
    )
    logged_in(client, admin)
    get = lambda **query: ids_in_order(client.get("/followups/", query))  # noqa: E731
    assert get() == [late.pk, billing.pk, contacted.pk]  # not closed, by default
    assert get(department="billing") == [billing.pk]
    assert get(status="contacted") == [contacted.pk]
    assert get(status="closed") == [closed.pk]
    assert set(get(status="any")) == {late.pk, billing.pk, contacted.pk, closed.pk}
    assert get(overdue="yes") == [late.pk]
    assert get(overdue="no") == [billing.pk, contacted.pk]
    assert get(mine="on") == [contacted.pk]


def test_pages_of_50_in_a_stable_order_with_next_and_previous(client, admin, no_publish):
    made = [make_followup(due_in=(i + 1) * H) for i in range(52)]
    logged_in(client, admin)
    first = client.get("/followups/")
    assert ids_in_order(first) == [f.pk for f in made[:50]]
    assert first.context["links"] == {"previous": None, "next": "?page=2"}
    second = client.get("/followups/", {"page": 2})
    assert ids_in_order(second) == [made[50].pk, made[51].pk]
    assert second.context["links"] == {"previous": "?page=1", "next": None}


def test_the_comment_is_shown_as_stored_and_cut_with_the_full_text_on_its_page(
    client, lead, no_publish
):
    # given a long comment with an e-mail address, masked at ingest
    comment = "Call me at jane@example.com. " + "The parcel never arrived. " * 10 + "Last words."
    followup = make_followup(comment=comment)
    stored = FollowUp.objects.get(pk=followup.pk).response.comment
    assert "jane@example.com" not in stored
    # when the lead reads the queue
    page = logged_in(client, lead).get("/followups/")
    (row,) = page.context["rows"]
    # then the row shows the first 160 characters of the stored text and "more"
    assert row["comment"] == stored[:160] and row["truncated"]
    html = page.content.decode()
    assert "jane@example.com" not in html and f"Full comment of follow-up {followup.pk}" in html
    assert stored[:60] in html and "Last words." not in html
    detail = client.get(f"/followups/{followup.pk}").content.decode()
    assert "Last words." in detail and "jane@example.com" not in detail


# --- Bulk actions --------------------------------------------------------------------------


def test_bulk_close_changes_exactly_the_selected_with_audit_rows_by_the_actor(
    client, lead, no_publish
):
    # given three of Support's follow-ups
    first, second, third = (make_followup(due_in=(i + 1) * H) for i in range(3))
    cause = RootCause.objects.get(name="Billing error")
    # when the lead closes the first and the third as resolved with a root cause
    answer = logged_in(client, lead).post(
        "/followups/",
        {"selected": [first.pk, third.pk], "outcome": "resolved", "root_cause": cause.pk},
    )
    # then those two are closed, the second is untouched
    assert answer.status_code == 302 and answer["Location"] == "/followups/"
    rows = {f.pk: f for f in FollowUp.objects.all()}
    assert [rows[f.pk].status for f in (first, second, third)] == ["closed", "open", "closed"]
    assert {rows[first.pk].outcome, rows[third.pk].root_cause_id} == {"resolved", cause.pk}
    # and each close is one audit row by the lead
    for followup in (first, third):
        latest = rows[followup.pk].history.latest()
        assert (latest.status, latest.history_user) == ("closed", lead)
    assert rows[second.pk].history.count() == 1
    # and the queue says so
    page = client.get("/followups/")
    assert "2 follow-ups closed as resolved." in page.content.decode()


def test_bulk_close_without_a_root_cause_changes_nothing_and_says_why_next_to_the_field(
    client, lead, no_publish
):
    first, second = make_followup(), make_followup()
    answer = logged_in(client, lead).post(
        "/followups/", {"selected": [first.pk, second.pk], "outcome": "resolved"}
    )
    assert answer.status_code == 400
    form = answer.context["bulk"]
    assert form.errors["root_cause"] == [
        f"Closing needs a root cause. (follow-ups {first.pk}, {second.pk})"
    ]
    assert dict(answer.context["refusals"]) == {
        first.pk: ["Closing needs a root cause."],
        second.pk: ["Closing needs a root cause."],
    }
    assert "Nothing was changed" in answer.content.decode()
    assert set(FollowUp.objects.values_list("status", flat=True)) == {"open"}
    # the boxes stay checked
    assert answer.context["selected"] == {first.pk, second.pk}


def test_bulk_is_all_or_nothing_when_only_some_rows_are_refused(client, lead, no_publish):
    # given one open and one closed follow-up
    still_open, closed = make_followup(), make_followup()
    FollowUp.objects.filter(pk=closed.pk).update(
        status="closed", outcome="resolved", closed_at=closed.due_at
    )
    # when the lead sets both to "in progress" (a closed one is only reopened)
    answer = logged_in(client, lead).post(
        "/followups/", {"selected": [still_open.pk, closed.pk], "status": "in_progress"}
    )
    # then nothing changed, and the refused one is named with its reason
    assert answer.status_code == 400
    assert dict(answer.context["refusals"]) == {
        closed.pk: [
            "A closed follow-up is only reopened.",
            "An outcome is set when closing (status closed).",
        ]
    }
    assert FollowUp.objects.get(pk=still_open.pk).status == "open"


def test_bulk_assign_offers_the_leads_of_the_department_and_admins(
    client, lead, admin, billing_lead, no_publish
):
    followup = make_followup()
    page = logged_in(client, lead).get("/followups/")
    offered = [label for value, label in page.context["bulk"].fields["assignee"].choices]
    assert offered == ["— leave as is —", "Nobody (unassign)", "admin", "lead"]
    answer = client.post("/followups/", {"selected": [followup.pk], "assignee": admin.pk})
    assert answer.status_code == 302
    assert FollowUp.objects.get(pk=followup.pk).assignee == admin
    # a value outside the offered people is a form error, next to the field
    answer = client.post("/followups/", {"selected": [followup.pk], "assignee": billing_lead.pk})
    assert answer.status_code == 400 and "assignee" in answer.context["bulk"].errors


def test_bulk_without_a_selection_or_a_change_says_so(client, lead, no_publish):
    followup = make_followup()
    logged_in(client, lead)
    answer = client.post("/followups/", {"status": "contacted"})
    assert answer.status_code == 400
    assert answer.context["bulk"].non_field_errors() == [
        "Select at least one follow-up (the boxes of the rows)."
    ]
    answer = client.post("/followups/", {"selected": [followup.pk]})
    assert answer.context["bulk"].non_field_errors() == [
        "Choose what to do with the selected follow-ups."
    ]


def test_bulk_needs_the_csrf_token(lead, no_publish):
    from django.test import Client

    followup = make_followup()
    client = Client(enforce_csrf_checks=True)
    client.force_login(lead)
    answer = client.post("/followups/", {"selected": [followup.pk], "status": "contacted"})
    assert answer.status_code == 403
    assert FollowUp.objects.get(pk=followup.pk).status == "open"


# --- Queries -------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 20])
def test_the_queue_page_costs_the_same_queries_for_1_and_20_follow_ups(
    client, lead, count, no_publish, django_assert_num_queries
):
    for i in range(count):
        make_followup(due_in=(i - 3) * H)
    logged_in(client, lead)
    client.get("/followups/")  # warm the session
    with django_assert_num_queries(QUEUE_QUERIES):
        page = client.get("/followups/")
    assert len(page.context["rows"]) == count


# session, user, roles, the lead's departments (the filter), the people who may be assigned,
# the led ids (the scope), the page of rows, the root causes
QUEUE_QUERIES = 8
