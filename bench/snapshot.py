"""A behaviour snapshot: the API's answers on the demo data, for comparing before and after a
change that must not change behaviour (`python -m bench snapshot --out before.json`, change,
`python -m bench snapshot --out after.json`, then `diff before.json after.json`).

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


def main(options: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench snapshot")
    parser.add_argument("--out", default="snapshot.json")
    args = parser.parse_args(options)
    with (
        tempfile.TemporaryDirectory() as folder,
        mock.patch("django.utils.timezone.now", return_value=FIXED_NOW),
    ):
        _setup(Path(folder) / "snapshot.sqlite3")
        answers = _answers()
    Path(args.out).write_text(json.dumps(answers, indent=1, sort_keys=True, default=str) + "\n")
    print(f"{len(answers)} answers written to {args.out}")
