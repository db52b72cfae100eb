"""With a real prefork worker on Redis and PostgreSQL: a message that kills its worker process
on every delivery is parked after CX_TASK_MAX_ATTEMPTS deliveries instead of looping, and one
that outlives its hard time limit is parked once, not run again."""

from __future__ import annotations

import os
import time

import pytest

from cxmetrics.celery import app
from cxmetrics.models import TaskAttempt
from tests.pipeline.conftest import Worker, worker_database_url

pytestmark = [pytest.mark.postgres, pytest.mark.broker]


@pytest.fixture
def prefork_worker(transactional_db, tmp_path):
    app.control.purge()
    worker = Worker(
        broker_url=os.environ["CELERY_BROKER_URL"],
        database_url=worker_database_url(),
        log=tmp_path / "worker.log",
        options=(
            "--pool=prefork",
            "--concurrency=1",
            "--include=tests.pipeline.poison_tasks",
        ),
    )
    worker.start()
    yield worker
    worker.stop()


def _wait_parked(task_id: str, seconds: float = 120) -> TaskAttempt:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        parked = TaskAttempt.objects.filter(task_id=task_id, parked_at__isnull=False).first()
        if parked:
            return parked
        time.sleep(0.2)
    raise AssertionError(f"{task_id} was not parked")


def _runs(marker) -> int:
    return marker.read_text().count("run") if marker.exists() else 0


def test_a_message_that_kills_its_worker_is_parked_after_three_deliveries(prefork_worker, tmp_path):
    # given a task that SIGKILLs its pool process (as the OOM killer would), every time
    marker = tmp_path / "kills.txt"

    # when it is queued once
    result = app.send_task("tests.kill_own_process", args=[str(marker)])

    # then it ran three times (acks_late + reject_on_worker_lost redelivered it), then parked
    parked = _wait_parked(result.id)
    assert (parked.task_name, parked.args, parked.attempts) == (
        "tests.kill_own_process",
        [str(marker)],
        3,
    )
    assert "lost 3 times" in parked.last_error
    time.sleep(3)  # and it does not come back
    assert _runs(marker) == 3
    assert TaskAttempt.objects.get(task_id=result.id).attempts == 3


def test_a_message_past_its_hard_time_limit_is_parked_and_not_run_again(prefork_worker, tmp_path):
    # given a task that ignores its soft limit (1 s) until the hard limit (2 s) kills it
    marker = tmp_path / "slow.txt"

    # when
    result = app.send_task("tests.outlive_hard_limit", args=[str(marker)])

    # then it is parked with the time limit as its error, after one run
    parked = _wait_parked(result.id, seconds=60)
    assert "TimeLimitExceeded" in parked.last_error
    time.sleep(4)
    assert _runs(marker) == 1
