"""Tasks that misbehave on purpose, loaded only by the broker tests' worker (`-I`)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded


@shared_task(name="tests.kill_own_process")
def kill_own_process(marker: str) -> None:
    """Note the run in `marker`, then die as an OOM kill would (SIGKILL of the pool process)."""
    with Path(marker).open("a") as file:
        file.write("run\n")
    os.kill(os.getpid(), signal.SIGKILL)


@shared_task(name="tests.outlive_hard_limit", soft_time_limit=1, time_limit=2)
def outlive_hard_limit(marker: str) -> None:
    """Note the run, then ignore the soft limit and keep going until the hard limit kills it."""
    with Path(marker).open("a") as file:
        file.write("run\n")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            time.sleep(0.1)
        except SoftTimeLimitExceeded:
            pass
