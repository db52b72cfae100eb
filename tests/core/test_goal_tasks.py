"""Goal tasks retry by the pipeline's rule: operational errors are retried, bugs fail at once."""

from __future__ import annotations

import pytest
from celery.exceptions import Retry
from django.db import OperationalError

from cxmetrics.tasks import goals as goal_tasks
from cxmetrics.tasks import pipeline


def test_the_snapshot_task_retries_on_the_pipelines_transient_errors_only():
    assert goal_tasks.snapshot_goals.autoretry_for == pipeline.RETRY["autoretry_for"]
    assert Exception not in goal_tasks.snapshot_goals.autoretry_for


def test_an_operational_error_in_a_snapshot_run_is_retried(monkeypatch):
    # given a database that is briefly unreachable
    def unreachable(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(goal_tasks.goal_services, "snapshot_goals", unreachable)

    # when / then: the task asks for a retry instead of failing
    with pytest.raises(Retry):
        goal_tasks.snapshot_goals.apply(args=["2026-01-05"], throw=True)


def test_a_programming_error_in_a_snapshot_run_fails_at_once(monkeypatch):
    # given a bug
    calls = []

    def broken(**kwargs):
        calls.append(kwargs)
        raise TypeError("snapshot_goals() got an unexpected keyword argument")

    monkeypatch.setattr(goal_tasks.goal_services, "snapshot_goals", broken)

    # when / then: the error itself, after one call, no retry
    with pytest.raises(TypeError):
        goal_tasks.snapshot_goals.apply(args=["2026-01-05"], throw=True)
    assert len(calls) == 1
