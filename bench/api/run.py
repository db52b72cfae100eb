"""The ingest benchmark's steps and its report (see the package docstring)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import orjson

from bench.api.load import BATCH, copy_rows, count_rows, items, push, upload_csv, write_csv
from bench.api.servers import (
    BROKER,
    parse,
    peak_rss_mb,
    prepare_database,
    purge_broker,
    start_gunicorn,
    stop,
    worker_pids,
)


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
