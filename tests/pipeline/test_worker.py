"""The pipeline with a real Celery worker process on Redis and PostgreSQL: comments scored and
rollups refreshed end to end; nothing lost while the broker is down; nothing partial when a
worker is killed mid-task."""

from __future__ import annotations

import os
import signal
import time
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from cxmetrics.celery import app
from cxmetrics.models import DailyRollup, DirtyBucket, NewRows, Response, RollupDelta
from cxmetrics.selectors.summary import metric_summary, metric_summary_raw
from tests.factories import make_api_key
from tests.pipeline.conftest import Worker, worker_database_url

pytestmark = [pytest.mark.postgres, pytest.mark.broker]

URL = "/api/v1/responses"
# The pipeline's beat entries, sent by hand as beat would (checks the names match the tasks).
BEAT_ENTRIES = ("score-pending-sentiment", "refresh-dirty-rollups")
COMMENTS = [
    "Great help, the agent was wonderful. Mail me at jane.roe@example.org",
    "Terrible wait, nobody answered my call to +44 20 7946 0958.",
    "It was ok.",
    "",
]


def _items(prefix: str, count: int) -> list[dict]:
    start = datetime(2024, 4, 1, 9, tzinfo=UTC)
    return [
        {
            "external_id": f"{prefix}-{index}",
            "metric": ("nps", "csat", "ces", "sentiment")[index % 4],
            "score": (9, 4, 6, 0.25)[index % 4] if index % 3 else (3, 2, 2, -0.5)[index % 4],
            "channel": ("web", "email")[index % 2],
            "occurred_at": (start + timedelta(hours=5 * index)).isoformat(),
            "comment": COMMENTS[index % len(COMMENTS)],
        }
        for index in range(count)
    ]


def _post(client: APIClient, items: list[dict]) -> int:
    answer = client.post(URL, items, format="json")
    assert answer.status_code == 201, answer.content
    return answer.json()["accepted"]


def _send_beat_entries() -> None:
    for entry in BEAT_ENTRIES:
        app.send_task(settings.CELERY_BEAT_SCHEDULE[entry]["task"])


def _pending_additions() -> int:
    return RollupDelta.objects.count() + NewRows.objects.count()


def _pipeline_idle() -> bool:
    unscored = Response.objects.filter(sentiment__isnull=True).exclude(comment="").exists()
    pending = DirtyBucket.objects.exists() or _pending_additions() > 0
    return not unscored and not pending


def _wait_until_converged(*, seconds: float = 90, nudge_every: float = 10) -> None:
    """Wait for the worker to finish; re-send the beat entries now and then, as beat would."""
    deadline = time.monotonic() + seconds
    last_nudge = time.monotonic()
    while not _pipeline_idle():
        if time.monotonic() > deadline:
            raise AssertionError("the pipeline did not converge")
        if time.monotonic() - last_nudge > nudge_every:
            _send_beat_entries()
            last_nudge = time.monotonic()
        time.sleep(0.2)


def _assert_rollups_equal_raw(expected_n: int) -> None:
    for metric in ("nps", "csat", "ces", "sentiment"):
        for group_by in (None, "channel", "day", "month"):
            assert metric_summary(metric=metric, group_by=group_by) == metric_summary_raw(
                metric=metric, group_by=group_by
            )
    assert sum(DailyRollup.objects.values_list("n", flat=True)) == expected_n


@pytest.fixture
def api(org) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {make_api_key('integrations')}")
    return client


def test_worker_scores_comments_and_refreshes_rollups(celery_worker_process, api):
    # given a worker on Redis
    # when responses with comments are pushed through the API
    accepted = _post(api, _items("e2e", 24))

    # then the tasks queued after commit score every comment and refresh the rollups
    _wait_until_converged()
    assert accepted == 24
    scored = Response.objects.exclude(comment="")
    assert scored.count() == 18
    for row in scored.exclude(metric="sentiment"):
        assert row.sentiment is not None and row.sentiment_label in {
            "positive",
            "neutral",
            "negative",
        }
    great = scored.filter(comment__startswith="Great").exclude(metric="sentiment").first()
    assert great.sentiment_label == "positive"
    assert great.comment.endswith("[email]")  # redacted before storage
    sent = Response.objects.filter(metric="sentiment").first()
    assert sent.sentiment == sent.score  # a source's own sentiment is stored as sent
    _assert_rollups_equal_raw(24)


