"""Faults on the production path, end to end (`python -m bench faults`).

Runs the real thing: gunicorn (2 workers) on a fresh PostgreSQL database, a Celery worker
(prefork, 2 processes) on a broker Redis of its own, and the rate limiter's cache on another
Redis of its own (the shared Redis on 6379 is never touched; ports 6401 and 6402, or
`--broker-port=` / `--cache-port=`). Then, one after the other:

1. **web worker killed**: kill -9 of every gunicorn worker while a 10,000-item batch is being
   stored, then the client re-sends the batch (as any client does after a reset connection);
2. **broker stopped** mid-ingest: batches pushed while the broker Redis is down (time per
   request printed), then the broker comes back;
3. **cache stopped** mid-ingest: batches pushed while the rate limiter's Redis is down;
4. **Celery worker killed**: kill -9 of the worker's processes while they score comments,
   then a new worker;
5. **poison comment**: a 1 MB comment beside ordinary ones; the pipeline must stay live.

Between scenarios the beat's catch-up entries are sent by hand (as beat would, every minute).
At the end it asserts: every item answered as accepted or duplicate is stored exactly once,
nothing else is stored, every comment is scored (or parked, and then listed), no rollup work is
pending, rollups equal raw counts for every metric and grouping, and no answer was a 5xx other
than a JSON 503. Each figure is printed; the exit status is 1 when an assertion fails.

Database: CX_FAULTS_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/cx_faults),
dropped and created anew.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

from bench.api import Settings, prepare_database, start_gunicorn, stop, worker_pids

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE_URL = os.environ.get(
    "CX_FAULTS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cx_faults"
)
CHANNELS = ["web", "app", "phone", "chat", "email"]
DEPARTMENTS = ["support", "product", "billing", "logistics"]
WORDS = [
    "great",
    "slow",
    "helpful",
    "rude",
    "quick",
    "waited",
    "refund",
    "broken",
    "friendly",
    "late",
    "perfect",
    "awful",
    "agent",
    "app",
    "delivery",
    "order",
    "call",
    "chat",
    "fixed",
    "again",
    "thanks",
    "never",
    "always",
]
POISON_CHARS = 1_048_576


def option(argv: list[str], name: str, default: str) -> str:
    for arg in argv:
        if arg.startswith(f"--{name}="):
            return arg.split("=", 1)[1]
    return default


# --- the services of the run ----------------------------------------------------------------


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


# --- the client -------------------------------------------------------------------------------


@dataclass
class Client:
    """Pushes batches and keeps the books: which items the server said it holds, every status."""

    port: int
    key: str
    statuses: Counter = field(default_factory=Counter)
    bad_5xx: list[str] = field(default_factory=list)
    held: set[str] = field(default_factory=set)  # external_ids answered accepted or duplicate
    refused: dict[str, dict] = field(default_factory=dict)  # external_id -> field errors

    def post(self, items: list[dict], *, timeout: float = 600) -> tuple[int | None, float, dict]:
        """One POST; (status or None when the connection broke, seconds, answer)."""
        body = orjson.dumps(items)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {"Authorization": f"Api-Key {self.key}", "Content-Type": "application/json"}
        started = time.perf_counter()
        try:
            conn.request("POST", "/api/v1/responses", body=body, headers=headers)
            response = conn.getresponse()
            raw = response.read()
            status = response.status
            content_type = response.getheader("Content-Type", "")
        except (ConnectionError, http.client.HTTPException, OSError) as exc:
            self.statuses[f"connection broken ({type(exc).__name__})"] += 1
            return None, time.perf_counter() - started, {}
        finally:
            conn.close()
        elapsed = time.perf_counter() - started
        self.statuses[status] += 1
        answer: dict = {}
        if "json" in content_type:
            answer = json.loads(raw)
        if status >= 500 and not (status == 503 and "json" in content_type):
            self.bad_5xx.append(f"{status} {content_type}: {raw[:200]!r}")
        if status in (200, 201, 400) and "accepted" in answer:
            rejected = {entry["index"]: entry for entry in answer.get("rejected", [])}
            for index, item in enumerate(items):
                if index in rejected:
                    self.refused[item["external_id"]] = rejected[index]["errors"]
                else:
                    self.held.add(item["external_id"])
        return status, elapsed, answer

    def post_until_held(self, items: list[dict], *, attempts: int = 20) -> list[tuple]:
        """Re-send until the server answers for the batch (what a well-behaved client does)."""
        tries = []
        for _ in range(attempts):
            status, elapsed, answer = self.post(items)
            tries.append((status, elapsed, answer))
            if status is not None and status < 500:
                return tries
            time.sleep(0.5)
        raise RuntimeError(f"batch never answered: {tries[-1]}")


def make_items(prefix: str, count: int, seed: int, *, comment_words: int = 12) -> list[dict]:
    rng = random.Random(seed)
    start = datetime.now(UTC) - timedelta(days=30)
    items = []
    for index in range(count):
        metric = ("nps", "csat", "ces", "sentiment")[index % 4]
        score = {
            "nps": rng.randint(0, 10),
            "csat": rng.randint(1, 5),
            "ces": rng.randint(1, 7),
            "sentiment": round(rng.uniform(-1, 1), 4),
        }[metric]
        item = {
            "external_id": f"{prefix}-{index}",
            "metric": metric,
            "score": score,
            "channel": rng.choice(CHANNELS),
            "department": rng.choice(DEPARTMENTS),
            "occurred_at": (start + timedelta(seconds=150 * index + seed)).isoformat(),
            "handled_by": rng.choice(["ai", "human", "ai_to_human"]),
            "customer_id": f"cust-{rng.randint(1, 5000)}",
        }
        if index % 3 != 2:
            item["comment"] = " ".join(rng.choice(WORDS) for _ in range(comment_words)) + "."
        items.append(item)
    return items


# --- checks done through Django on the run's database ----------------------------------------


def django_setup(env: dict) -> None:
    os.environ.update(
        {k: env[k] for k in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "SECRET_KEY")}
    )
    import django

    django.setup()


def nudge() -> None:
    """Send the beat's catch-up entries by hand, as beat does every minute."""
    from django.conf import settings

    from cxmetrics.celery import app

    for entry in ("score-pending-sentiment", "refresh-dirty-rollups", "worker-heartbeat"):
        try:
            app.send_task(settings.CELERY_BEAT_SCHEDULE[entry]["task"])
        except Exception as exc:  # noqa: BLE001 - the broker may be down on purpose
            print(f"    (nudge not sent: {type(exc).__name__})")


