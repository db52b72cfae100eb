"""Alerts: one e-mail and one signed webhook per change to at_risk or off_track."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.core.management import call_command

from cxmetrics.models import Goal
from cxmetrics.services.goal_alerts import evaluate_alerts
from cxmetrics.services.goals import update_goal
from cxmetrics.tasks import evaluate_goal_alerts
from tests.factories import make_user
from tests.goals.conftest import MID, make_goal, nps_30

SECRET = "webhook-secret"


@pytest.fixture
def people(lead):
    """The owner (`lead`, Support) and Product's lead, with e-mail addresses."""
    lead.email = "lead@example.com"
    lead.save()
    product_lead = make_user("product_lead", role="team_lead", leads=["product"])
    product_lead.email = "product@example.com"
    product_lead.save()
    return lead, product_lead


@pytest.fixture
def at_risk_goal(people):
    """NPS 30 (n=100) half way to 60 from 20: expected 40, upper bound 45 -> at risk."""
    nps_30()
    return make_goal(actor=people[0], target=60.0)


@pytest.fixture
def webhook(settings):
    """A local HTTP server recording the webhook requests it receives."""
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"headers": dict(self.headers), "body": body})
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.CX_ALERT_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/hooks/cx"
    settings.CX_ALERT_WEBHOOK_SECRET = SECRET
    yield received
    server.shutdown()
    server.server_close()


def test_turning_at_risk_mails_the_owner_and_the_participating_leads_once(at_risk_goal):
    # given an at-risk goal never alerted
    # when evaluated twice
    first = evaluate_alerts(as_of=MID)
    second = evaluate_alerts(as_of=MID)
    # then one e-mail went to the owner and Product's lead, and nothing the second time
    assert [a["status"] for a in first] == ["at_risk"]
    assert second == []
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["lead@example.com", "product@example.com"]
    assert "at risk" in mail.outbox[0].subject
    assert Goal.objects.get(pk=at_risk_goal.pk).last_alerted_status == "at_risk"


def test_each_new_status_alerts_once(at_risk_goal, people):
    # given an at-risk goal already alerted
    evaluate_alerts(as_of=MID)
    # when it turns off track, stays there, recovers, then falls back to at risk
    update_goal(goal=at_risk_goal, actor=people[0], target=80.0)
    off = evaluate_alerts(as_of=MID) + evaluate_alerts(as_of=MID)
    update_goal(goal=at_risk_goal, actor=people[0], target=40.0)
    recovered = evaluate_alerts(as_of=MID)
    update_goal(goal=at_risk_goal, actor=people[0], target=60.0)
    again = evaluate_alerts(as_of=MID)
    # then
    assert [a["status"] for a in off] == ["off_track"]
    assert recovered == []
    assert [(a["previous"], a["status"]) for a in again] == [("on_track", "at_risk")]
    assert [m.subject.rsplit(" is ", 1)[1] for m in mail.outbox] == [
        "at risk",
        "off track",
        "at risk",
    ]


def test_on_track_and_not_enough_data_do_not_alert(people):
    # given an on-track goal and one without data
    nps_30()
    make_goal(actor=people[0], target=40.0)
    make_goal(actor=people[0], name="Empty", metric="csat", baseline=70, target=80)
    # when
    sent = evaluate_alerts(as_of=MID)
    # then
    assert sent == []
    assert mail.outbox == []


def test_the_webhook_is_signed_json(at_risk_goal, webhook):
    # given a webhook receiver
    # when
    sent = evaluate_alerts(as_of=MID)
    # then
    assert sent[0]["webhook"] is True
    assert len(webhook) == 1
    body = webhook[0]["body"]
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert webhook[0]["headers"]["X-Cxmetrics-Signature"] == expected
    payload = json.loads(body)
    assert payload["event"] == "goal.status_changed"
    assert payload["goal_id"] == at_risk_goal.pk
    assert payload["status"] == "at_risk"
    assert payload["previous_status"] is None


def test_an_unreachable_webhook_does_not_stop_the_mail(at_risk_goal, settings):
    # given a webhook nobody listens on
    settings.CX_ALERT_WEBHOOK_URL = "http://127.0.0.1:9/nothing"
    # when
    sent = evaluate_alerts(as_of=MID)
    # then
    assert sent[0]["webhook"] is False
    assert len(mail.outbox) == 1


def test_the_task_and_the_command_evaluate_alerts(at_risk_goal):
    # when the beat task runs (eagerly), then the command
    alerts = evaluate_goal_alerts.delay(as_of=MID.isoformat()).get()
    call_command("evaluate_goal_alerts", "--as-of", MID.isoformat())
    # then one alert in all
    assert alerts == 1
    assert len(mail.outbox) == 1
    assert evaluate_goal_alerts.name == "cxmetrics.tasks.evaluate_goal_alerts"
