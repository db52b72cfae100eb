"""With the broker down, ingest answers without waiting on it: after one failed publish the
process stops trying for a cool-off (the periodic tasks catch up from the database)."""

from __future__ import annotations

import logging
import socket

import pytest

from cxmetrics.celery import app
from cxmetrics.models import NewRows, Response
from tests.api.conftest import key_client

URL = "/api/v1/responses"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the probe is closed


@pytest.fixture
def dead_broker(monkeypatch) -> list[tuple]:
    """Tasks go to a broker where nothing listens; returns the TCP connects made to it."""
    port = _closed_port()
    url = f"redis://127.0.0.1:{port}/0"
    # Celery reads the broker URL from the environment first; kombu keeps one pool per URL.
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    previous = {"broker_url": app.conf.broker_url, "task_always_eager": app.conf.task_always_eager}
    app.conf.update(broker_url=url, task_always_eager=False)
    app._pool = None
    app.amqp._producer_pool = None
    attempts: list[tuple] = []
    connect = socket.socket.connect

    def counting_connect(self, address):  # type: ignore[no-untyped-def]
        if isinstance(address, tuple) and address[1] == port:
            attempts.append(address)
        return connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", counting_connect)
    yield attempts
    app.conf.update(previous)
    app._pool = None
    app.amqp._producer_pool = None


def _item(n: int) -> dict:
    return {
        "external_id": f"outage-{n}",
        "metric": "csat",
        "score": 4,
        "channel": "chat",
        "occurred_at": "2025-05-01T10:00:00Z",
        "comment": "Helpful and quick",
    }


def test_ingest_stops_trying_a_dead_broker_after_one_failure(
    org, dead_broker, django_capture_on_commit_callbacks, caplog
):
    api = key_client()
    # given a first batch, whose two tasks (sentiment, refresh) meet the dead broker
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        first = api.post(URL, [_item(0)], format="json")
    tried_first = len(dead_broker)

    # when four more batches arrive during the outage
    with caplog.at_level(logging.WARNING):
        codes = []
        for n in range(1, 5):
            with django_capture_on_commit_callbacks(execute=True):
                codes.append(api.post(URL, [_item(n)], format="json").status_code)

    # then every batch is stored with its new-rows note, the first publish was the only one
    # that tried the broker, and the outage is logged once
    assert first.status_code == 201 and codes == [201, 201, 201, 201]
    assert Response.objects.filter(external_id__startswith="outage-").count() == 5
    assert NewRows.objects.count() == 5
    # one publish tried: a connect and its one retry (transport option max_retries 1); before
    # the breaker every publish did so, 2 x 2 a batch, 20 for these five batches
    assert tried_first == 2
    assert len(dead_broker) == tried_first
    assert caplog.text.count("Celery broker unreachable") == 1
