"""Checks done through Django on the run's database: the pipeline's state, /healthz, rollups
against raw counts, and the final books."""

from __future__ import annotations

import http.client
import json
import os
import time

from bench.faults.client import Client


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
