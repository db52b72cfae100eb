"""Every task of the project has a soft and a hard time limit, and is a GuardedTask."""

from __future__ import annotations

import cxmetrics.tasks  # noqa: F401 - registers every task
from cxmetrics.celery import GuardedTask, app

# Seconds (soft, hard) with the default settings: scoring is short, rebuilds are long.
EXPECTED = {
    "cxmetrics.tasks.apply_retention": (1800, 1830),
    "cxmetrics.tasks.deliver_webhooks": (300, 330),
    "cxmetrics.tasks.evaluate_goal_alerts": (300, 330),
    "cxmetrics.tasks.notify_followup_leads": (300, 330),
    "cxmetrics.tasks.open_followups": (300, 330),
    "cxmetrics.tasks.rebuild_rollups": (1800, 1830),
    "cxmetrics.tasks.rebuild_yesterday": (1800, 1830),
    "cxmetrics.tasks.record_heartbeat": (300, 330),
    "cxmetrics.tasks.refresh_dirty_rollups": (300, 330),
    "cxmetrics.tasks.score_pending_sentiment": (60, 90),
    "cxmetrics.tasks.score_sentiment": (60, 90),
    "cxmetrics.tasks.snapshot_goals": (300, 330),
}


def _limits(task) -> tuple[float | None, float | None]:
    # A task's own attribute (annotations) first, then the app default, as the worker does.
    soft = task.soft_time_limit or app.conf.task_soft_time_limit
    hard = task.time_limit or app.conf.task_time_limit
    return soft, hard


def test_every_registered_task_has_a_soft_and_a_later_hard_time_limit():
    # given every task the app registered
    app.finalize()
    ours = {name: task for name, task in app.tasks.items() if name.startswith("cxmetrics.")}

    # then each has both limits, the hard one later than the soft one
    assert ours, "no task registered"
    for name, task in ours.items():
        soft, hard = _limits(task)
        assert soft and hard and hard > soft, name
        assert isinstance(task, GuardedTask), name
    assert {name: _limits(task) for name, task in ours.items()} == EXPECTED


def test_every_beat_entry_names_a_registered_task():
    from django.conf import settings

    app.finalize()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]


def test_the_redis_visibility_timeout_exceeds_the_longest_hard_limit():
    from django.conf import settings

    app.finalize()
    longest = max(_limits(task)[1] for task in app.tasks.values() if task.name in EXPECTED)
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > longest
