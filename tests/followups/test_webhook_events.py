"""A rule may fire a webhook: `followup.opened` queued with the follow-ups it opens (same
transaction, one delivery per follow-up, a bounded number of queries), `followup.closed` when
one is closed; the payload pinned, never the customer reference; only admins set the endpoint."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from rest_framework.test import APIClient

from cxmetrics.models import FollowUp, FollowUpNote, FollowUpRule, RootCause, WebhookDelivery
from cxmetrics.services.followups import creation, open_followups, update_followup
from cxmetrics.services.ingest import record_responses
from tests.factories import make_user
from tests.followups.conftest import DAY0, NOW, days, item, push, rule, source
from tests.webhooks.conftest import make_endpoint

pytestmark = pytest.mark.django_db

REF = "5e1f" * 16  # a customer reference as ingest stores it (a keyed hash)


@pytest.fixture
def endpoint(org, no_publish):
    """The help desk's endpoint, named by the NPS rule (its event list does not matter)."""
    hook = make_endpoint("https://desk.example.com/hooks/cx", events=["goal.alert"])
    FollowUpRule.objects.filter(metric="nps").update(webhook=hook)
    return hook


def detractor(**overrides):
    values = {
        "external_id": "t-1",
        "score": 2.0,
        "channel": "chat",
        "handled_by": "ai",
        "agent_ref": "bot-7",
        "customer_ref": REF,
        "comment": "Charged twice, mail me at jo@example.com",
    }
    values.update(overrides)
    return item(**values)


def test_the_opened_payload_is_pinned(endpoint):
    # when a detractor is evaluated under the NPS rule
    (pk,) = push(detractor())
    # then one delivery of followup.opened for the rule's endpoint, with the documented payload
    followup = FollowUp.objects.get(response_id=pk)
    (delivery,) = WebhookDelivery.objects.all()
    assert (delivery.event, delivery.endpoint_id, delivery.status) == (
        "followup.opened",
        endpoint.pk,
        "pending",
    )
    assert delivery.payload == {
        "id": followup.pk,
        "url": f"http://127.0.0.1:8000/followups/{followup.pk}",
        "department": "support",
        "rule": "NPS detractors (0-6)",
        "status": "open",
        "priority": "normal",
        "opened_at": "2026-03-02T09:00:00Z",
        "due_at": "2026-03-04T09:00:00Z",
        "first_contact_at": None,
        "closed_at": None,
        "outcome": "",
        "root_cause": None,
        "response": {
            "source": "integrations",
            "external_id": "t-1",
            "metric": "nps",
            "score": 2.0,
            "channel": "chat",
            "handled_by": "ai",
            "agent_ref": "bot-7",
            "comment": "Charged twice, mail me at [email]",
        },
    }
    assert REF not in json.dumps(delivery.payload)


def test_closing_queues_followup_closed_and_other_changes_queue_nothing(endpoint):
    (pk,) = push(detractor())
    followup = FollowUp.objects.get(response_id=pk)
    admin = make_user("root", role="admin")
    WebhookDelivery.objects.all().delete()
    # when it is contacted, then closed
    update_followup(followup=followup, actor=admin, changes={"status": "contacted"}, now=NOW)
    assert not WebhookDelivery.objects.exists()
    closed_at = NOW + days(1)
    update_followup(
        followup=followup,
        actor=admin,
        changes={
            "status": "closed",
            "outcome": "resolved",
            "root_cause": RootCause.objects.get(name="Billing error"),
        },
        now=closed_at,
    )
    # then one followup.closed with the closed state
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.event == "followup.closed"
    payload = delivery.payload
    assert {key: payload[key] for key in ("status", "outcome", "root_cause", "closed_at")} == {
        "status": "closed",
        "outcome": "resolved",
        "root_cause": "Billing error",
        "closed_at": "2026-03-03T09:00:00Z",
    }
    assert payload["first_contact_at"] == "2026-03-02T09:00:00Z"
    assert payload["response"]["external_id"] == "t-1" and REF not in json.dumps(payload)
    # when it is reopened and changed, nothing more is sent
    update_followup(followup=followup, actor=admin, changes={"status": "open"})
    update_followup(followup=followup, actor=admin, changes={"note": "called back"})
    assert WebhookDelivery.objects.count() == 1


