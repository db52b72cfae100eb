"""Rollups and sentiment at scale on PostgreSQL (`python -m bench pipeline [--scale=small]`).

1. (Re)creates the bench database (CX_BENCH_PIPELINE_URL, default
   postgres://postgres@127.0.0.1:5432/cx_bench_pipeline), migrates it, loads the demo
   organisation.
2. Generates responses inside PostgreSQL (INSERT ... SELECT over generate_series, in 1M-row
   transactions: no client round trip at all, faster than COPY from Python) over 365 days,
   7 channels, 5 departments, 4 handlers, 3 sources; 30% carry a comment with a 4-decimal
   sentiment. The table is then CLUSTERed by day (the physical order rows have when they
   arrive in time order), VACUUM ANALYZEd, and the rollups fully rebuilt (timed).
3. At the first size (1M; small: 100k) and the second (10M; small: 1M): ingests 10,000 new
   responses for today and yesterday through `record_responses` (the batch's new-row note
   included, tasks not queued) and times the whole refresh (`refresh_all_dirty_rollups`: dirty
   buckets, none here, then the new rows turned into deltas and the deltas added into the
   rollups); three rounds, median printed.
4. At the second size: the NPS and sentiment summaries by channel over the last 90 days from
   rollups (median of 25) and by GROUP BY over raw responses (median of 5), checks both are
   equal, and prints the speed-up.
5. Sentiment scoring throughput: the scorer alone on 20,000 comments (CPU time of one core),
   and the whole task path (read, score, write, append deltas) on 20,000 stored comments.

The run happens in a child process with DATABASE_URL pointing at the bench database and no
broker. The machine is shared: figures are medians and noisy.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/cx_bench_pipeline"
SCALES = {"small": (100_000, 1_000_000), "full": (1_000_000, 10_000_000)}
NEW_RESPONSES = 10_000
CHUNK = 1_000_000
DAYS = 365
COMMENTS = [
    "Great service, the agent solved my problem quickly. Thank you!",
    "Waited forty minutes on hold and nobody could help. Very frustrating.",
    "It was ok, took a while but the issue is fixed.",
    "The chatbot was useless, I just wanted to talk to a human being about my refund.",
    "Excellent experience, delivery arrived early and everything works perfectly.",
    "Average experience. Nothing special.",
]


def main(argv: list[str]) -> None:
    scale = "full"
    for arg in argv:
        if arg.startswith("--scale="):
            scale = arg.split("=", 1)[1]
    if scale not in SCALES:
        raise SystemExit(f"--scale must be one of {', '.join(SCALES)}")
    env = {**os.environ, "DATABASE_URL": os.environ.get("CX_BENCH_PIPELINE_URL", DEFAULT_URL)}
    env.pop("CELERY_BROKER_URL", None)
    env["DJANGO_SETTINGS_MODULE"] = "cxmetrics.settings"
    subprocess.run(
        [sys.executable, "-c", f"from bench.pipeline import run; run({scale!r})"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def _recreate_database(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _combos(cursor) -> int:  # type: ignore[no-untyped-def]
    """A table of the (channel, department, handler, metric) mixes the demo organisation has
    (channels serve some departments and ask some metrics), so buckets are as dense as in life."""
    from cxmetrics.demo.responses import CHANNELS, HANDLING
    from cxmetrics.models import Channel, Department

    channel_ids = dict(Channel.objects.values_list("slug", "pk"))
    department_ids = dict(Department.objects.values_list("slug", "pk"))
    handlers = ["ai", "human", "ai_to_human", "unknown"]
    combos = [
        (channel_ids[channel], department_ids[department], handler, metric)
        for channel, (_, _, metrics, departments) in CHANNELS.items()
        for department in departments
        for handler, weight in zip(handlers, HANDLING[channel], strict=True)
        if weight
        for metric in metrics
    ]
    cursor.execute(
        "CREATE TEMP TABLE IF NOT EXISTS bench_combo (idx int, channel_id bigint, "
        "department_id bigint, handled_by text, metric text)"
    )
    cursor.execute("TRUNCATE bench_combo")
    cursor.executemany(
        "INSERT INTO bench_combo VALUES (%s, %s, %s, %s, %s)",
        [(index, *combo) for index, combo in enumerate(combos)],
    )
    return len(combos)


def _generate(cursor, first: int, last: int, today, combos: int) -> None:  # type: ignore[no-untyped-def]
    """Insert responses with ids first..last (inclusive) in SQL."""
    from cxmetrics.models import Response

    comments = "ARRAY[" + ", ".join("'" + c.replace("'", "''") + "'" for c in COMMENTS) + "]"
    cursor.execute(
        f"""
        INSERT INTO {Response._meta.db_table} (source_id, external_id, metric, score, channel_id,
            department_id, occurred_at, day, received_at, handled_by, agent_ref, customer_ref,
            comment, sentiment, attributes)
        SELECT (ARRAY[1, 2, 6])[1 + (g %% 3)], 'bench-' || g, k.metric,
            CASE k.metric
                WHEN 'nps' THEN floor(random() * 11)
                WHEN 'csat' THEN 1 + floor(random() * 5)
                WHEN 'ces' THEN 1 + floor(random() * 7)
                ELSE round((random() * 2 - 1)::numeric, 4)::float8 END,
            k.channel_id, k.department_id,
            d.day + make_interval(secs => 28800 + (g %% 43200)), d.day, now(),
            k.handled_by, '', '',
            CASE WHEN c.has THEN ({comments})[1 + g %% {len(COMMENTS)}] ELSE '' END,
            CASE WHEN k.metric = 'sentiment' OR c.has
                THEN round((random() * 2 - 1)::numeric, 4)::float8 END,
            '{{}}'::jsonb
        FROM generate_series(%s::bigint, %s::bigint) g
        -- "+ 0 * g" correlates each lateral subquery with g, or PostgreSQL evaluates it once.
        CROSS JOIN LATERAL (SELECT floor(random() * {combos} + 0 * g)::int AS idx) r
        JOIN bench_combo k ON k.idx = r.idx
        CROSS JOIN LATERAL (SELECT %s::date - floor(random() * {DAYS} + 0 * g)::int AS day) d
        CROSS JOIN LATERAL (SELECT random() + 0 * g < 0.3 AS has) c
        """,
        [first, last, today],
    )


def _load(upto: int, have: int, today) -> int:  # type: ignore[no-untyped-def]
    """Generate rows have+1..upto with the table's secondary indexes and unique constraint
    dropped and foreign-key triggers off (bench database only), then restore them."""
    from django.db import connection, transaction

    table = "cxmetrics_response"
    started = time.perf_counter()
    with connection.cursor() as cursor:
        combos = _combos(cursor)
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'u'",
            [table],
        )
        uniques = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
            "AND i.indexname NOT IN (SELECT conname FROM pg_constraint "
            "WHERE conrelid = %s::regclass)",
            [table, table],
        )
        indexes = cursor.fetchall()
        for name, _ in uniques:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    while have < upto:
        last = min(upto, have + CHUNK)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            _generate(cursor, have + 1, last, today, combos)
        have = last
        rate = have / (time.perf_counter() - started)
        print(f"  generated {have:>12,} rows ({rate:,.0f} rows/s overall)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for name, definition in uniques:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for _, definition in indexes:
            cursor.execute(definition)
        # Rows arrive in time order in production, so a day's rows sit on few pages; generated
        # rows have random days. CLUSTER restores the arrival order (else every refresh reads
        # its days' rows from pages spread over the whole table).
        cursor.execute(f"CLUSTER {table} USING response_day_metric_idx")
        cursor.execute(f"VACUUM ANALYZE {table}")
    return have


def fill(count: int) -> None:
    """Generate `count` responses into the current database (migrated, demo organisation
    loaded, no responses yet) with this bench's generator, then rebuild the rollups. Other
    benches (dashboards) call it in a child process with DATABASE_URL set."""
    import django

    django.setup()
    from django.utils import timezone

    from cxmetrics.localtime import local_day
    from cxmetrics.services.rollups import rebuild_rollups

    _load(count, 0, local_day(timezone.now()))
    rebuild_rollups()


def _ingest_new(round_no: int, today) -> None:  # type: ignore[no-untyped-def]
    import random
    from datetime import UTC, datetime, timedelta
    from datetime import time as dtime

    from cxmetrics.ingest.types import ResponseIn
    from cxmetrics.models import Source
    from cxmetrics.services import record_responses

    rng = random.Random(round_no)
    metrics = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
    items = []
    for index in range(NEW_RESPONSES):
        metric = rng.choice([*metrics, "sentiment"])
        low_high = metrics.get(metric)
        score = float(rng.randint(*low_high)) if low_high else round(rng.uniform(-1, 1), 4)
        day = today - timedelta(days=rng.randint(0, 1))
        items.append(
            ResponseIn(
                external_id=f"new-{round_no}-{index}",
                metric=metric,
                score=score,
                channel_id=rng.randint(1, 7),
                department_id=rng.randint(1, 5),
                occurred_at=datetime.combine(day, dtime(12), tzinfo=UTC),
                handled_by=rng.choice(["ai", "human", "ai_to_human", "unknown"]),
                comment=rng.choice(COMMENTS) if rng.random() < 0.3 else "",
            )
        )
    record_responses(source=Source.objects.get(slug="integrations"), items=items)


def _refresh_rounds(label: str, today, rows: list) -> None:  # type: ignore[no-untyped-def]
    from cxmetrics.models import DirtyBucket, NewRows, RollupDelta
    from cxmetrics.services.rollups import refresh_all_dirty_rollups

    times, pending = [], []
    for round_no in range(3):
        _ingest_new(hash((label, round_no)) % 10_000, today)
        pending.append(
            NewRows.objects.count() + RollupDelta.objects.count() + DirtyBucket.objects.count()
        )
        started = time.perf_counter()
        refresh_all_dirty_rollups()
        times.append(time.perf_counter() - started)
        assert not RollupDelta.objects.exists() and not DirtyBucket.objects.exists()
        assert not NewRows.objects.exists()
    rows.append(
        (
            f"refresh after {NEW_RESPONSES:,} new, {label} stored",
            f"{statistics.median(times) * 1000:,.0f} ms",
            f"median of 3 ({', '.join(f'{t * 1000:.0f}' for t in times)} ms); "
            f"{statistics.median(pending):.0f} new-row batches, deltas and marks",
        )
    )


def _median_ms(function, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _summaries(today, rows: list) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from cxmetrics.selectors.summary import SummaryFilters, metric_summary, metric_summary_raw

    filters = SummaryFilters(start=today - timedelta(days=89), end=today)
    for metric in ("nps", "sentiment"):
        kwargs = {"metric": metric, "group_by": "channel", "filters": filters}
        assert metric_summary(**kwargs) == metric_summary_raw(**kwargs), "rollups != raw"
        fast = _median_ms(lambda kwargs=kwargs: metric_summary(**kwargs), 25)
        slow = _median_ms(lambda kwargs=kwargs: metric_summary_raw(**kwargs), 5)
        rows.append((f"{metric} by channel, 90 days: rollups", f"{fast:,.1f} ms", "median of 25"))
        rows.append(
            (
                f"{metric} by channel, 90 days: raw GROUP BY",
                f"{slow:,.0f} ms",
                f"median of 5; rollups {slow / fast:,.0f}x faster; results equal",
            )
        )


def _sentiment(rows: list) -> None:
    from cxmetrics.models import Response
    from cxmetrics.sentiment import get_scorer
    from cxmetrics.services.sentiment import score_comments

    texts = [COMMENTS[i % len(COMMENTS)] + f" (ticket {i})" for i in range(20_000)]
    scorer = get_scorer()
    started = time.process_time()
    scorer.score_many(texts)
    cpu = time.process_time() - started
    words = statistics.mean(len(t.split()) for t in texts)
    rows.append(
        (
            "sentiment scorer (VADER) alone",
            f"{len(texts) / cpu:,.0f} /s/core",
            f"20,000 comments of {words:.0f} words, CPU time",
        )
    )
    ids = list(
        Response.objects.exclude(comment="").order_by("-pk").values_list("pk", flat=True)[:20_000]
    )
    Response.objects.filter(pk__in=ids).exclude(metric="sentiment").update(sentiment=None)
    pending = Response.objects.filter(pk__in=ids, sentiment__isnull=True).count()
    started_wall, started_cpu = time.perf_counter(), time.process_time()
    scored = score_comments(response_ids=ids)
    wall = time.perf_counter() - started_wall
    cpu = time.process_time() - started_cpu
    assert scored == pending
    rows.append(
        (
            "score_sentiment task path",
            f"{scored / wall:,.0f} /s",
            f"{scored:,} stored comments: read, score, write, append deltas; "
            f"{scored / cpu:,.0f} /s per core of worker CPU",
        )
    )


def run(scale: str) -> None:
    """The bench itself, in the child process (DATABASE_URL = the bench database)."""
    import django

    _recreate_database(os.environ["DATABASE_URL"])
    django.setup()
    from unittest import mock

    from django.core.management import call_command

    from cxmetrics.localtime import local_day
    from cxmetrics.services.rollups import rebuild_rollups

    call_command("migrate", verbosity=0)
    call_command("loaddata", str(ROOT / "fixtures" / "demo_org.json"), verbosity=0)
    from django.utils import timezone

    today = local_day(timezone.now())
    first, second = SCALES[scale]
    rows: list[tuple[str, str, str]] = []
    have = 0
    with mock.patch("cxmetrics.enqueue.publish"):
        for size in (first, second):
            print(f"loading {size:,} responses…", flush=True)
            started = time.perf_counter()
            have = _load(size, have, today)
            load_s = time.perf_counter() - started
            rows.append((f"generate to {size:,} rows, index, CLUSTER", f"{load_s:,.1f} s", ""))
            started = time.perf_counter()
            buckets = rebuild_rollups()
            rows.append(
                (
                    f"rebuild all rollups at {size:,}",
                    f"{time.perf_counter() - started:,.1f} s",
                    f"{buckets:,} buckets",
                )
            )
            _refresh_rounds(f"{size:,}", today, rows)
        _summaries(today, rows)
        _sentiment(rows)
    width = max(len(r[0]) for r in rows)
    print(f"\npipeline bench ({scale}), PostgreSQL, shared 2-core machine")
    print(f"{'measure':<{width}}  {'result':>16}  notes")
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>16}  {note}")
