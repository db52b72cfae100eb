"""The whole run: services up, scenarios one by one, final checks."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from bench.api import Settings, prepare_database, start_gunicorn, stop
from bench.faults.checks import converge, django_setup, final_checks, healthz, nudge
from bench.faults.client import Client
from bench.faults.scenarios import (
    scenario_broker_down,
    scenario_cache_down,
    scenario_celery_worker_killed,
    scenario_poison,
    scenario_web_worker_killed,
)
from bench.faults.services import CeleryWorker, Redis

DATABASE_URL = os.environ.get(
    "CX_FAULTS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cx_faults"
)


def option(argv: list[str], name: str, default: str) -> str:
    for arg in argv:
        if arg.startswith(f"--{name}="):
            return arg.split("=", 1)[1]
    return default


def main(argv: list[str]) -> None:
    broker_port = int(option(argv, "broker-port", "6401"))
    cache_port = int(option(argv, "cache-port", "6402"))
    database_url = option(argv, "database-url", DATABASE_URL)
    folder = Path(tempfile.mkdtemp(prefix="cx-faults-"))
    broker, cache = Redis(broker_port, folder), Redis(cache_port, folder)
    broker.start()
    cache.start()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker.url,
        "CACHE_URL": cache.url.replace("/0", "/1"),
        "SECRET_KEY": "faults-" + "x" * 60,
        "API_KEY_RATE": "100000/min",
        "LOG_LEVEL": "WARNING",
    }
    print(f"database {database_url}; broker {broker.url}; cache {env['CACHE_URL']}")
    print(f"logs of gunicorn and the worker in {folder}")
    key = prepare_database(Settings(rows=0, database_url=database_url), env)
    django_setup(env)
    server, port = start_gunicorn(env, 2, log=folder / "gunicorn.log")
    worker = CeleryWorker(env, folder / "worker.log")
    worker.start()
    client = Client(port=port, key=key)
    results: dict[str, dict] = {}
    failures: list[str] = []
    scenarios = [
        ("1. kill -9 of the web workers mid-batch, then a re-send",
         lambda: scenario_web_worker_killed(client, server)),
        ("2. broker stopped mid-ingest", lambda: scenario_broker_down(client, broker)),
        ("3. the cache's Redis stopped mid-ingest", lambda: scenario_cache_down(client, cache)),
        ("4. Celery worker killed mid-task", lambda: scenario_celery_worker_killed(client, worker)),
        ("5. a 1 MB comment", lambda: scenario_poison(client)),
    ]  # fmt: skip
    try:
        for title, run in scenarios:
            print(f"\n--- {title}", flush=True)
            try:
                results[title] = run()
            except Exception as exc:  # noqa: BLE001 - report and go on with the next fault
                results[title] = {"error": f"{type(exc).__name__}: {exc}", "ok": False}
            for name, value in results[title].items():
                print(f"    {name}: {value}")
            if not results[title].get("ok"):
                failures.append(title)
        print("\n--- final checks", flush=True)
        try:
            converge("final", seconds=300)
        except AssertionError as exc:
            failures.append(str(exc))
        failures += final_checks(client)
        nudge()  # a fresh worker heartbeat, as beat sends every 30 s
        time.sleep(3)
        status, body = healthz(port)
        print(f"    /healthz: {status} {body}")
        if status != 200:
            failures.append(f"/healthz answered {status}")
    finally:
        worker.stop()
        stop(server)
        broker.stop()
        cache.stop()
    print(f"\nanswers: {dict(client.statuses)}")
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        raise SystemExit(1)
    print("faults: every check passed")
