"""Queueing an event and sending it to a real HTTP server on 127.0.0.1: signed headers the
receiver can verify, a body that is the same on every attempt, retries with pinned backoff
times, no retry for a refusal, giving up after MAX_ATTEMPTS."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import transaction

from cxmetrics import enqueue
from cxmetrics.models import DeliveryStatus, WebhookDelivery
from cxmetrics.services import webhooks
from cxmetrics.webhook_protocol import verify
from tests.webhooks.conftest import make_endpoint

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PAYLOAD = {"followup_id": 42, "department": "support", "due_at": T0 + timedelta(hours=48)}


def no_jitter() -> float:
    return 0.5  # the middle of the +-10% band: the nominal wait


def queue(**overrides):
    """queue_event, then moved to T0 (queued at T0, due at once) so that times can be pinned."""
    values = {"event": "followup.opened", "payload": PAYLOAD, **overrides}
    deliveries = webhooks.queue_event(**values)
    WebhookDelivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
        created_at=T0, next_attempt_at=T0
    )
    for delivery in deliveries:
        delivery.created_at = delivery.next_attempt_at = T0
    return deliveries


# --- queueing ------------------------------------------------------------------------------
def test_an_event_is_queued_for_each_active_endpoint_that_receives_it(receiver):
    # given two endpoints for the event, one for another event, one inactive, one for all
    first = make_endpoint(receiver.url, name="Desk A")
    second = make_endpoint(receiver.url, name="Desk B", events=["followup.opened", "x.y"])
    make_endpoint(receiver.url, name="Other", events=["followup.closed"])
    make_endpoint(receiver.url, name="Off", active=False)
    every = make_endpoint(receiver.url, name="All", events=["*"])
    # when
    deliveries = queue()
    # then
    assert sorted(d.endpoint.name for d in deliveries) == ["All", "Desk A", "Desk B"]
    assert {d.endpoint_id for d in WebhookDelivery.objects.all()} == {
        first.pk,
        second.pk,
        every.pk,
    }
    row = WebhookDelivery.objects.get(endpoint=first)
    assert row.status == DeliveryStatus.PENDING
    assert row.attempts == 0
    assert row.payload == {**PAYLOAD, "due_at": "2026-03-04T09:00:00Z"}


def test_given_endpoints_get_the_event_whatever_they_list_but_not_when_inactive(receiver):
    listed_other = make_endpoint(receiver.url, events=["followup.closed"])
    inactive = make_endpoint(receiver.url, active=False)
    deliveries = queue(endpoints=[listed_other, inactive])
    assert [d.endpoint_id for d in deliveries] == [listed_other.pk]


def test_the_send_is_published_on_commit_and_nothing_survives_a_rollback(
    receiver, monkeypatch, django_capture_on_commit_callbacks
):
    # given
    make_endpoint(receiver.url)
    published = []
    monkeypatch.setattr(enqueue, "publish", lambda name, *args: published.append(name))
    # when the caller's change commits
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            queue()
    # then the task is published after commit
    assert published == ["cxmetrics.tasks.deliver_webhooks"]
    # and when the caller's change rolls back, its deliveries go with it
    with pytest.raises(RuntimeError), transaction.atomic():
        queue(payload={"followup_id": 43})
        raise RuntimeError("the change that caused the event failed")
    assert WebhookDelivery.objects.count() == 1


def test_a_bad_event_name_or_a_payload_that_is_not_json_is_refused_in_the_caller(receiver):
    make_endpoint(receiver.url)
    with pytest.raises(ValueError, match="not an event name"):
        queue(event="FollowupOpened")
    with pytest.raises(TypeError):
        queue(payload={"when": object()})
    assert WebhookDelivery.objects.count() == 0


# --- sending -------------------------------------------------------------------------------
def test_a_delivery_is_signed_so_that_the_receiver_can_verify_it(receiver):
    # given
    endpoint = make_endpoint(receiver.url)
    (delivery,) = queue()
    # when
    attempted = webhooks.deliver_due(now=T0)
    # then one POST with the documented headers
    assert attempted == 1
    (got,) = receiver.requests
    assert got.path == "/hooks/cx"
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers["X-Cxmetrics-Event"] == "followup.opened"
    assert got.headers["X-Cxmetrics-Delivery"] == str(delivery.delivery_id)
    assert got.headers["X-Cxmetrics-Timestamp"] == "1772442000"  # T0 in Unix seconds
    # and the receiver verifies the signature with the secret it was shown
    assert verify(
        endpoint.secret,
        got.headers["X-Cxmetrics-Timestamp"],
        got.body,
        got.headers["X-Cxmetrics-Signature"],
        now=T0.timestamp() + 2,
    )
    assert not verify(
        "whsec_guess",
        got.headers["X-Cxmetrics-Timestamp"],
        got.body,
        got.headers["X-Cxmetrics-Signature"],
        now=T0.timestamp(),
    )
    # and the body is the documented envelope
    assert json.loads(got.body) == {
        "id": str(delivery.delivery_id),
        "event": "followup.opened",
        "created_at": "2026-03-02T09:00:00Z",
        "data": {"followup_id": 42, "department": "support", "due_at": "2026-03-04T09:00:00Z"},
    }
    # and the log says delivered
    row = WebhookDelivery.objects.get()
    assert (row.status, row.attempts, row.last_status_code) == ("delivered", 1, 200)
    assert row.delivered_at == T0
    assert row.next_attempt_at is None
    assert [(a["at"], a["status_code"], a["error"]) for a in row.attempt_log] == [
        ("2026-03-02T09:00:00+00:00", 200, "")
    ]


def test_500_then_200_is_delivered_on_the_second_attempt_a_minute_later(receiver):
    # given a receiver that fails once
    make_endpoint(receiver.url)
    queue()
    receiver.answers = [500]
    # when the first attempt fails
    assert webhooks.deliver_due(now=T0, jitter=no_jitter) == 1
    # then it is pending again, due in one minute
    row = WebhookDelivery.objects.get()
    assert (row.status, row.attempts, row.last_status_code) == ("pending", 1, 500)
    assert row.next_attempt_at == T0 + timedelta(minutes=1)
    assert row.last_error == "HTTP 500: receiver says no"
    # when a run comes before that, nothing is sent
    assert webhooks.deliver_due(now=T0 + timedelta(seconds=59)) == 0
    # when the retry is due, it is delivered
    assert webhooks.deliver_due(now=T0 + timedelta(minutes=1), jitter=no_jitter) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_status_code) == ("delivered", 2, 200)
    assert row.last_error == ""
    assert [a["status_code"] for a in row.attempt_log] == [500, 200]
    # and both attempts carried the same delivery id and body
    first, second = receiver.requests
    assert first.body == second.body
    assert first.headers["X-Cxmetrics-Delivery"] == second.headers["X-Cxmetrics-Delivery"]
    assert first.headers["X-Cxmetrics-Timestamp"] != second.headers["X-Cxmetrics-Timestamp"]


def test_jitter_spreads_the_retry_within_ten_percent(receiver):
    make_endpoint(receiver.url)
    queue()
    receiver.answers = [503]
    webhooks.deliver_due(now=T0, jitter=lambda: 1.0)
    assert WebhookDelivery.objects.get().next_attempt_at == T0 + timedelta(seconds=66)


@pytest.mark.parametrize("status", [408, 429])
def test_timeout_and_too_many_requests_answers_are_retried(receiver, status):
    make_endpoint(receiver.url)
    queue()
    receiver.answers = [status]
    webhooks.deliver_due(now=T0, jitter=no_jitter)
    row = WebhookDelivery.objects.get()
    assert (row.status, row.next_attempt_at) == ("pending", T0 + timedelta(minutes=1))


@pytest.mark.parametrize("status", [400, 404, 410, 302])
def test_a_refusal_fails_at_once_without_retry(receiver, status):
    # given
    make_endpoint(receiver.url)
    queue()
    receiver.answers = [status]
    # when
    webhooks.deliver_due(now=T0)
    # then
    row = WebhookDelivery.objects.get()
    assert (row.status, row.attempts, row.last_status_code) == ("failed", 1, status)
    assert row.next_attempt_at is None
    # and no later run sends it again
    assert webhooks.deliver_due(now=T0 + timedelta(days=1)) == 0
    assert len(receiver.requests) == 1


def test_connection_refused_is_retried_on_the_schedule_then_given_up(closed_port_url):
    # given an endpoint where nothing listens
    make_endpoint(closed_port_url)
    queue()
    row = WebhookDelivery.objects.get()
    # when every retry is made the moment it falls due
    now = T0
    due_times = []
    for _ in range(8):
        assert webhooks.deliver_due(now=now, jitter=no_jitter) == 1
        row.refresh_from_db()
        if row.next_attempt_at is None:
            break
        due_times.append(row.next_attempt_at)
        now = row.next_attempt_at
    # then the waits were 1, 2, 4, 8, 16, 32, 60 minutes, and it gave up after 8 attempts
    waits = [(b - a) / timedelta(minutes=1) for a, b in zip([T0, *due_times], due_times)]
    assert waits == [1, 2, 4, 8, 16, 32, 60]
    assert (row.status, row.attempts, row.last_status_code) == ("gave_up", 8, None)
    assert len(row.attempt_log) == 8
    assert all(a["status_code"] is None for a in row.attempt_log)
    assert row.last_error.startswith("ConnectionError: ")
    assert webhooks.deliver_due(now=now + timedelta(days=1)) == 0


def test_deliveries_of_an_inactive_endpoint_wait_until_it_is_active_again(receiver):
    endpoint = make_endpoint(receiver.url)
    queue()
    endpoint.active = False
    endpoint.save()
    assert webhooks.deliver_due(now=T0) == 0
    endpoint.active = True
    endpoint.save()
    assert webhooks.deliver_due(now=T0) == 1


def test_a_delivery_whose_attempts_were_all_lost_gives_up_without_a_ninth(receiver):
    # given a delivery claimed 8 times by workers that died before recording an outcome
    make_endpoint(receiver.url)
    queue()
    WebhookDelivery.objects.update(attempts=8, next_attempt_at=T0)
    # when
    assert webhooks.deliver_due(now=T0) == 0
    # then
    row = WebhookDelivery.objects.get()
    assert (row.status, row.next_attempt_at) == ("gave_up", None)
    assert receiver.requests == []


def test_a_claimed_delivery_is_not_picked_again_until_its_lease_ends(receiver):
    # given a claim whose worker died mid-send (attempt counted, pushed a lease ahead)
    make_endpoint(receiver.url)
    queue()
    claimed = webhooks._claim(now=T0, limit=10)
    assert [d.attempts for d in claimed] == [1]
    # then no run takes it during the lease, and one does after it
    assert webhooks.deliver_due(now=T0 + webhooks.LEASE - timedelta(seconds=1)) == 0
    assert webhooks.deliver_due(now=T0 + webhooks.LEASE) == 1
    assert WebhookDelivery.objects.get().attempts == 2


def test_oldest_due_first_and_at_most_limit_per_run(receiver):
    endpoint = make_endpoint(receiver.url)
    for n in range(5):
        (d,) = queue(payload={"n": n})
        WebhookDelivery.objects.filter(pk=d.pk).update(next_attempt_at=T0 - timedelta(minutes=n))
    assert webhooks.deliver_due(now=T0, limit=3) == 3
    sent = [json.loads(r.body)["data"]["n"] for r in receiver.requests]
    assert sent == [4, 3, 2]
    assert endpoint.deliveries.filter(status="pending").count() == 2


def test_a_run_costs_four_queries_per_claim_and_one_update_per_delivery(
    receiver, django_assert_num_queries
):
    # given three due deliveries
    make_endpoint(receiver.url)
    for n in range(3):
        queue(payload={"n": n})
    # when / then: claim = savepoint, lost-update, select ids for update, select rows,
    # bulk update, release (6); 3 saves; the empty second claim = savepoint, 2 reads, release
    with django_assert_num_queries(6 + 3 + 4):
        assert webhooks.deliver_due(now=T0) == 3


def test_send_again_starts_a_new_round_with_the_same_delivery_id(receiver):
    make_endpoint(receiver.url)
    (delivery,) = queue()
    receiver.answers = [400]
    webhooks.deliver_due(now=T0)
    assert webhooks.redeliver(deliveries=WebhookDelivery.objects.all(), now=T0) == 1
    assert webhooks.deliver_due(now=T0) == 1
    row = WebhookDelivery.objects.get()
    assert (row.status, row.attempts, len(row.attempt_log)) == ("delivered", 1, 2)
    ids = {r.headers["X-Cxmetrics-Delivery"] for r in receiver.requests}
    assert ids == {str(delivery.delivery_id)}
    assert uuid.UUID(ids.pop()).version == 4


def test_the_command_sends_what_is_due(receiver, capsys):
    make_endpoint(receiver.url)
    queue()
    call_command("deliver_webhooks")
    assert capsys.readouterr().out.strip() == "Made 1 webhook delivery attempt(s)."
    assert WebhookDelivery.objects.get().status == "delivered"


def test_the_task_sends_what_is_due_and_beat_runs_it_every_minute(receiver, settings):
    from cxmetrics.tasks import deliver_webhooks

    make_endpoint(receiver.url)
    queue()
    assert deliver_webhooks.apply().get() == 1
    entry = settings.CELERY_BEAT_SCHEDULE["deliver-webhooks"]
    assert entry["task"] == enqueue.DELIVER_WEBHOOKS == deliver_webhooks.name
    assert entry["schedule"] == timedelta(minutes=1)
