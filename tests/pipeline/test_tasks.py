"""Pipeline tasks: names match the beat schedule, retries cover operational errors only, eager
mode (make run) runs the whole pipeline in-process after commit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from celery.exceptions import Retry
from django.conf import settings
from django.db import OperationalError, ProgrammingError

from cxmetrics.celery import app
from cxmetrics.models import DailyRollup, DirtyBucket, Response, RollupDelta
from cxmetrics.selectors.summary import metric_summary, metric_summary_raw
from cxmetrics.tasks import pipeline
from tests.factories import make_responses


def test_every_beat_entry_names_a_registered_task_and_expires():
    # given
    app.loader.import_default_modules()
    pipeline_entries = {"refresh-dirty-rollups", "score-pending-sentiment", "nightly-rollup-check"}

    # then
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
        assert entry["options"]["expires"] > 0, name
    assert pipeline_entries <= set(settings.CELERY_BEAT_SCHEDULE)
    refresh = settings.CELERY_BEAT_SCHEDULE["refresh-dirty-rollups"]
    assert refresh["schedule"] == timedelta(minutes=1) and refresh["options"]["expires"] < 60


def test_operational_errors_are_retried_with_backoff(monkeypatch):
    # given a database that is briefly unreachable
    def unreachable(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(pipeline.rollups, "refresh_all_dirty_rollups", unreachable)

    # when / then: the task asks for a retry instead of failing
    task = pipeline.refresh_dirty_rollups
    assert task.retry_backoff and task.retry_jitter and task.max_retries >= 5
    with pytest.raises(Retry):
        task.apply(throw=True)


def test_programming_errors_fail_at_once(monkeypatch):
    # given a bug
    def broken(**kwargs):
        raise ProgrammingError("column does not exist")

    monkeypatch.setattr(pipeline.rollups, "refresh_all_dirty_rollups", broken)

    # when / then
    with pytest.raises(ProgrammingError):
        pipeline.refresh_dirty_rollups.apply(throw=True)


@pytest.mark.django_db
def test_eager_mode_scores_and_refreshes_after_commit(org, django_capture_on_commit_callbacks):
    # given no broker (tasks run in-process, as with `make run`)
    if settings.CELERY_BROKER_URL:
        pytest.skip("a broker is configured: tasks go to it (see test_worker.py)")
    assert settings.CELERY_TASK_ALWAYS_EAGER is True

    # when responses commit
    with django_capture_on_commit_callbacks(execute=True):
        make_responses(scores=[9, 3], metric="nps", comment="Wonderful, thank you so much!")

    # then, in eager mode, the queued tasks already ran
    assert not Response.objects.filter(sentiment__isnull=True).exists()
    assert Response.objects.first().sentiment_label == "positive"
    assert not DirtyBucket.objects.exists() and not RollupDelta.objects.exists()
    assert metric_summary(metric="sentiment") == metric_summary_raw(metric="sentiment")
    assert DailyRollup.objects.get().positive == 2


@pytest.mark.django_db
def test_rebuild_yesterday_rebuilds_only_yesterday(org, no_publish):
    # given responses yesterday and today, with no rollups yet
    from django.utils import timezone

    now = timezone.now()
    make_responses(scores=[9], occurred_at=now - timedelta(days=1))
    make_responses(scores=[5], occurred_at=now)

    # when
    written = pipeline.rebuild_yesterday.apply().get()

    # then
    assert written == 1
    assert DailyRollup.objects.get().promoters == 1
