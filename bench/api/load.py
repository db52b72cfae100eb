"""The bench's load: generated canonical items, HTTP pushes, raw COPYs and a streamed CSV."""

from __future__ import annotations

import csv
import http.client
import json
import queue
import random
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import psycopg
from psycopg.types.json import Jsonb

BATCH = 10_000
COLUMNS = (
    "source_id, external_id, metric, score, channel_id, department_id, occurred_at, day, "
    "received_at, handled_by, agent_ref, customer_ref, comment, sentiment, attributes"
)
COPY_TYPES = [
    *("int8", "varchar", "varchar", "float8", "int8", "int8", "timestamptz", "date"),
    *("timestamptz", "varchar", "varchar", "varchar", "text", "float8", "jsonb"),
]
CHANNELS = ["web", "app", "phone", "chat", "email", "store", "social"]
DEPARTMENTS = ["support", "product", "stores", "billing", "logistics"]
RANGES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
COMMENTS = [
    "Great service, the agent solved my problem quickly.",
    "Waited too long on hold, but the issue is fixed.",
    "The app keeps logging me out, please fix it.",
    "Delivery arrived a day early, thank you!",
    "Average experience, nothing special.",
]


def items(count: int, prefix: str, seed: int) -> list[dict]:
    """Canonical items spread over the last 30 days; 30% carry a comment."""
    rng = random.Random(seed)
    now = datetime.now(UTC) - timedelta(minutes=10)
    out = []
    for index in range(count):
        metric = rng.choice(("nps", "nps", "csat", "csat", "ces"))
        lo, hi = RANGES[metric]
        item = {
            "external_id": f"{prefix}-{index}",
            "metric": metric,
            "score": rng.randint(lo, hi),
            "channel": rng.choice(CHANNELS),
            "department": rng.choice(DEPARTMENTS),
            "occurred_at": (now - timedelta(seconds=rng.randrange(30 * 86400))).isoformat(),
            "handled_by": rng.choice(("ai", "human", "ai_to_human", "unknown")),
            "customer_id": f"cust-{rng.randrange(count // 3 + 1)}",
            "attributes": {"segment": rng.choice(("consumer", "business"))},
        }
        if rng.random() < 0.3:
            item["comment"] = rng.choice(COMMENTS)
        out.append(item)
    return out


def push(port: int, key: str, bodies: list[bytes], threads: int) -> tuple[float, int, int]:
    """POST every body from `threads` threads; returns (seconds, accepted, duplicates)."""
    work: queue.Queue[bytes] = queue.Queue()
    for body in bodies:
        work.put(body)
    totals = {"accepted": 0, "duplicates": 0}
    errors: list[str] = []
    lock = threading.Lock()

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
        headers = {"Authorization": f"Api-Key {key}", "Content-Type": "application/json"}
        while True:
            try:
                body = work.get_nowait()
            except queue.Empty:
                break
            conn.request("POST", "/api/v1/responses", body=body, headers=headers)
            response = conn.getresponse()
            answer = json.loads(response.read())
            with lock:
                if response.status != 201:
                    errors.append(f"{response.status}: {str(answer)[:300]}")
                totals["accepted"] += answer.get("accepted", 0)
                totals["duplicates"] += answer.get("duplicates", 0)
        conn.close()

    clients = [threading.Thread(target=client) for _ in range(threads)]
    started = time.perf_counter()
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} failed batches, e.g. {errors[0]}")
    return elapsed, totals["accepted"], totals["duplicates"]


def copy_rows(url: str, rows: list[dict], *, indexed: bool) -> float:
    """Raw psycopg COPY of the same rows into a scratch table; returns seconds."""
    with psycopg.connect(url) as conn:
        ids = dict(conn.execute("SELECT slug, id FROM cxmetrics_channel").fetchall())
        deps = dict(conn.execute("SELECT slug, id FROM cxmetrics_department").fetchall())
        like = "INCLUDING ALL" if indexed else "INCLUDING DEFAULTS INCLUDING IDENTITY"
        conn.execute("DROP TABLE IF EXISTS bench_scratch")
        conn.execute(f"CREATE TABLE bench_scratch (LIKE cxmetrics_response {like})")
        conn.commit()
        now = datetime.now(UTC)
        tuples = []
        for row in rows:
            moment = datetime.fromisoformat(row["occurred_at"])
            tuples.append(
                (
                    1,
                    row["external_id"],
                    row["metric"],
                    float(row["score"]),
                    ids[row["channel"]],
                    deps[row["department"]],
                    moment,
                    moment.date(),
                    now,
                    row["handled_by"],
                    "",
                    row["customer_id"],
                    row.get("comment", ""),
                    None,
                    Jsonb(row["attributes"], dumps=orjson.dumps),
                )
            )
        started = time.perf_counter()
        with conn.cursor() as cursor:
            for start in range(0, len(tuples), BATCH):
                # Binary format, as the ingest path itself: the fastest COPY psycopg offers.
                sql = f"COPY bench_scratch ({COLUMNS}) FROM STDIN (FORMAT BINARY)"
                with cursor.copy(sql) as copy:
                    copy.set_types(COPY_TYPES)
                    for values in tuples[start : start + BATCH]:
                        copy.write_row(values)
                conn.commit()
        elapsed = time.perf_counter() - started
        conn.execute("DROP TABLE bench_scratch")
        conn.commit()
    return elapsed


def count_rows(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM cxmetrics_response").fetchone()[0]


def write_csv(path: Path, count: int) -> None:
    header = ["external_id", "metric", "score", "channel", "department", "occurred_at"]
    header += ["handled_by", "customer_id", "comment"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for start in range(0, count, BATCH):
            for item in items(min(BATCH, count - start), f"csv{start}", seed=start):
                writer.writerow([item.get(name, "") for name in header])


def upload_csv(port: int, key: str, path: Path) -> tuple[float, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1800)
    headers = {
        "Authorization": f"Api-Key {key}",
        "Content-Type": "text/csv",
        "Content-Length": str(path.stat().st_size),
    }
    started = time.perf_counter()
    with path.open("rb") as body:
        conn.request("POST", "/api/v1/responses", body=body, headers=headers)
        response = conn.getresponse()
        answer = json.loads(response.read())
    elapsed = time.perf_counter() - started
    conn.close()
    if response.status != 201:
        raise RuntimeError(f"CSV upload: {response.status} {str(answer)[:300]}")
    return elapsed, answer
