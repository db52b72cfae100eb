"""Follow-ups at scale on PostgreSQL (`python -m bench followups [--scale=small]`).

1. (Re)creates the bench database (CX_BENCH_FOLLOWUPS_URL, default
   postgres://postgres@127.0.0.1:5432/cx_bench_followups), migrates it, loads the demo
   organisation and the default rules, and generates responses with the pipeline bench's
   generator (`bench.pipeline.fill`: 365 days, the demo's channel/department mix); every
   response gets one of `responses / 4` customer references (so customers answer about four
   times a year and recovery has next answers to find).
2. Opens follow-ups for 10% of the responses (full: 1,000,000 of 10,000,000; small: 100,000
   of 1,000,000) in one INSERT ... SELECT, under the default rule of the response's metric:
   opened an hour after the answer, due 48 hours later; 70% closed (resolved, not resolved,
   unreachable; closed 1-96 hours after opening, so about half on time; a root cause of
   eight), 20% contacted, 10% still open. VACUUM ANALYZE.
3. Times, as server time per call in this process (the selector's queries and the Python
   around them; no HTTP), the median of N:
   * the queue page of a team lead of Support (`selectors.followups.followup_page`, 100 rows,
     newest first), unfiltered and overdue only;
   * the summary (`selectors.followups_summary.followups_summary`) by department over the
     last 90 days, by week over the last 90 days, and by department over all time.

The run happens in a child process with DATABASE_URL pointing at the bench database and no
broker. The machine is shared: figures are medians and noisy.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/cx_bench_followups"
SCALES = {"small": 1_000_000, "full": 10_000_000}
SHARE = 10  # one response in SHARE opens a follow-up
TARGET_MS = 300  # the bar at full scale


def main(argv: list[str]) -> None:
    scale = "full"
    for index, arg in enumerate(argv):
        if arg.startswith("--scale="):
            scale = arg.split("=", 1)[1]
        elif arg == "--scale" and index + 1 < len(argv):
            scale = argv[index + 1]
    if scale not in SCALES:
        raise SystemExit(f"--scale must be one of {', '.join(SCALES)}")
    env = {**os.environ, "DATABASE_URL": os.environ.get("CX_BENCH_FOLLOWUPS_URL", DEFAULT_URL)}
    env.pop("CELERY_BROKER_URL", None)
    subprocess.run(
        [sys.executable, "-c", f"from bench.followups import run; run({scale!r})"],
        env=env,
        check=True,
    )


def _customers(count: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cxmetrics_response SET customer_ref = 'cust-' || (id %% %s)",
            [max(count // 4, 1)],
        )


def _open_followups() -> int:
    """Follow-ups for every SHARE-th response, in SQL (see the module docstring)."""
    from django.db import connection

    from cxmetrics.models import FollowUpRule, RootCause

    rules = dict(FollowUpRule.objects.values_list("metric", "pk"))
    causes = list(RootCause.objects.order_by("pk").values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO cxmetrics_followup (response_id, rule_id, department_id, status, outcome,
                root_cause_id, assignee_id, note, priority, opened_at, due_at, first_contact_at,
                closed_at, customer_ref, source_id)
            SELECT r.id, rule.id, r.department_id, s.status,
                CASE WHEN s.status = 'closed'
                    THEN (ARRAY['resolved', 'not_resolved', 'unreachable'])[1 + r.id % 3]
                    ELSE '' END,
                CASE WHEN s.status = 'closed'
                    THEN (ARRAY[{", ".join(map(str, causes))}])[1 + (r.id / 7) % {len(causes)}]
                    END,
                NULL, '', 'normal', o.opened_at, o.opened_at + interval '48 hours',
                CASE WHEN s.status = 'contacted'
                        OR (s.status = 'closed' AND r.id % 3 < 2)
                    THEN o.opened_at + make_interval(hours => (1 + (r.id / 11) % 24)::int) END,
                CASE WHEN s.status = 'closed'
                    THEN o.opened_at + make_interval(hours => (1 + (r.id / 13) % 96)::int) END,
                r.customer_ref, r.source_id
            FROM cxmetrics_response r
            JOIN (VALUES {", ".join(f"('{metric}', {pk})" for metric, pk in rules.items())})
                AS rule (metric, id) ON rule.metric = r.metric
            CROSS JOIN LATERAL (SELECT r.occurred_at + interval '1 hour' AS opened_at) o
            CROSS JOIN LATERAL (SELECT CASE WHEN r.id % 100 < 70 THEN 'closed'
                WHEN r.id % 100 < 90 THEN 'contacted' ELSE 'open' END AS status) s
            WHERE r.id % {SHARE} = 0
            """
        )
        opened = cursor.rowcount
        cursor.execute("VACUUM ANALYZE cxmetrics_followup")
        cursor.execute("ANALYZE cxmetrics_response")
    return opened


