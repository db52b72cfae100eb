"""A behaviour snapshot: the API's answers on the demo data, for comparing before and after a
change that must not change behaviour (`python -m bench snapshot --out before.json`, change,
`python -m bench snapshot --out after.json`, then `diff before.json after.json`).

`--dashboards` adds what the dashboards' selectors return for each page with the page's
default filters (keys `dashboards:<page>:<selector>...`), every metric where a page has a
metric filter; without it the file holds the API's answers only.

Runs on a fresh SQLite file with the clock fixed (2026-06-15 12:00 UTC), so two runs on
different days store the same demo data and answer the same figures. Not a benchmark: it runs
only when named."""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

FIXED_NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
METRICS = ("csat", "nps", "ces", "sentiment")
SUMMARY_QUERIES = [
    {},
    {"group_by": "channel"},
    {"group_by": "department"},
    {"group_by": "handled_by"},
    {"group_by": "day"},
    {"group_by": "week", "channel": "chat,web"},
    {"group_by": "month", "start": "2026-03-01", "end": "2026-05-31"},
    {"group_by": "source", "department": "support", "handled_by": "ai"},
]
COMPARE_QUERIES = [
    {"by": "handled_by", "a": "ai", "b": "human"},
    {"by": "channel", "a": "phone", "b": "chat"},
    {"by": "department", "a": "support", "b": "billing", "start": "2026-04-01"},
]


def _setup(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    # Customer ids are stored as a keyed hash; a fixed key makes every checkout's answers equal
    # (the default key is each checkout's own .secret_key).
    os.environ["CUSTOMER_HASH_KEY"] = "bench-snapshot"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxmetrics.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("loaddata", "fixtures/demo_org.json", verbosity=0)
    call_command("seed_demo", count=6000, no_progress=True, verbosity=0)
    call_command("seed_demo_goals", verbosity=0)
    from cxmetrics.demo.users import ensure_demo_users

    ensure_demo_users()


def _rows(body: object) -> list[dict]:
    """The objects of a list answer (a list, or a page with `results`)."""
    if isinstance(body, dict):
        for key in ("results", "goals", "plans", "items"):
            if isinstance(body.get(key), list):
                return body[key]
        raise SystemExit(f"a list answer of an unknown shape: {sorted(body)}")
    return list(body or [])


def _answers() -> dict[str, object]:
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    from cxmetrics.roles import Role

    user = get_user_model().objects.filter(groups__name=Role.ADMIN).first()
    client = APIClient()
    client.force_authenticate(user)
    out: dict[str, object] = {}

    def get(path: str, params: dict | None = None) -> object:
        answer = client.get(path, params or {})
        key = path + (
            "?" + "&".join(f"{k}={v}" for k, v in sorted(params.items())) if params else ""
        )
        body = answer.json() if answer.content else None
        out[key] = {"status": answer.status_code, "body": body}
        return body

    for metric in METRICS:
        for query in SUMMARY_QUERIES:
            get("/api/v1/metrics/summary", {"metric": metric, **query})
        for query in COMPARE_QUERIES:
            get("/api/v1/metrics/compare", {"metric": metric, **query})
    get("/api/v1/responses", {"page_size": 50})
    for path in ("/api/v1/departments", "/api/v1/channels", "/api/v1/sources"):
        get(path)
    for goal in _rows(get("/api/v1/goals")):
        get(f"/api/v1/goals/{goal['id']}")
        get(f"/api/v1/goals/{goal['id']}/progress")
        get(f"/api/v1/goals/{goal['id']}/history")
    for plan in _rows(get("/api/v1/incentive-plans")):
        get(f"/api/v1/incentive-plans/{plan['id']}")
        get(f"/api/v1/incentive-plans/{plan['id']}/attainment")
    get("/api/v1/alignment")
    return out


def _dashboard_answers() -> dict[str, object]:
    """Each page's selectors called as the page calls them with its default filters."""
    from django.contrib.auth import get_user_model

    from cxmetrics.models import Metric
    from cxmetrics.roles import Role
    from cxmetrics.selectors import dashboards as read

    user = get_user_model().objects.filter(groups__name=Role.ADMIN).first()
    query = read.parse_dashboard_query(params={})
    filters, as_of = query.filters, query.values["as_of"]
    out: dict[str, object] = {
        "dashboards:filter_options": read.filter_options(),
        "dashboards:has_responses": read.has_responses(),
        "dashboards:overview:overview_cards": read.overview_cards(filters=filters),
        "dashboards:automation:escalation_share": read.escalation_share(filters=filters),
        "dashboards:goals:goals_page": read.goals_page(as_of=as_of, user=user),
        "dashboards:incentives:incentives_board": read.incentives_board(as_of=as_of),
        "dashboards:voice:recent_comments": read.recent_comments(filters=filters),
        "dashboards:voice:negative_themes": read.negative_themes(filters=filters),
    }
    for metric in Metric.values:
        for grain in ("day", "week", "month"):
            out[f"dashboards:overview:metric_trend:{metric}:{grain}"] = read.metric_trend(
                metric=metric, filters=filters, grain=grain
            )
        out[f"dashboards:overview:metric_breakdown:{metric}"] = read.metric_breakdown(
            metric=metric, filters=filters, by="channel"
        )
        out[f"dashboards:channels:channel_department_matrix:{metric}"] = (
            read.channel_department_matrix(metric=metric, filters=filters)
        )
        out[f"dashboards:channels:channel_consistency:{metric}"] = read.channel_consistency(
            metric=metric, filters=filters
        )
        out[f"dashboards:automation:automation_comparison:{metric}"] = read.automation_comparison(
            metric=metric, filters=filters
        )
        out[f"dashboards:voice:recent_comments:{metric}"] = read.recent_comments(
            filters=filters, metric=metric
        )
        out[f"dashboards:voice:negative_themes:{metric}"] = read.negative_themes(
            filters=filters, metric=metric
        )
    for sentiment in ("negative", "neutral", "positive"):
        out[f"dashboards:voice:recent_comments:any:{sentiment}"] = read.recent_comments(
            filters=filters, sentiment=sentiment
        )
    return out


def main(options: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench snapshot")
    parser.add_argument("--out", default="snapshot.json")
    parser.add_argument(
        "--dashboards", action="store_true", help="also dump the dashboards' selector outputs"
    )
    args = parser.parse_args(options)
    with (
        tempfile.TemporaryDirectory() as folder,
        mock.patch("django.utils.timezone.now", return_value=FIXED_NOW),
    ):
        _setup(Path(folder) / "snapshot.sqlite3")
        answers = _answers()
        if args.dashboards:
            answers.update(_dashboard_answers())
    Path(args.out).write_text(json.dumps(answers, indent=1, sort_keys=True, default=str) + "\n")
    print(f"{len(answers)} answers written to {args.out}")
