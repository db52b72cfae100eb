"""Parking: a task message is counted across deliveries (committed before its work starts) and
parked after CX_TASK_MAX_ATTEMPTS, or at once when it fails for good; parked tasks are never
run again until an admin retries them. Poison comments are skipped, not looped on."""

from __future__ import annotations

import pytest
from celery.app.trace import build_tracer
from celery.exceptions import Retry, SoftTimeLimitExceeded
from django.test import override_settings

from cxmetrics.celery import app
from cxmetrics.models import Response, SkippedComment, TaskAttempt
from cxmetrics.services import sentiment as sentiment_service
from cxmetrics.services import workers
from cxmetrics.tasks import score_pending_sentiment
from tests.factories import make_responses, make_user

RUNS: list[tuple] = []


@app.task(name="tests.pipeline.record_run")
def record_run(value: int, *, flag: str = "") -> int:
    RUNS.append((value, flag))
    if flag == "fail":
        raise ValueError("bad input")
    if flag == "retry":
        raise Retry("database busy")  # what self.retry() raises once the retry is queued
    return value * 2


@pytest.fixture(autouse=True)
def _runs():
    RUNS.clear()
    yield
    RUNS.clear()


def _deliver(task_id: str, *args, **kwargs):
    """Run `record_run` as a worker does for one delivery of message `task_id` (not eager)."""
    trace = build_tracer(record_run.name, record_run, eager=False, propagate=False, app=app)
    request = {"id": task_id, "args": args, "kwargs": kwargs, "delivery_info": {}}
    return trace(task_id, args, kwargs, request)


@pytest.mark.django_db(transaction=True)
@override_settings(CX_TASK_MAX_ATTEMPTS=3)
def test_deliveries_are_counted_and_the_fourth_of_a_message_that_never_finished_is_parked():
    # given three deliveries that started and never finished (each killed its worker)
    for _ in range(3):
        assert workers.begin_attempt(task_id="t-1", task_name=record_run.name, args=[5], kwargs={})
    assert TaskAttempt.objects.get(task_id="t-1").attempts == 3

    # when the message comes back a fourth time
    _deliver("t-1", 5)

    # then it is parked, with its arguments and why, and its work never ran
    parked = TaskAttempt.objects.get(task_id="t-1")
    assert parked.parked_at is not None
    assert (parked.task_name, parked.args, parked.attempts) == ("tests.pipeline.record_run", [5], 3)
    assert parked.last_error == workers.LOST.format(attempts=3)
    assert RUNS == []

    # and a later delivery of it does not run either
    _deliver("t-1", 5)
    assert RUNS == []
    assert TaskAttempt.objects.get(task_id="t-1").attempts == 3


@pytest.mark.django_db(transaction=True)
def test_a_delivery_that_finishes_forgets_its_count():
    # given one delivery that died, then one that finishes
    workers.begin_attempt(task_id="t-2", task_name=record_run.name, args=[4], kwargs={})

    # when
    info = _deliver("t-2", 4)

    # then
    assert info.retval == 8
    assert RUNS == [(4, "")]
    assert not TaskAttempt.objects.exists()


@pytest.mark.django_db(transaction=True)
@override_settings(CX_TASK_MAX_ATTEMPTS=3)
def test_a_celery_retry_forgets_the_count_so_retries_never_park():
    # given two deliveries that died
    for _ in range(2):
        workers.begin_attempt(task_id="t-5", task_name=record_run.name, args=[1], kwargs={})

    # when the third delivery asks Celery for a retry (bounded by max_retries instead)
    _deliver("t-5", 1, flag="retry")

    # then the count is forgotten and nothing is parked
    assert RUNS == [(1, "retry")]
    assert not TaskAttempt.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_task_that_fails_for_good_is_parked_at_once_with_its_error():
    # when
    _deliver("t-3", 7, flag="fail")

    # then
    parked = TaskAttempt.objects.get(task_id="t-3")
    assert parked.parked_at is not None
    assert (parked.args, parked.kwargs, parked.attempts) == ([7], {"flag": "fail"}, 1)
    assert parked.last_error.endswith("ValueError: bad input")


@pytest.mark.django_db
def test_eager_runs_and_direct_calls_are_not_counted():
    # when
    assert record_run.delay(3).get() == 6
    assert record_run(2) == 4

    # then
    assert not TaskAttempt.objects.exists()


@pytest.mark.django_db
def test_the_admin_retry_action_queues_a_parked_task_again_and_deletes_its_row(client):
    # given a parked task and an admin
    workers.park(task_id="t-4", task_name=record_run.name, args=[21], kwargs={}, error="boom")
    admin = make_user("root")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)

    # when the admin retries it
    answer = client.post(
        "/admin/cxmetrics/taskattempt/",
        {"action": "retry", "_selected_action": [TaskAttempt.objects.get().pk]},
        follow=True,
    )

    # then it ran again (eager here) with its arguments, and the parked row is gone
    assert answer.status_code == 200
    assert "1 of 1 task(s) queued again." in answer.content.decode()
    assert RUNS == [(21, "")]
    assert not TaskAttempt.objects.exists()


class PoisonScorer:
    """Stands in for a scorer that never finishes one comment: the soft time limit fires."""

    calls: list[int] = []

    def score_many(self, texts):
        PoisonScorer.calls.append(len(texts))
        if any("POISON" in text for text in texts):
            raise SoftTimeLimitExceeded()
        return [0.5 for _ in texts]


@pytest.mark.django_db
def test_a_poison_comment_is_isolated_by_halving_and_skipped_not_looped_on(
    org, no_publish, monkeypatch
):
    # given four comments, the third poison
    for comment in ("good one", "fine two", "POISON three", "nice four"):
        make_responses(scores=[9], comment=comment)
    monkeypatch.setattr(sentiment_service, "get_scorer", lambda: PoisonScorer())
    PoisonScorer.calls = []

    # when the per-minute catch-up runs (its halves run inline: eager)
    assert score_pending_sentiment() == 0

    # then the batch was halved down to the poison comment, which alone is skipped with why
    assert PoisonScorer.calls == [4, 2, 2, 1, 1]
    scored = dict(Response.objects.values_list("comment", "sentiment"))
    assert scored == {"good one": 0.5, "fine two": 0.5, "POISON three": None, "nice four": 0.5}
    skip = SkippedComment.objects.get()
    assert skip.response.comment == "POISON three"
    assert skip.reason == "scoring exceeded the time limit"

    # and the next catch-up runs do not pick it again
    PoisonScorer.calls = []
    assert score_pending_sentiment() == 0
    assert PoisonScorer.calls == []
