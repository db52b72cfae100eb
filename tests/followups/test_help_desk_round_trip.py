"""The help-desk round trip of issue 14: a detractor ingested through the API opens a
follow-up; the rule's endpoint (a real HTTP receiver on 127.0.0.1) gets the signed
`followup.opened`, verifies it, and closes the ticket back with the source's API key through
PATCH /api/v1/followups/{id}; another source's key changes nothing; `followup.closed` follows."""

from __future__ import annotations

import json
import time

import pytest
from rest_framework.test import APIClient

from cxmetrics import webhook_protocol as protocol
from cxmetrics.models import ApiKey, FollowUp, FollowUpRule
from cxmetrics.services.followups import open_followups
from cxmetrics.services.webhooks import deliver_due
from tests.factories import make_api_key
from tests.webhooks.conftest import make_endpoint, receiver  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def key_client(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return api


def signed_body(request, secret: str) -> dict:
    """The receiver's check: a valid signature within five minutes, then the JSON."""
    headers = request.headers
    assert protocol.verify(
        secret,
        headers["X-Cxmetrics-Timestamp"],
        request.body,
        headers["X-Cxmetrics-Signature"],
        now=time.time(),
    )
    assert not protocol.verify(
        "whsec_wrong",
        headers["X-Cxmetrics-Timestamp"],
        request.body,
        headers["X-Cxmetrics-Signature"],
        now=time.time(),
    )
    return json.loads(request.body)


def test_the_help_desk_opens_a_ticket_and_closes_it_back_with_its_key(
    org,
    no_publish,
    receiver,  # noqa: F811 - the fixture imported above
):
    # given the help desk's endpoint named by the NPS rule, and the integrations source's key
    endpoint = make_endpoint(receiver.url)
    FollowUpRule.objects.filter(metric="nps").update(webhook=endpoint)
    desk_key = make_api_key("integrations")
    desk = key_client(desk_key)
    # when a detractor with a comment is pushed through the API and the pipeline runs
    answer = desk.post(
        "/api/v1/responses",
        {
            "external_id": "tk-1001",
            "metric": "nps",
            "score": 2,
            "channel": "chat",
            "occurred_at": "2026-03-02T08:30:00+00:00",
            "customer_id": "cust-7",
            "comment": "Billed twice. Call +44 20 7946 0958",
            "handled_by": "ai",
        },
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    assert open_followups() == 1
    assert deliver_due() == 1
    # then the receiver got one signed followup.opened naming the response, never the customer
    (request,) = receiver.requests
    assert request.headers["X-Cxmetrics-Event"] == "followup.opened"
    envelope = signed_body(request, endpoint.secret)
    data = envelope["data"]
    followup = FollowUp.objects.get(pk=data["id"])
    assert (data["department"], data["status"], data["response"]["external_id"]) == (
        "support",
        "open",
        "tk-1001",
    )
    assert data["response"]["comment"] == "Billed twice. Call [phone]"
    assert b"cust-7" not in request.body and followup.customer_ref.encode() not in request.body
    # when another source's key tries to close it
    url = f"/api/v1/followups/{data['id']}"
    close = {"status": "closed", "outcome": "resolved", "root_cause": "Billing error"}
    audits = followup.history.count()
    other = key_client(make_api_key("zendesk")).patch(url, close, format="json")
    # then it is not found and nothing changes
    assert other.status_code == 404
    followup.refresh_from_db()
    assert (followup.status, followup.history.count()) == ("open", audits)
    # when the help desk closes the ticket with the source's key
    closed = desk.patch(url, close, format="json")
    # then the follow-up is closed, resolved, with its root cause, audited as that key
    assert closed.status_code == 200, closed.json()
    followup.refresh_from_db()
    assert (followup.status, followup.outcome, followup.root_cause.name) == (
        "closed",
        "resolved",
        "Billing error",
    )
    audit = followup.history.latest("history_date")
    prefix = ApiKey.objects.get(source__slug="integrations").prefix
    assert (audit.history_user, audit.history_change_reason) == (None, f"api-key:{prefix}")
    assert followup.history.count() == audits + 1
    # and the help desk hears of the close too (both ways in sync)
    assert deliver_due() == 1
    request = receiver.requests[1]
    closed_event = signed_body(request, endpoint.secret)
    assert closed_event["event"] == "followup.closed"
    assert (closed_event["data"]["id"], closed_event["data"]["outcome"]) == (
        followup.pk,
        "resolved",
    )
    assert closed_event["id"] != envelope["id"]
