"""CX_TIME_ZONE changed after data exists: web and workers refuse to start, naming the command;
`manage.py recompute_days` moves every stored day to the new zone and rebuilds the rollups."""

from __future__ import annotations

import importlib
from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from cxmetrics.models import DailyRollup, DayZone, Response
from cxmetrics.services.days import ensure_day_zone
from tests.factories import make_responses

# 23:30 UTC on 1 June is 01:30 on 2 June in Paris (UTC+2 in summer).
LATE = datetime(2024, 6, 1, 23, 30, tzinfo=UTC)
NOON = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
MESSAGE = (
    "CX_TIME_ZONE is Europe/Paris but the stored days are in UTC: run "
    "`python manage.py recompute_days` (with web and workers stopped), then start again."
)


@pytest.fixture
def utc_days(org, settings):
    settings.TIME_ZONE = "UTC"
    make_responses(scores=[9, 10], metric="nps", occurred_at=LATE)
    make_responses(scores=[3], metric="nps", occurred_at=NOON)
    call_command("rebuild_rollups", stdout=StringIO())


def _rollup_days():
    return sorted(DailyRollup.objects.values_list("day", "n"))


@pytest.mark.django_db
def test_migrate_records_the_zone_the_days_are_in(settings):
    assert DayZone.objects.get().time_zone == settings.TIME_ZONE == "UTC"


@pytest.mark.django_db
def test_a_changed_zone_refuses_to_start_and_names_the_command(utc_days, settings):
    # given days stored in UTC, then CX_TIME_ZONE changed
    settings.TIME_ZONE = "Europe/Paris"
    # when web or workers start, then they refuse with a message naming the command
    with pytest.raises(ImproperlyConfigured) as refusal:
        ensure_day_zone()
    assert str(refusal.value) == MESSAGE
    with pytest.raises(ImproperlyConfigured):
        importlib.reload(importlib.import_module("cxmetrics.wsgi"))
    # and with the zone unchanged they start
    settings.TIME_ZONE = "UTC"
    ensure_day_zone()


def _recompute_and_check(settings):
    settings.TIME_ZONE = "Europe/Paris"
    out = StringIO()
    call_command("recompute_days", stdout=out)
    # the late answers moved to 2 June, the noon one stayed, rollups follow, the zone is stored
    days = dict(Response.objects.values_list("occurred_at", "day").distinct())
    assert days == {LATE: date(2024, 6, 2), NOON: date(2024, 6, 1)}
    assert _rollup_days() == [(date(2024, 6, 1), 1), (date(2024, 6, 2), 2)]
    assert DayZone.objects.get().time_zone == "Europe/Paris"
    assert "2 responses moved to another day" in out.getvalue()
    ensure_day_zone()  # starts again
    # and a second run changes nothing
    again = StringIO()
    call_command("recompute_days", stdout=again)
    assert "0 responses moved" in again.getvalue()
    assert _rollup_days() == [(date(2024, 6, 1), 1), (date(2024, 6, 2), 2)]


@pytest.mark.django_db
def test_recompute_days_moves_days_and_rebuilds_rollups(utc_days, settings):
    assert _rollup_days() == [(date(2024, 6, 1), 3)]
    _recompute_and_check(settings)


@pytest.mark.postgres
@pytest.mark.django_db
def test_recompute_days_on_postgresql_in_sql(utc_days, settings):
    _recompute_and_check(settings)


def test_a_celery_worker_refuses_to_start_on_a_changed_zone(tmp_path):
    # given a database migrated with its days in UTC (a file of its own: another process)
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    env.update(SQLITE_PATH=str(tmp_path / "db.sqlite3"), CX_TIME_ZONE="UTC")
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=root, env=env, check=True)
    # when a worker starts with another zone (Celery only logs what a signal handler raises)
    env.update(CX_TIME_ZONE="Europe/Paris", CELERY_BROKER_URL="memory://")
    worker = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "cxmetrics", "worker", "--pool=solo"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # then it leaves at once, naming the command
    assert worker.returncode == 78
    assert "run `python manage.py recompute_days`" in worker.stderr
