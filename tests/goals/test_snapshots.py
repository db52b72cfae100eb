"""Nightly snapshots keep each active goal's progress for the history charts."""

from __future__ import annotations

from datetime import timedelta

from django.core.management import call_command

from cxmetrics.models import GoalSnapshot
from cxmetrics.services.goals import snapshot_goals
from cxmetrics.tasks import snapshot_goals as snapshot_task
from tests.goals.conftest import END, MID, START, make_goal, nps_30


def test_snapshot_stores_progress_of_active_goals_once_per_day(lead):
    # given a January goal with data and a March goal
    nps_30()
    january = make_goal(actor=lead)
    make_goal(
        actor=lead, name="March", start=END + timedelta(days=30), end=END + timedelta(days=60)
    )
    # when snapshotted twice on the same day
    snapshot_goals(as_of=MID)
    written = snapshot_goals(as_of=MID)
    # then one row for the active goal only, with its progress
    assert written == 1
    snapshot = GoalSnapshot.objects.get()
    assert (snapshot.goal, snapshot.as_of, snapshot.n, snapshot.status) == (
        january,
        MID,
        100,
        "on_track",
    )


def test_history_endpoint_returns_snapshots_oldest_first(lead, clients):
    # given a backfill over January by the command
    nps_30()
    goal = make_goal(actor=lead)
    call_command("snapshot_goals", "--since", str(START), "--as-of", str(END))
    # when
    response = clients("executive").get(f"/api/v1/goals/{goal.pk}/history")
    # then
    rows = response.json()
    assert response.status_code == 200
    assert len(rows) == 31
    assert rows[0]["as_of"] == str(START)
    assert rows[0]["status"] == "not_enough_data"  # no answers before 5 January
    assert rows[-1]["n"] == 100


def test_the_nightly_task_is_registered_under_its_beat_name(lead):
    # given
    nps_30()
    make_goal(actor=lead)
    # when run eagerly
    written = snapshot_task.delay(as_of=MID.isoformat()).get()
    # then
    assert written == 1
    assert snapshot_task.name == "cxmetrics.tasks.snapshot_goals"
