"""The services of a fault run: Redis servers and a Celery worker of its own."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench.api import worker_pids

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


class Redis:
    """A redis-server of the run's own, on its own port, stopped and started at will."""

    def __init__(self, port: int, folder: Path) -> None:
        self.port = port
        self.folder = folder
        self.url = f"redis://127.0.0.1:{port}/0"

    def ping(self) -> bool:
        result = subprocess.run(
            ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True
        )
        return result.stdout.strip() == "PONG"

    def start(self) -> None:
        if self.ping():
            raise RuntimeError(f"port {self.port} already has a Redis: choose another port")
        subprocess.run(
            [
                shutil.which("redis-server") or "redis-server",
                *("--port", str(self.port), "--bind", "127.0.0.1", "--daemonize", "yes"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.folder)),
                *("--pidfile", str(self.folder / f"redis-{self.port}.pid")),
            ],
            check=True,
            capture_output=True,
        )
        wait_for(self.ping, 20, f"Redis on {self.port} did not start")

    def stop(self) -> None:
        pidfile = self.folder / f"redis-{self.port}.pid"
        if pidfile.exists():
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(pidfile.read_text()), signal.SIGTERM)
        wait_for(lambda: not self.ping(), 20, f"Redis on {self.port} did not stop")


class CeleryWorker:
    def __init__(self, env: dict, log: Path) -> None:
        self.env = env
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        offset = self.log.stat().st_size if self.log.exists() else 0
        self.process = subprocess.Popen(
            [
                *(PYTHON, "-m", "celery", "-A", "cxmetrics", "worker", "--loglevel=INFO"),
                *("--concurrency=2", "--without-gossip", "--without-mingle"),
                *("-n", f"faults-{os.getpid()}-{time.monotonic_ns()}@%h"),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

        def ready() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"celery worker exited:\n{self.log.read_text()[-3000:]}")
            return b"ready." in self.log.read_bytes()[offset:]

        wait_for(ready, 90, "celery worker did not start")

    def kill9(self) -> int:
        """kill -9 of the worker's main process and its pool; returns how many died."""
        assert self.process is not None
        pids = [self.process.pid, *worker_pids(self.process.pid)]
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(30)
        self.process = None
        return len(pids)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process = None


def wait_for(check, seconds: float, message: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(message)
        time.sleep(0.1)
