"""Bulk ingest over HTTP into PostgreSQL, served by gunicorn (`python -m bench api`).

1. (Re)creates the bench database (CX_BENCH_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/cx_bench), migrates it, loads the demo organisation and
   creates an API key with `manage.py create_api_key`.
2. Starts gunicorn on a free port (3 workers, `--workers=N`: one request more in flight than
   the 2 cores, so PostgreSQL stores a batch while Python parses the next; 2 workers measured
   about a third slower), with Celery tasks published to a Redis broker (db 13) as in
   production; no worker consumes them during the run.
3. Pushes N canonical responses in 10,000-item JSON batches from 3 client threads
   (`--threads=N`; bodies are generated before timing; connections are kept alive) and
   reports responses/s.
4. COPYs the same rows with psycopg into a scratch table shaped like the responses table (same
   indexes and checks), and into a bare one, and prints both rates and the ratios.
5. Re-sends every batch: verifies 0 rows added and every item counted as a duplicate.
6. Restarts gunicorn (1 fresh worker) and uploads an N-row CSV, streamed; reports the
   worker's peak RSS (VmHWM).

`--scale=small` runs 50,000 rows (for validation); the default is 1,000,000. Note:
`python -m bench api --scale small` would read `small` as an area name; use `--scale=small`.
"""

from __future__ import annotations

import csv
import http.client
import json
import os
import queue
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import psycopg
from psycopg.types.json import Jsonb

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BATCH = 10_000
CLIENT_THREADS = 3
WORKERS = 3
BROKER = "redis://127.0.0.1:6379/13"
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


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def purge_broker() -> None:
    # Our own Redis db only: the tasks queued during the run have no worker.
    subprocess.run(["redis-cli", "-n", BROKER.rsplit("/", 1)[1], "FLUSHDB"], capture_output=True)


def main(argv: list[str]) -> None:
    settings = parse(argv)
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "CELERY_BROKER_URL": BROKER,
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
    }
    print(
        f"rows: {settings.rows:,}  batch: {BATCH:,}  gunicorn workers: {settings.workers}  "
        f"client threads: {settings.threads}  cores: {os.cpu_count()}  "
        f"load average: {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    key = prepare_database(settings, env)
    rows = items(settings.rows, "bench", seed=1)
    bodies = [orjson.dumps(rows[i : i + BATCH]) for i in range(0, len(rows), BATCH)]
    print(f"generated {len(bodies)} bodies, {sum(map(len, bodies)) / 1e6:.0f} MB", flush=True)

    server, port = start_gunicorn(env, settings.workers)
    try:
        push(
            port, key, bodies[:2], settings.threads
        )  # warm-up: connections, imports (stored, then re-sent)
        before = count_rows(settings.database_url)
        ingest_s, accepted, _ = push(port, key, bodies[2:], settings.threads)
        accepted += before
        after = count_rows(settings.database_url)
        resend_s, re_accepted, re_duplicates = push(port, key, bodies, settings.threads)
        after_resend = count_rows(settings.database_url)
    finally:
        stop(server)
    timed_rows = settings.rows - 2 * BATCH
    api_rate = timed_rows / ingest_s

    copy_indexed_s = copy_rows(settings.database_url, rows, indexed=True)
    copy_bare_s = copy_rows(settings.database_url, rows, indexed=False)
    copy_indexed = settings.rows / copy_indexed_s
    copy_bare = settings.rows / copy_bare_s

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "responses.csv"
        write_csv(path, settings.rows)
        csv_mb = path.stat().st_size / 1e6
        server, port = start_gunicorn(env, 1)
        try:
            csv_s, csv_answer = upload_csv(port, key, path)
            peak = max(peak_rss_mb(pid) for pid in worker_pids(server.pid))
        finally:
            stop(server)
    purge_broker()

    table = [
        (
            "HTTP ingest (JSON batches of 10,000)",
            f"{api_rate:,.0f} responses/s",
            f"{timed_rows:,} rows in {ingest_s:.1f} s",
        ),
        (
            "raw psycopg COPY, same-shape table",
            f"{copy_indexed:,.0f} rows/s",
            f"ratio HTTP/COPY = {api_rate / copy_indexed:.2f}",
        ),
        (
            "raw psycopg COPY, bare table",
            f"{copy_bare:,.0f} rows/s",
            f"ratio HTTP/COPY = {api_rate / copy_bare:.2f}",
        ),
        ("stored after first pass", f"{after:,} rows", f"accepted {accepted:,}"),
        (
            "re-send all batches",
            f"{after_resend - after:+,} rows",
            f"accepted {re_accepted}, duplicates {re_duplicates:,} in {resend_s:.1f} s",
        ),
        (
            f"CSV upload ({csv_mb:.0f} MB, streamed)",
            f"peak worker RSS {peak:.0f} MB",
            f"{csv_answer['accepted']:,} accepted in {csv_s:.1f} s "
            f"({settings.rows / csv_s:,.0f} rows/s)",
        ),
    ]
    width = max(len(row[0]) for row in table)
    print()
    for name, value, note in table:
        print(f"{name:<{width}}  {value:>24}  {note}")
    ok = after_resend == after and re_duplicates == settings.rows and re_accepted == 0
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\nload average at the end (1, 5, 15 min): {load}; the figures need a quiet machine")
    print(
        f"re-send idempotent: {'yes' if ok else 'NO'}; "
        f"50,000/s target: {'met' if api_rate >= 50_000 else 'NOT met'}; "
        f"quarter of COPY (same-shape): {'met' if api_rate >= copy_indexed / 4 else 'NOT met'}; "
        f"CSV under 300 MB: {'met' if peak < 300 else 'NOT met'}"
    )
