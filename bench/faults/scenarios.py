"""The five faults, each returning its figures and "ok"."""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import threading
import time
from collections import Counter

from bench.api import worker_pids
from bench.faults.checks import converge, nudge, pipeline_state
from bench.faults.client import Client, make_items
from bench.faults.services import CeleryWorker, Redis

POISON_CHARS = 1_048_576


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


def push_batches(client: Client, prefix: str, count: int, seed: int) -> tuple[list, list]:
    """`count` batches of 200 items; (statuses, seconds per request)."""
    answers = [client.post(make_items(f"{prefix}{i}", 200, seed=seed + i)) for i in range(count)]
    return [status for status, _, _ in answers], [elapsed for _, elapsed, _ in answers]


def scenario_broker_down(client: Client, broker: Redis) -> dict:
    _, normal = push_batches(client, "brokerup", 5, seed=100)
    broker.stop()
    statuses, times = push_batches(client, "brokerdown", 10, seed=200)
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
    statuses, times = push_batches(client, "cachedown", 10, seed=300)
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