def pipeline_state() -> dict:
    from django.db import connection

    from cxmetrics.models import DirtyBucket, NewRows, RollupDelta, SkippedComment, TaskAttempt
    from cxmetrics.selectors.pipeline import unscored_comments

    connection.close()  # a fresh snapshot each time
    return {
        "unscored": unscored_comments().count(),
        "skipped_comments": SkippedComment.objects.count(),
        "parked_tasks": TaskAttempt.objects.filter(parked_at__isnull=False).count(),
        "new_row_notes": NewRows.objects.count(),
        "deltas": RollupDelta.objects.count(),
        "dirty": DirtyBucket.objects.count(),
    }


def idle(state: dict) -> bool:
    """No comment waits to be scored (skipped ones are listed apart) and no rollup work."""
    return not (state["unscored"] or state["new_row_notes"] or state["deltas"] or state["dirty"])


def healthz(port: int) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/healthz")
    response = conn.getresponse()
    body = json.loads(response.read())
    conn.close()
    return response.status, body


def converge(label: str, seconds: float = 240) -> float:
    started = time.monotonic()
    last_nudge = 0.0
    while True:
        state = pipeline_state()
        if idle(state):
            took = time.monotonic() - started
            print(f"    pipeline idle after {took:.1f} s ({label})")
            return took
        if time.monotonic() - started > seconds:
            raise AssertionError(f"pipeline did not converge in {seconds} s ({label}): {state}")
        if time.monotonic() - last_nudge > 5:
            nudge()
            last_nudge = time.monotonic()
        time.sleep(0.5)


def rollups_equal_raw() -> list[str]:
    from cxmetrics.selectors.summary import metric_summary, metric_summary_raw

    differences = []
    for metric in ("nps", "csat", "ces", "sentiment"):
        for group_by in (None, "channel", "department", "handled_by", "day", "month"):
            fast = metric_summary(metric=metric, group_by=group_by)
            raw = metric_summary_raw(metric=metric, group_by=group_by)
            if fast != raw:
                differences.append(f"{metric} by {group_by}")
    return differences


# --- the scenarios -----------------------------------------------------------------------------


def scenario_web_worker_killed(client: Client, server: subprocess.Popen) -> dict:
    batch = make_items("kill9web", 10_000, seed=1, comment_words=30)
    outcome: dict = {}

    def send() -> None:
        outcome["first"] = client.post(batch)

    sender = threading.Thread(target=send)
    sender.start()
    time.sleep(0.35)  # the batch is being parsed and stored
    victims = worker_pids(server.pid)
    for pid in victims:
        os.kill(pid, signal.SIGKILL)
    sender.join()
    status, _elapsed, _ = outcome["first"]
    print(f"    killed {len(victims)} gunicorn workers; the first send: {status or 'broken'}")
    time.sleep(1)
    tries = client.post_until_held(batch)
    resend_status, _, answer = tries[-1]
    again = client.post(batch)[2]
    held = answer.get("accepted", 0) + answer.get("duplicates", 0)
    return {
        "first send answered": status,
        "re-send answered": resend_status,
        "re-send accepted + duplicates": f"{answer.get('accepted')} + {answer.get('duplicates')}",
        "re-send rejected": len(answer.get("rejected", [])),
        "third send duplicates": again.get("duplicates"),
        "ok": held == len(batch) and again.get("duplicates") == len(batch),
    }