def _use_broker(url: str) -> str:
    """Point this process's Celery producer at `url`; returns the previous URL."""
    previous = os.environ["CELERY_BROKER_URL"]
    # Celery reads the broker URL from this variable first; kombu keeps one pool per URL, so
    # drop the app's references to the current one (not the pool itself).
    os.environ["CELERY_BROKER_URL"] = url
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None
    assert app.connection_for_write().as_uri().endswith(url.rsplit(":", 1)[1])
    return previous


@pytest.fixture
def fault_broker(fault_redis, transactional_db):
    previous = _use_broker(fault_redis["url"])
    yield fault_redis
    _use_broker(previous)


def test_broker_down_during_ingest_loses_nothing(fault_broker, api, tmp_path, caplog):
    # given a broker that is up for a first batch, with no worker running yet
    first = _post(api, _items("up", 12))

    # when the broker stops and more responses arrive
    fault_broker["stop"]()
    started = time.monotonic()
    second = _post(api, _items("down", 20))  # still 201: rows and their new-row notes committed
    third = _post(api, _items("down-again", 8))
    publish_seconds = time.monotonic() - started
    assert NewRows.objects.exists()
    # the first failed publish opened the breaker: logged once, later publishes skipped
    assert caplog.text.count("Could not queue") == 1
    assert caplog.text.count("Celery broker unreachable") == 1

    # and the broker comes back (empty: its queue was lost) and a worker starts
    fault_broker["start"]()
    worker = Worker(
        broker_url=fault_broker["url"],
        database_url=worker_database_url(),
        log=tmp_path / "worker.log",
    )
    worker.start()
    try:
        _send_beat_entries()
        _wait_until_converged()
    finally:
        worker.stop()

    # then every accepted response is counted and every figure equals the raw computation
    assert (first, second, third) == (12, 20, 8)
    _assert_rollups_equal_raw(40)
    assert not Response.objects.filter(sentiment__isnull=True).exclude(comment="").exists()
    assert publish_seconds < 30  # publishing failed fast rather than hanging the requests


def _backend_waiting_on_rollups() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query ILIKE %s",
            ["%INSERT INTO%cxmetrics_dailyrollup%"],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0] > 0


def _wait(condition, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.1)
    return value


def test_worker_killed_mid_refresh_leaves_no_partial_bucket(celery_worker_process, api):
    # given rollups refreshed for a first batch
    _post(api, _items("before", 16))
    _wait_until_converged()
    before = sorted(DailyRollup.objects.values_list(*_ROLLUP_VALUES))

    # and a refresh of a second batch stuck inside its transaction, after claiming its deltas
    dsn = connection.settings_dict
    blocker = psycopg.connect(
        host=dsn["HOST"] or None, port=dsn["PORT"] or None, user=dsn["USER"],
        dbname=dsn["NAME"], autocommit=False,
    )  # fmt: skip
    blocker.execute("LOCK TABLE cxmetrics_dailyrollup IN ACCESS EXCLUSIVE MODE")
    try:
        _post(api, _items("after", 16))
        stuck = _wait(_backend_waiting_on_rollups)
        pending = _pending_additions()

        # when the worker is killed outright
        celery_worker_process.stop(signal.SIGKILL)
    finally:
        blocker.rollback()
        blocker.close()

    # then its transaction rolls back: old rollups intact, new rows and deltas all still there
    _wait(lambda: not _backend_alive(stuck))
    assert sorted(DailyRollup.objects.values_list(*_ROLLUP_VALUES)) == before
    assert _pending_additions() == pending > 0

    # and a new worker converges from the deltas kept in the database
    celery_worker_process.start()
    _send_beat_entries()
    _wait_until_converged()
    _assert_rollups_equal_raw(32)


_ROLLUP_VALUES = ("day", "metric", "channel_id", "handled_by", "n", "total", "sentiment_total")


def test_publishing_fails_fast_and_quietly_without_a_broker(fault_broker, api, caplog):
    # given no broker at all
    fault_broker["stop"]()

    # when
    accepted = _post(api, _items("quiet", 4))

    # then the request succeeded and the log names the task, never the data
    assert accepted == 4
    # (the first task queued on commit, the follow-ups' evaluation, fails; the breaker then
    # skips sentiment and the refresh without trying)
    assert "Could not queue cxmetrics.tasks.open_followups" in caplog.text
    assert "Could not queue cxmetrics.tasks.score_sentiment" not in caplog.text
    assert "Celery broker unreachable" in caplog.text
    assert "jane.roe" not in caplog.text and "7946" not in caplog.text
