"""The bench's processes: a fresh bench database with an API key, gunicorn, the broker's db.

Also used by the fault script (bench/faults/).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
CLIENT_THREADS = 3
WORKERS = 3
BROKER = "redis://127.0.0.1:6379/13"


@dataclass
class Settings:
    rows: int
    database_url: str
    workers: int = WORKERS
    threads: int = CLIENT_THREADS


def parse(argv: list[str]) -> Settings:
    scale, workers, threads = "full", WORKERS, CLIENT_THREADS
    for arg in argv:
        name, _, value = arg.partition("=")
        if name == "--scale":
            scale = value
        elif name == "--small":
            scale = "small"
        elif name == "--workers":
            workers = int(value)
        elif name == "--threads":
            threads = int(value)
    rows = {"small": 50_000, "full": 1_000_000}[scale]
    url = os.environ.get("CX_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cx_bench")
    return Settings(rows=rows, database_url=url, workers=workers, threads=threads)


def admin_url(url: str) -> tuple[str, str]:
    base, _, name = url.rpartition("/")
    return f"{base}/postgres", name


def prepare_database(settings: Settings, env: dict) -> str:
    admin, name = admin_url(settings.database_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    manage = [PYTHON, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        [*manage, "loaddata", "fixtures/demo_org.json", "-v0"], env=env, check=True, cwd=ROOT
    )
    out = subprocess.run(
        [*manage, "create_api_key", "integrations", "--name", "bench"],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip().splitlines()[-1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(
    env: dict, workers: int, log: Path | None = None
) -> tuple[subprocess.Popen, int]:
    """gunicorn on a free port; its output goes to `log` when given (else inherited)."""
    port = free_port()
    process = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "cxmetrics.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "900",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        stdout=log.open("ab") if log else None,
        stderr=subprocess.STDOUT if log else None,
    )
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, port
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("gunicorn did not start")


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True)
    return [int(pid) for pid in out.stdout.split()]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def purge_broker() -> None:
    # Our own Redis db only: the tasks queued during the run have no worker.
    subprocess.run(["redis-cli", "-n", BROKER.rsplit("/", 1)[1], "FLUSHDB"], capture_output=True)
