"""Two workers never send one delivery twice, on PostgreSQL: a claim skips rows another
worker has locked (SKIP LOCKED, no waiting), and two runs at once against a slow receiver
send every delivery exactly once."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from django.db import connections, transaction

from cxmetrics import enqueue
from cxmetrics.models import WebhookDelivery
from cxmetrics.services import webhooks
from tests.webhooks.conftest import make_endpoint

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _no_worker_yet(monkeypatch):
    """Queued sends wait for the runs the tests make (eager mode would send on commit)."""
    monkeypatch.setattr(enqueue, "publish", lambda name, *args: None)


def _queue(count: int) -> None:
    for n in range(count):
        webhooks.queue_event(event="followup.opened", payload={"n": n})
    WebhookDelivery.objects.update(next_attempt_at=T0)


def _in_thread(target) -> tuple[threading.Thread, list]:
    results: list = []

    def run() -> None:
        try:
            results.append(target())
        except BaseException as error:  # noqa: BLE001 - reported to the test thread
            results.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, results


def test_a_run_skips_a_delivery_another_worker_holds_without_waiting(receiver):
    # given a delivery whose row another worker has locked (mid-claim)
    make_endpoint(receiver.url)
    _queue(1)
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        with transaction.atomic():
            list(WebhookDelivery.objects.select_for_update())
            locked.set()
            release.wait(10)

    holder, _ = _in_thread(hold)
    assert locked.wait(10)
    # when a run comes meanwhile, it neither waits nor sends
    started = time.monotonic()
    assert webhooks.deliver_due(now=T0) == 0
    assert time.monotonic() - started < 2
    # when the other worker lets go, the next run sends it
    release.set()
    holder.join(10)
    assert webhooks.deliver_due(now=T0) == 1
    assert len(receiver.requests) == 1


def test_two_runs_at_once_send_every_delivery_exactly_once(receiver):
    # given 30 due deliveries and a receiver taking 20 ms per request
    make_endpoint(receiver.url)
    _queue(30)
    receiver.delay = 0.02
    # when two workers run at the same moment
    threads = [_in_thread(lambda: webhooks.deliver_due(now=T0)) for _ in range(2)]
    for thread, _ in threads:
        thread.join(30)
    # then together they made 30 attempts, each delivery exactly once
    counts = [results[0] for _, results in threads]
    assert all(isinstance(c, int) for c in counts), counts
    assert sum(counts) == 30
    sent = [r.headers["X-Cxmetrics-Delivery"] for r in receiver.requests]
    assert len(sent) == len(set(sent)) == 30
    assert set(WebhookDelivery.objects.values_list("status", "attempts")) == {("delivered", 1)}