def test_rules_without_an_endpoint_and_inactive_endpoints_send_nothing(endpoint):
    # given a CSAT detractor (its rule names no endpoint) and an inactive NPS endpoint
    push(detractor(external_id="c-1", metric="csat", score=1.0))
    assert not WebhookDelivery.objects.exists()
    endpoint.active = False
    endpoint.save()
    push(detractor(external_id="n-1"))
    assert FollowUp.objects.count() == 2
    assert not WebhookDelivery.objects.exists()


def test_a_deleted_endpoint_leaves_the_rule_without_one(endpoint):
    endpoint.delete()
    assert rule("NPS").webhook is None
    push(detractor())
    assert FollowUp.objects.count() == 1 and not WebhookDelivery.objects.exists()


def test_the_events_commit_with_the_follow_ups_or_not_at_all(endpoint, monkeypatch):
    # given the evaluation fails after opening and queueing (e.g. the worker dies)
    real = creation.evaluate_responses

    def then_crash(**kwargs):
        real(**kwargs)
        assert WebhookDelivery.objects.count() == 1  # queued inside the transaction
        raise RuntimeError("worker died")

    monkeypatch.setattr(creation, "evaluate_responses", then_crash)
    record_responses(source=source(), items=[detractor()])
    # when
    with pytest.raises(RuntimeError):
        open_followups(now=NOW)
    # then neither the follow-up nor its delivery is stored, and the note waits for the next run
    assert not FollowUp.objects.exists() and not WebhookDelivery.objects.exists()
    assert FollowUpNote.objects.count() == 1
    monkeypatch.setattr(creation, "evaluate_responses", real)
    open_followups(now=NOW)
    assert FollowUp.objects.count() == 1 and WebhookDelivery.objects.count() == 1


@pytest.mark.parametrize("count", [1, 20])
def test_opening_costs_the_same_queries_for_1_and_for_20_hooked_follow_ups(
    endpoint, django_assert_num_queries, count
):
    # given `count` noted detractors of different customers
    items = [
        detractor(external_id=f"t-{n}", customer_ref=f"{n:064x}", occurred_at=DAY0 + days(n))
        for n in range(count)
    ]
    record_responses(source=source(), items=items)
    # when / then: one delivery per follow-up, in a constant number of queries (the rules and
    # the evaluation as before, + the endpoints, the payloads and one insert of deliveries;
    # PostgreSQL adds the advisory lock serialising evaluations)
    with django_assert_num_queries(17 + (connection.vendor == "postgresql")):
        assert open_followups(now=NOW) == count
    assert WebhookDelivery.objects.filter(event="followup.opened").count() == count
    ids = {d.payload["id"] for d in WebhookDelivery.objects.all()}
    assert ids == set(FollowUp.objects.values_list("pk", flat=True))


def client(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_only_admins_set_a_rules_webhook_and_leads_get_a_field_error(endpoint):
    admin = client(make_user("root", role="admin"))
    lead = client(make_user("ls", role="team_lead", leads=["support"]))
    body = {
        "name": "Support CSAT 1",
        "metric": "csat",
        "score_min": 1,
        "score_max": 1,
        "owner_department": "support",
    }
    # a lead naming an endpoint: a field error, nothing created
    answer = lead.post("/api/v1/followup-rules", {**body, "webhook": endpoint.pk}, format="json")
    assert answer.status_code == 400
    assert answer.json() == {
        "webhook": ["Only admins choose a rule's webhook endpoint (endpoints are admin objects)."]
    }
    assert not FollowUpRule.objects.filter(name="Support CSAT 1").exists()
    # the lead's rule without one; the admin gives it the endpoint
    created = lead.post("/api/v1/followup-rules", body, format="json").json()
    assert created["webhook"] is None
    url = f"/api/v1/followup-rules/{created['id']}"
    assert admin.patch(url, {"webhook": endpoint.pk}, format="json").json()["webhook"] == (
        endpoint.pk
    )
    # the lead still changes the rest of it, not the endpoint (not even to none)
    assert lead.patch(url, {"sla_hours": 12}, format="json").json()["webhook"] == endpoint.pk
    assert lead.patch(url, {"webhook": None}, format="json").status_code == 400
    assert FollowUpRule.objects.get(pk=created["id"]).webhook_id == endpoint.pk
    # an id that is no endpoint, and one that is no id
    assert admin.patch(url, {"webhook": 99999}, format="json").json() == {
        "webhook": ['Invalid pk "99999" - object does not exist.']
    }
    assert admin.patch(url, {"webhook": "1"}, format="json").status_code == 400
    assert admin.patch(url, {"webhook": None}, format="json").json()["webhook"] is None