def scenario_broker_down(client: Client, broker: Redis) -> dict:
    normal = [client.post(make_items(f"brokerup{i}", 200, seed=100 + i))[1] for i in range(5)]
    broker.stop()
    times, statuses = [], []
    for i in range(10):
        status, elapsed, _ = client.post(make_items(f"brokerdown{i}", 200, seed=200 + i))
        times.append(elapsed)
        statuses.append(status)
    broker.start()
    return {
        "per request, broker up (median s)": round(statistics.median(normal), 3),
        "per request, broker down (median s)": round(statistics.median(times), 3),
        "per request, broker down (max s)": round(max(times), 3),
        "statuses while down": dict(Counter(statuses)),
        "ok": all(s == 201 for s in statuses),
    }


def scenario_cache_down(client: Client, cache: Redis) -> dict:
    cache.stop()
    times, statuses = [], []
    for i in range(10):
        status, elapsed, _ = client.post(make_items(f"cachedown{i}", 200, seed=300 + i))
        times.append(elapsed)
        statuses.append(status)
    cache.start()
    after = client.post(make_items("cacheback", 200, seed=399))[0]
    return {
        "statuses while the cache is down": dict(Counter(statuses)),
        "per request, cache down (median s)": round(statistics.median(times), 3),
        "status after it is back": after,
        "ok": all(s == 201 for s in statuses) and after == 201,
    }


def scenario_celery_worker_killed(client: Client, worker: CeleryWorker) -> dict:
    client.post_until_held(make_items("kill9celery", 6_000, seed=4, comment_words=60))
    time.sleep(1.0)  # the worker is scoring
    before = pipeline_state()
    killed = worker.kill9()
    print(f"    kill -9 of {killed} worker processes with {before['unscored']} comments unscored")
    worker.start()
    took = converge("after the worker was killed")
    return {
        "unscored when killed": before["unscored"],
        "caught up after restart (s)": round(took, 1),
        "ok": True,
    }


def scenario_poison(client: Client) -> dict:
    poison = make_items("poison", 1, seed=5)[0]
    # Sentiment-laden words: VADER's cost grows with the square of their number.
    sentence = "The agent was great but the wait was awful. "
    poison["comment"] = (sentence * (POISON_CHARS // len(sentence) + 1))[:POISON_CHARS]
    status, elapsed, _answer = client.post([poison, *make_items("poisonmate", 3, seed=6)])
    errors = client.refused.get(poison["external_id"])
    print(f"    1 MB comment: {status} in {elapsed:.2f} s; its errors: {errors}")
    nudge()
    client.post_until_held(make_items("afterpoison", 300, seed=7))
    took = converge("after the 1 MB comment", seconds=240)
    state = pipeline_state()
    return {
        "answer to the batch with a 1 MB comment": status,
        "1 MB comment refused": errors is not None,
        "ordinary comments scored after it (s)": round(took, 1),
        "comments skipped / tasks parked": f"{state['skipped_comments']} / {state['parked_tasks']}",
        "ok": errors is not None,
    }


# --- the run -----------------------------------------------------------------------------------


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


def final_checks(client: Client) -> list[str]:
    from cxmetrics.models import DailyRollup, Response

    failures = []
    stored = set(Response.objects.values_list("external_id", flat=True))
    missing = client.held - stored
    extra = stored - client.held
    rows = Response.objects.count()
    rollup_n = sum(DailyRollup.objects.values_list("n", flat=True))
    differences = rollups_equal_raw()
    print(f"    items the server answered as held: {len(client.held):,}")
    print(f"    responses stored: {rows:,} (distinct external ids {len(stored):,})")
    print(
        f"    lost (answered, not stored): {len(missing)}; stored but never answered: {len(extra)}"
    )
    print(f"    rollup n: {rollup_n:,}; rollups differing from raw: {differences or 'none'}")
    print(f"    5xx other than a JSON 503: {len(client.bad_5xx)} {client.bad_5xx[:3]}")
    print(f"    items refused: {len(client.refused)}")
    if missing:
        failures.append(f"{len(missing)} answered items not stored, e.g. {sorted(missing)[:3]}")
    if rows != len(stored):
        failures.append("an external id is stored twice")
    if rollup_n != rows:
        failures.append(f"rollup n {rollup_n} != {rows} rows")
    if differences:
        failures.append(f"rollups differ from raw: {differences}")
    if client.bad_5xx:
        failures.append(f"{len(client.bad_5xx)} answers were 5xx: {client.bad_5xx[:3]}")
    return failures
