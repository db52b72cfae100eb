"""The fault run's client: pushes batches and keeps the books of what the server holds."""

from __future__ import annotations

import http.client
import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import orjson

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
