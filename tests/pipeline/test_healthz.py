"""/healthz: database, broker, worker liveness, pipeline lag and parked tasks; 503 past the
thresholds; a fixed number of queries; no data revealed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from cxmetrics import views
from cxmetrics.models import NewRows, Response, SkippedComment, TaskAttempt, WorkerHeartbeat
from tests.factories import make_responses

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def at_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def eager(settings):
    """As with no broker configured (the PostgreSQL pass of .ci/run sets one)."""
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def with_broker(monkeypatch, settings):
    """As with a broker configured and reachable (the broker check itself is not under test)."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(views, "_broker_check", lambda: "ok")


def _pending_work(org) -> None:
    # an unscored comment received 100 s ago, a new-rows note 250 s old, one parked task
    make_responses(scores=[9], comment="waiting")
    Response.objects.update(sentiment=None, received_at=NOW - timedelta(seconds=100))
    NewRows.objects.all().delete()
    NewRows.objects.create(response_ids=[1], created_at=NOW - timedelta(seconds=250))
    NewRows.objects.create(response_ids=[2], created_at=NOW - timedelta(seconds=10))
    TaskAttempt.objects.create(task_id="x", task_name="cxmetrics.tasks.score_sentiment",
                               args=[[1]], attempts=3, parked_at=NOW)  # fmt: skip


@pytest.mark.django_db
def test_healthz_in_eager_mode_reports_lag_and_parked_tasks(client, org, no_publish, at_now, eager):
    # given
    _pending_work(org)

    # when
    with override_settings(CX_HEALTH_MAX_PARKED=1):
        answer = client.get("/healthz")

    # then
    assert answer.status_code == 200
    assert answer.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "eager (no broker configured)",
        "worker": "eager",
        "oldest_unscored_comment_age_s": 100,
        "oldest_pending_rollup_note_age_s": 250,
        "parked_tasks": 1,
        "skipped_comments": 0,
        "problems": [],
    }


@pytest.mark.django_db
def test_healthz_answers_503_naming_each_figure_past_its_threshold(
    client, org, no_publish, at_now, eager
):
    # given
    _pending_work(org)

    # when thresholds are below the figures (default CX_HEALTH_MAX_PARKED is 0)
    with override_settings(CX_HEALTH_MAX_LAG=99):
        answer = client.get("/healthz")

    # then
    assert answer.status_code == 503
    body = answer.json()
    assert body["status"] == "degraded"
    assert body["problems"] == [
        "oldest_unscored_comment_age_s",
        "oldest_pending_rollup_note_age_s",
        "parked_tasks",
    ]


@pytest.mark.django_db
def test_a_skipped_comment_is_counted_but_is_no_lag(client, org, no_publish, at_now, eager):
    # given the only unscored comment was skipped by the scorer
    make_responses(scores=[9], comment="poison")
    Response.objects.update(sentiment=None, received_at=NOW - timedelta(hours=5))
    NewRows.objects.all().delete()
    SkippedComment.objects.create(response=Response.objects.get(), reason="time limit")

    # when
    body = client.get("/healthz").json()

    # then
    assert (body["oldest_unscored_comment_age_s"], body["skipped_comments"]) == (0, 1)
    assert body["status"] == "ok"


@pytest.mark.django_db
def test_healthz_reports_a_live_worker_by_its_heartbeat(client, at_now, with_broker):
    # given two workers, the newest heartbeat 40 s ago
    WorkerHeartbeat.objects.create(worker="w1@a", seen_at=NOW - timedelta(seconds=40))
    WorkerHeartbeat.objects.create(worker="w2@b", seen_at=NOW - timedelta(seconds=900))

    # when
    answer = client.get("/healthz")

    # then
    assert answer.status_code == 200
    body = answer.json()
    assert (body["worker"], body["worker_heartbeat_age_s"], body["broker"]) == ("ok", 40, "ok")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("age", "status", "worker"), [(180, 200, "ok"), (181, 503, "no heartbeat"), (None, 503, None)]
)
def test_healthz_answers_503_when_no_worker_beat_recently(
    client, at_now, with_broker, age, status, worker
):
    # given a heartbeat `age` seconds old (None: no worker ever reported)
    if age is not None:
        WorkerHeartbeat.objects.create(worker="w1@a", seen_at=NOW - timedelta(seconds=age))

    # when
    answer = client.get("/healthz")

    # then
    assert answer.status_code == status
    body = answer.json()
    assert body["worker_heartbeat_age_s"] == age
    assert body["worker"] == (worker or "no heartbeat")
    assert ("worker" in body["problems"]) is (status == 503)


@pytest.mark.django_db
def test_heartbeat_task_records_the_worker(at_now):
    from cxmetrics.tasks import record_heartbeat

    # given a stale delivery count and a parked task, both two days old
    old = NOW - timedelta(days=2)
    TaskAttempt.objects.create(task_id="a", task_name="t", attempts=1, last_seen=old)
    TaskAttempt.objects.create(task_id="b", task_name="t", attempts=1, last_seen=old, parked_at=old)

    # when
    record_heartbeat.delay()

    # then the heartbeat is recorded; the stale count is forgotten, the parked task kept
    assert WorkerHeartbeat.objects.get().seen_at == NOW
    assert list(TaskAttempt.objects.values_list("task_id", flat=True)) == ["b"]


@pytest.mark.django_db
def test_healthz_query_count_is_fixed(client, org, no_publish, with_broker,
                                      django_assert_num_queries):  # fmt: skip
    # given pending work of every kind
    _pending_work(org)
    WorkerHeartbeat.objects.create(worker="w1@a")

    # then: SELECT 1, heartbeat, unscored, new rows, parked, skipped
    with django_assert_num_queries(6):
        client.get("/healthz")


def test_healthz_reveals_no_data(client, org, no_publish):
    make_responses(scores=[9], comment="secret-comment jane@example.org")
    body = client.get("/healthz").content.decode()
    assert "secret" not in body and "jane" not in body and "integrations" not in body
