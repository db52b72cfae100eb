"""Concurrency of rollup refreshes and rebuilds with ingest, on PostgreSQL: no committed response
is ever left out of its rollup without a dirty mark, whatever the interleaving."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from django.db import connection, connections, transaction

from cxmetrics.models import DailyRollup, DirtyBucket, Source
from cxmetrics.selectors.summary import metric_summary, metric_summary_raw
from cxmetrics.services import record_responses, rollups
from tests.factories import make_item

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DAY = datetime(2024, 3, 5, 12, tzinfo=UTC)


def _ingest(**overrides) -> None:
    item = make_item(metric="csat", score=5.0, occurred_at=DAY, **overrides)
    record_responses(source=Source.objects.get(slug="integrations"), items=[item])


def _in_thread(target) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            target()
        except BaseException as error:  # noqa: BLE001 - reported to the test thread
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, errors


def _wait_for(condition, what: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def _someone_waits_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def _pause_after_rollups_are_written(monkeypatch) -> tuple[threading.Event, threading.Event]:
    """Make the next refresh or rebuild stop after writing rollups, before deleting marks."""
    paused, resume = threading.Event(), threading.Event()
    original = rollups._insert_rollups

    def insert_then_wait(responses, **kwargs):
        written = original(responses, **kwargs)
        paused.set()
        assert resume.wait(30)
        return written

    monkeypatch.setattr(rollups, "_insert_rollups", insert_then_wait)
    return paused, resume


def _assert_converged() -> None:
    rollups.refresh_all_dirty_rollups()
    assert not DirtyBucket.objects.exists()
    for metric in ("csat", "sentiment"):
        assert metric_summary(metric=metric) == metric_summary_raw(metric=metric)


@pytest.mark.parametrize("writer", ["refresh", "rebuild"])
def test_ingest_into_a_claimed_bucket_waits_and_its_mark_survives(
    org, no_publish, monkeypatch, writer
):
    # given: a bucket with one response and its dirty mark
    _ingest()
    paused, resume = _pause_after_rollups_are_written(monkeypatch)
    work = rollups.refresh_dirty_rollups if writer == "refresh" else rollups.rebuild_rollups
    claimer, claimer_errors = _in_thread(lambda: work())
    assert paused.wait(20)

    # when: a second response for the same bucket is ingested while the mark is claimed
    ingester, ingester_errors = _in_thread(_ingest)

    # then: the ingest waits on the claimed mark's row lock until the claim commits
    _wait_for(_someone_waits_on_a_lock, "the ingest to wait on the claimed mark")
    assert ingester.is_alive()
    resume.set()
    claimer.join(20)
    ingester.join(20)
    assert not claimer_errors and not ingester_errors
    # the claimer saw one response; the second one's mark was re-created after the claim ended
    assert DailyRollup.objects.get().n == 1
    assert DirtyBucket.objects.count() == 1
    monkeypatch.undo()
    _assert_converged()
    assert DailyRollup.objects.get().n == 2


def test_rebuild_keeps_a_mark_created_for_a_new_bucket_while_it_runs(org, no_publish, monkeypatch):
    # given: a rebuild paused after writing the rollups of its range
    _ingest(channel="web")
    paused, resume = _pause_after_rollups_are_written(monkeypatch)
    rebuilder, errors = _in_thread(lambda: rollups.rebuild_rollups())
    assert paused.wait(20)

    # when: a response for a bucket that had no mark commits meanwhile (nothing to wait for)
    _ingest(channel="chat")
    resume.set()
    rebuilder.join(20)

    # then: its mark survives the rebuild, and a refresh counts it
    assert not errors
    assert DirtyBucket.objects.filter(channel__slug="chat").exists()
    monkeypatch.undo()
    _assert_converged()


def test_refresh_skips_a_mark_held_by_an_uncommitted_ingest(org, no_publish):
    # given: a bucket marked dirty, and an ingest into it that marked it again but has not
    # committed yet
    _ingest()
    marked, commit = threading.Event(), threading.Event()

    def ingest_then_wait_before_commit():
        with transaction.atomic():
            _ingest()
            marked.set()
            assert commit.wait(30)

    ingester, errors = _in_thread(ingest_then_wait_before_commit)
    assert marked.wait(20)

    # when
    refreshed = rollups.refresh_dirty_rollups()

    # then: the refresh neither waits nor deletes the held mark
    assert refreshed == 0
    commit.set()
    ingester.join(20)
    assert not errors
    _assert_converged()
    assert DailyRollup.objects.get().n == 2