def _median_ms(function, repeat: int) -> tuple[float, list[float]]:  # type: ignore[no-untyped-def]
    function()  # warm: plans and pages cached, as on a serving process
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), times


def _timings(rows: list, repeat: int) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from django.contrib.auth.models import Group, User

    from cxmetrics.models import Department
    from cxmetrics.selectors.dashboards.filters import today
    from cxmetrics.selectors.followups import FollowUpFilters, followup_page
    from cxmetrics.selectors.followups_summary import followups_summary
    from cxmetrics.selectors.summary import SummaryFilters

    lead = User.objects.create_user("bench-lead")
    lead.groups.add(Group.objects.get_or_create(name="team_lead")[0])
    Department.objects.get(slug="support").leads.add(lead)
    end = today()
    last_90 = SummaryFilters(start=end - timedelta(days=89), end=end)
    calls = [
        (
            "queue page, Support lead, 100 rows",
            lambda: followup_page(user=lead, filters=FollowUpFilters(), size=100),
        ),
        (
            "queue page, Support lead, overdue only",
            lambda: followup_page(user=lead, filters=FollowUpFilters(overdue=True), size=100),
        ),
        (
            "summary by department, last 90 days",
            lambda: followups_summary(group_by="department", filters=last_90),
        ),
        (
            "summary by week, last 90 days",
            lambda: followups_summary(group_by="week", filters=last_90),
        ),
        (
            "summary by department, all time",
            lambda: followups_summary(group_by="department"),
        ),
    ]
    for name, call in calls:
        median, times = _median_ms(call, repeat)
        verdict = "ok" if median <= TARGET_MS else f"over {TARGET_MS} ms"
        rows.append(
            (
                name,
                f"{median:,.1f} ms",
                f"median of {repeat} ({', '.join(f'{t:.0f}' for t in times)}); {verdict}",
            )
        )
    summary = followups_summary(group_by="department", filters=last_90)
    overall = summary["overall"]
    rows.append(
        (
            "  (90 days: opened, on time, recovery n)",
            f"{overall['opened']:,}",
            f"{overall['on_time_rate']:.1f}% on time, recovery n = {overall['recovery']['n']:,}",
        )
    )


def run(scale: str) -> None:
    """The bench itself, in the child process (DATABASE_URL = the bench database)."""
    from unittest import mock

    from bench.pipeline import ROOT, _recreate_database

    _recreate_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    from bench.pipeline import fill
    from cxmetrics.services.followups import ensure_defaults

    call_command("migrate", verbosity=0)
    call_command("loaddata", str(ROOT / "fixtures" / "demo_org.json"), verbosity=0)
    ensure_defaults()
    count = SCALES[scale]
    rows: list[tuple[str, str, str]] = []
    with mock.patch("cxmetrics.enqueue.publish"):
        started = time.perf_counter()
        print(f"loading {count:,} responses…", flush=True)
        fill(count)
        _customers(count)
        rows.append(
            (f"generate {count:,} responses", f"{time.perf_counter() - started:,.1f} s", "")
        )
        started = time.perf_counter()
        opened = _open_followups()
        rows.append(
            (
                f"open {opened:,} follow-ups (SQL)",
                f"{time.perf_counter() - started:,.1f} s",
                "INSERT ... SELECT, VACUUM ANALYZE",
            )
        )
        _timings(rows, repeat=9 if scale == "small" else 7)
    width = max(len(r[0]) for r in rows)
    print(f"\nfollow-ups bench ({scale}), PostgreSQL, shared 2-core machine, server time per call")
    print(f"{'measure':<{width}}  {'result':>14}  notes")
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>14}  {note}")
