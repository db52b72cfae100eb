"""The follow-up API: /api/v1/followups (list, CSV, detail, PATCH), /api/v1/followup-rules and
/api/v1/root-causes, for every identity, with the list's query count pinned."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from cxmetrics.models import FollowUp, FollowUpRule
from tests.factories import make_api_key, make_user
from tests.followups.conftest import DAY0, NOW, days, item, opened, push

pytestmark = pytest.mark.django_db


def person(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def key(source: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {make_api_key(source)}")
    return client


def client_for(identity: str) -> APIClient:
    return {
        "anonymous": lambda: person(None),
        "integrator": lambda: person(make_user("integ", role="integrator")),
        "executive": lambda: person(make_user("boss", role="executive")),
        "lead_support": lambda: person(make_user("ls", role="team_lead", leads=["support"])),
        "lead_billing": lambda: person(make_user("lb", role="team_lead", leads=["billing"])),
        "admin": lambda: person(make_user("root", role="admin")),
        "key_integrations": lambda: key("integrations"),
        "key_zendesk": lambda: key("zendesk"),
    }[identity]()


@pytest.fixture
def support(org, no_publish):
    """Support's follow-up of an integrations response `t-1`; Billing's of a zendesk one."""
    opened(department="billing", slug="zendesk", external_id="z-1")
    return opened(department="support", external_id="t-1")


# identity -> (list status, ids listed, detail status, patch status)
MATRIX = {
    "anonymous": (401, None, 401, 401),
    "integrator": (403, None, 403, 403),
    "executive": (200, {"t-1", "z-1"}, 200, 403),
    "lead_support": (200, {"t-1"}, 200, 200),
    "lead_billing": (200, {"z-1"}, 404, 404),
    "admin": (200, {"t-1", "z-1"}, 200, 200),
    "key_integrations": (200, {"t-1"}, 200, 200),
    "key_zendesk": (200, {"z-1"}, 404, 404),
}


@pytest.mark.parametrize("identity", list(MATRIX))
def test_the_permission_matrix(support, identity):
    client = client_for(identity)
    listed = client.get("/api/v1/followups")
    detail = client.get(f"/api/v1/followups/{support.pk}")
    patch = client.patch(
        f"/api/v1/followups/{support.pk}", {"status": "in_progress"}, format="json"
    )
    seen = (
        {row["external_id"] for row in listed.json()["results"]}
        if listed.status_code == 200
        else None
    )
    assert (listed.status_code, seen, detail.status_code, patch.status_code) == MATRIX[identity]
    support.refresh_from_db()
    assert support.status == ("in_progress" if MATRIX[identity][3] == 200 else "open")


def test_a_row_has_every_documented_field(support):
    row = client_for("admin").get(f"/api/v1/followups/{support.pk}").json()
    assert row == {
        "id": support.pk,
        "source": "integrations",
        "external_id": "t-1",
        "department": "support",
        "status": "open",
        "outcome": "",
        "root_cause": None,
        "assignee": None,
        "opened_at": "2026-03-02T09:00:00Z",
        "due_at": "2026-03-04T09:00:00Z",
        "first_contact_at": None,
        "closed_at": None,
        "overdue": True,
        "priority": "normal",
        "rule": "NPS detractors (0-6)",
        "note": "",
    }


def test_the_help_desk_closes_its_ticket_with_its_key(support):
    # when the integrations source's key closes the follow-up of its response
    client = key("integrations")
    answer = client.patch(
        f"/api/v1/followups/{support.pk}",
        {"status": "closed", "outcome": "resolved", "root_cause": "Billing error", "note": "ok"},
        format="json",
    )
    # then it is closed, first contact set, audited as the key
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert (body["status"], body["outcome"], body["root_cause"]) == (
        "closed",
        "resolved",
        "Billing error",
    )
    assert body["closed_at"] == body["first_contact_at"] and body["overdue"] is False
    assert support.history.latest("history_date").history_change_reason.startswith("api-key:")


def test_field_errors_are_400s(support):
    client = client_for("lead_support")
    url = f"/api/v1/followups/{support.pk}"
    assert client.patch(url, {"status": "closed"}, format="json").json() == {
        "outcome": ["Closing needs an outcome: resolved, not_resolved or unreachable."],
        "root_cause": ["Closing needs a root cause."],
    }
    answer = client.patch(url, {"root_cause": "Weather"}, format="json")
    assert answer.status_code == 400
    assert answer.json() == {"root_cause": ["Object with name=Weather does not exist."]}
    answer = client.patch(url, {"assignee": "ghost"}, format="json")
    assert answer.json() == {"assignee": ["Object with username=ghost does not exist."]}
    assert client.patch(url, {}, format="json").status_code == 400
    make_user("bill", role="team_lead", leads=["billing"])
    assert client.patch(url, {"assignee": "bill"}, format="json").json() == {
        "assignee": ["bill is not a team lead of support nor an admin."]
    }
    assert client.patch(url, {"assignee": "ls"}, format="json").json()["assignee"] == "ls"


def test_filters(org, no_publish):
    # given follow-ups: support open (overdue at NOW+3d), billing closed, support in_progress
    a = opened(department="support", external_id="a")
    b = opened(department="billing", external_id="b")
    c = opened(department="support", external_id="c", slug="zendesk")
    FollowUp.objects.filter(pk=b.pk).update(status="closed", outcome="resolved", closed_at=NOW)
    FollowUp.objects.filter(pk=c.pk).update(status="in_progress")
    client = client_for("admin")

    def ids(query: str) -> list[str]:
        answer = client.get(f"/api/v1/followups?{query}")
        assert answer.status_code == 200, answer.json()
        return [row["external_id"] for row in answer.json()["results"]]

    assert ids("") == ["c", "b", "a"]
    assert ids("department=support") == ["c", "a"]
    assert ids("department=support,billing&status=closed") == ["b"]
    assert ids("status=in_progress") == ["c"]
    assert ids("source=zendesk") == ["c"]
    assert ids("external_id=a") == ["a"]
    # every open one is past its due time on the real clock (NOW is in the past)
    assert ids("overdue=true") == ["c", "a"]
    assert ids("overdue=false") == ["b"]
    assert client.get("/api/v1/followups?department=nowhere").status_code == 400
    assert client.get("/api/v1/followups?status=lost").status_code == 400
    # pages of one, with a next link
    first = client.get("/api/v1/followups?page_size=2").json()
    assert [r["external_id"] for r in first["results"]] == ["c", "b"]
    assert [r["external_id"] for r in client.get(first["next"]).json()["results"]] == ["a"]
    assert a.pk


def test_csv_export_lists_every_visible_follow_up(support):
    answer = client_for("lead_support").get("/api/v1/followups?format=csv")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(answer.streaming_content).decode())))
    assert rows[0][:4] == ["id", "source", "external_id", "department"]
    assert [row[2] for row in rows[1:]] == ["t-1"]
    assert rows[1][8] == "2026-03-02T09:00:00+00:00"


@pytest.mark.parametrize("count", [1, 6])
def test_the_list_costs_the_same_for_one_or_many(org, no_publish, django_assert_num_queries, count):
    push(*[item(score=1.0, occurred_at=DAY0 + days(i)) for i in range(count)])
    client = person(make_user("ls", role="team_lead", leads=["support"]))
    # the lead's groups, their departments, the page (force_authenticate: no session query)
    with django_assert_num_queries(3):
        answer = client.get("/api/v1/followups")
    assert len(answer.json()["results"]) == count


def test_rules_for_admins_and_leads_of_their_departments(org):
    lead = person(make_user("ls", role="team_lead", leads=["support"]))
    executive = client_for("executive")
    # everyone with a reader role reads the rules, API keys do not
    names = [r["name"] for r in executive.get("/api/v1/followup-rules").json()]
    assert "NPS detractors (0-6)" in names and len(names) == 4
    assert key("integrations").get("/api/v1/followup-rules").status_code == 403
    # a lead creates a rule of Support, changes and deletes it
    created = lead.post(
        "/api/v1/followup-rules",
        {
            "name": "Support CSAT 1",
            "metric": "csat",
            "score_min": 1,
            "score_max": 1,
            "owner_department": "support",
            "sla_hours": 24,
            "priority": "high",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["created_by"], body["dedupe_days"], body["channels"]) == ("ls", 7, [])
    url = f"/api/v1/followup-rules/{body['id']}"
    assert lead.patch(url, {"sla_hours": 12}, format="json").json()["sla_hours"] == 12
    # not into Billing's, nor the default rules, nor as an executive
    assert lead.patch(url, {"owner_department": "billing"}, format="json").status_code == 403
    nps = FollowUpRule.objects.get(metric="nps").pk
    assert (
        lead.patch(f"/api/v1/followup-rules/{nps}", {"sla_hours": 1}, format="json").status_code
        == 403
    )
    assert executive.patch(url, {"sla_hours": 1}, format="json").status_code == 403
    assert lead.delete(url).status_code == 204
    # field errors
    bad = lead.post(
        "/api/v1/followup-rules",
        {"name": "x", "metric": "nps", "score_min": 7, "score_max": 3, "departments": ["support"]},
        format="json",
    )
    assert bad.json() == {"score_max": ["Must be at or above score_min."]}


def test_a_rule_that_opened_follow_ups_is_a_409_on_delete(support):
    nps = FollowUpRule.objects.get(metric="nps").pk
    answer = client_for("admin").delete(f"/api/v1/followup-rules/{nps}")
    assert answer.status_code == 409


def test_root_causes_for_readers_and_keys(org):
    assert key("integrations").get("/api/v1/root-causes").json()[0] == {
        "name": "AI could not help",
        "active": True,
    }
    assert client_for("integrator").get("/api/v1/root-causes").status_code == 403
