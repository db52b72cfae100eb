"""Pipeline fixtures: tasks not queued, a real Celery worker process, a Redis of our own."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# A Redis of the pipeline tests' own, on its own port, which the broker-fault test stops and
# starts (the shared Redis on 6379 is never stopped).
FAULT_REDIS_PORT = int(os.environ.get("CX_FAULT_REDIS_PORT", "6390"))


@pytest.fixture
def no_publish(monkeypatch) -> list[tuple[str, tuple]]:
    """Ingest queues nothing (eager tasks would run inline); returns what it tried to queue."""
    from cxmetrics import enqueue

    queued: list[tuple[str, tuple]] = []
    monkeypatch.setattr(enqueue, "publish", lambda name, *args: queued.append((name, args)))
    return queued


def _redis_ping(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


class Worker:
    """`celery -A cxmetrics worker` as a child process on the test database and a broker URL."""

    def __init__(
        self, *, broker_url: str, database_url: str, log: Path, options: tuple[str, ...] = ()
    ) -> None:
        self.broker_url = broker_url
        self.database_url = database_url
        self.log = log
        # e.g. ("--pool=prefork", "--concurrency=1"): time limits need the prefork pool.
        self.options = options or ("--pool=solo",)
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": self.broker_url,
            "CX_REDACT_COMMENTS": "true",
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "cxmetrics",
                "worker",
                *self.options,
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"pipeline-test-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while b"ready." not in self.log.read_bytes():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"celery worker did not start:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.1)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None


def worker_database_url() -> str:
    """The URL of the database this test runs on (pytest-django's test_<name>)."""
    from django.conf import settings
    from django.db import connection

    url = settings.DATABASE_URL
    base, _, _ = url.rpartition("/")
    return f"{base}/{connection.settings_dict['NAME']}"


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path) -> Iterator[Worker]:
    """A real worker on CELERY_BROKER_URL and the test database (PostgreSQL only: the worker is
    another process and must see the test's committed rows). Its queue is purged first."""
    from cxmetrics.celery import app

    app.control.purge()
    worker = Worker(
        broker_url=os.environ["CELERY_BROKER_URL"],
        database_url=worker_database_url(),
        log=tmp_path / "worker.log",
    )
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def fault_redis(tmp_path) -> Iterator[dict]:
    """A Redis server of our own on FAULT_REDIS_PORT that the test may stop and start again."""
    binary = shutil.which("redis-server")
    if not binary:
        pytest.skip("needs redis-server on PATH (apt-get install redis-server)")
    url = f"redis://127.0.0.1:{FAULT_REDIS_PORT}/0"
    if _redis_ping(url):
        pytest.fail(f"port {FAULT_REDIS_PORT} is already in use by another Redis")

    def start() -> None:
        subprocess.run(
            [
                binary,
                "--port",
                str(FAULT_REDIS_PORT),
                "--bind",
                "127.0.0.1",
                "--daemonize",
                "yes",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(tmp_path),
                "--pidfile",
                str(tmp_path / "redis.pid"),
            ],
            check=True,
        )
        deadline = time.monotonic() + 20
        while not _redis_ping(url):
            if time.monotonic() > deadline:
                raise RuntimeError("fault Redis did not start")
            time.sleep(0.05)

    def stop() -> None:
        pidfile = tmp_path / "redis.pid"
        if not pidfile.exists():
            return
        pid = int(pidfile.read_text())
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 20
        while _redis_ping(url) and time.monotonic() < deadline:
            time.sleep(0.05)

    start()
    yield {"url": url, "start": start, "stop": stop}
    stop()
