"""Services queue tasks by name (cxmetrics.enqueue): a web process must know every name."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_fresh_web_process_has_every_task_it_queues_registered():
    # given a new process that only sets Django up, as gunicorn does (no test imported tasks)
    script = (
        "import django, json; django.setup()\n"
        "from celery import current_app\n"
        "from django.conf import settings\n"
        "from cxmetrics import enqueue\n"
        "wanted = {enqueue.SCORE_SENTIMENT, enqueue.REFRESH_ROLLUPS}\n"
        "wanted |= {e['task'] for e in settings.CELERY_BEAT_SCHEDULE.values()}\n"
        "print(json.dumps(sorted(wanted - set(current_app.tasks))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "cxmetrics.settings", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    # then no name is missing
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_publish_queues_the_named_task_in_eager_mode(
    org, monkeypatch, django_capture_on_commit_callbacks
):
    # given the task the name stands for
    from celery import current_app

    from cxmetrics import enqueue

    calls = []
    task = current_app.tasks[enqueue.REFRESH_ROLLUPS]
    monkeypatch.setattr(task, "delay", lambda *args: calls.append(args))
    # when
    enqueue.publish(enqueue.REFRESH_ROLLUPS, 1)
    with django_capture_on_commit_callbacks(execute=True):
        enqueue.publish_on_commit(enqueue.REFRESH_ROLLUPS, 2)
        assert calls == [(1,)]  # not before the commit
    # then it was queued at once, then after the commit
    assert calls == [(1,), (2,)]
