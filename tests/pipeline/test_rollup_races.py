"""Concurrency of rollup refreshes and rebuilds with ingest, scoring and updates, on PostgreSQL:
a delta is added exactly once (never also counted by a recompute that read its rows, never
lost), and no committed change is left out of its rollup without a dirty mark or a delta,
whatever the interleaving."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from django.db import connection, connections, transaction

from cxmetrics.models import (
    BUCKET_FIELDS,
    DailyRollup,
    DirtyBucket,
    NewRows,
    Response,
    RollupDelta,
    Source,
)
from cxmetrics.selectors.summary import metric_summary, metric_summary_raw
from cxmetrics.services import record_responses, rollup_deltas, rollups
from cxmetrics.services.ingest import mark_dirty, update_responses
from cxmetrics.services.sentiment import score_comments
from tests.factories import make_item

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DAY = datetime(2024, 3, 5, 12, tzinfo=UTC)


def _source() -> Source:
    return Source.objects.get(slug="integrations")


def _ingest(**overrides) -> None:
    item = make_item(metric="csat", score=5.0, occurred_at=DAY, **overrides)
    record_responses(source=_source(), items=[item])


def _update_first(score: float) -> None:
    """A vendor update event: the first stored response gets a new score."""
    row = Response.objects.order_by("pk").first()
    item = make_item(external_id=row.external_id, metric="csat", score=score, occurred_at=DAY)
    update_responses(source=_source(), items=[item])


def _mark_every_bucket() -> None:
    with transaction.atomic():
        mark_dirty(set(Response.objects.values_list(*BUCKET_FIELDS)))


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


def _pause_at(monkeypatch, module, name: str, *, before: bool):
    """Make the first call of module.name stop (before or after running) until resumed."""
    paused, resume = threading.Event(), threading.Event()
    original = getattr(module, name)

    def pausing(*args, **kwargs):
        if before and not paused.is_set():
            paused.set()
            assert resume.wait(30)
        result = original(*args, **kwargs)
        if not before and not paused.is_set():
            paused.set()
            assert resume.wait(30)
        return result

    monkeypatch.setattr(module, name, pausing)
    return paused, resume


def _pause_before_raw_rows_are_read(monkeypatch):
    """A recompute or rebuild stops after it claimed its marks and deleted the deltas and
    rollups of its buckets, just before it reads the raw rows."""
    return _pause_at(monkeypatch, rollups, "_insert_rollups", before=True)


def _pending() -> int:
    """Additive work still to add: deltas, and ingest batches not yet turned into deltas."""
    return RollupDelta.objects.count() + NewRows.objects.count()


def _assert_converged() -> None:
    rollups.refresh_all_dirty_rollups()
    assert not DirtyBucket.objects.exists() and not _pending()
    for metric in ("csat", "sentiment"):
        assert metric_summary(metric=metric) == metric_summary_raw(metric=metric)


@pytest.mark.parametrize("writer", ["ingest", "score"])
@pytest.mark.parametrize("claimer", ["recompute", "rebuild"])
def test_a_delta_committed_while_a_bucket_is_recomputed_is_added_once(
    org, no_publish, monkeypatch, claimer, writer
):
    # given: a rolled-up bucket with one unscored comment, marked dirty
    _ingest(comment="Great help, thanks!")
    rollups.refresh_all_dirty_rollups()
    _mark_every_bucket()
    paused, resume = _pause_before_raw_rows_are_read(monkeypatch)
    work = rollups.refresh_dirty_rollups if claimer == "recompute" else rollups.rebuild_rollups
    recomputer, recomputer_errors = _in_thread(lambda: work())
    assert paused.wait(20)

    # when: a new response (or the comment's score) and its delta commit meanwhile, between
    # the recompute's deletion of the bucket's deltas and its read of the raw rows
    if writer == "ingest":
        _ingest()
    else:
        assert score_comments() == 1
    assert _pending() == 1  # nothing waited: appending takes no lock
    resume.set()
    recomputer.join(20)

    # then: the recompute read its own snapshot (without the new data), so the delta survived
    # it (a refresh has added it since; a rebuild left it pending) and is added exactly once
    assert not recomputer_errors
    if claimer == "rebuild":
        rollup = DailyRollup.objects.get()
        assert (rollup.n, rollup.sentiment_n) == (1, 0)
        assert _pending() == 1
    monkeypatch.undo()
    _assert_converged()
    rollup = DailyRollup.objects.get()
    assert (rollup.n, rollup.sentiment_n) == ((2, 0) if writer == "ingest" else (1, 1))


def test_a_recompute_retries_when_a_delta_it_read_is_applied_meanwhile(
    org, no_publish, monkeypatch
):
    # given: a rolled-up bucket, a new response (pending delta), and a refresh that added that
    # delta into the rollup but has not committed
    _ingest()
    rollups.refresh_all_dirty_rollups()
    _ingest()
    paused, resume = _pause_at(monkeypatch, rollup_deltas, "_add_into_rollups", before=False)
    applier, applier_errors = _in_thread(lambda: rollups.refresh_dirty_rollups())
    assert paused.wait(20)
    # and the first response updated (its bucket marked dirty), then a second refresh whose
    # snapshot still sees the delta
    _update_first(2.0)
    attempts = []
    original = rollups._recompute_dirty
    monkeypatch.setattr(
        rollups, "_recompute_dirty", lambda limit: attempts.append(1) or original(limit)
    )
    recomputer, recomputer_errors = _in_thread(lambda: rollups.refresh_dirty_rollups())

    # when: the recompute waits for the delta's lock, and the applier commits
    _wait_for(_someone_waits_on_a_lock, "the recompute to wait on the claimed delta")
    resume.set()
    applier.join(20)
    recomputer.join(20)

    # then: the recompute failed to serialize, ran again on a fresh snapshot, and counted
    # each response once
    assert not applier_errors and not recomputer_errors
    assert len(attempts) >= 2
    assert not DirtyBucket.objects.exists() and not RollupDelta.objects.exists()
    rollup = DailyRollup.objects.get()
    assert (rollup.n, rollup.satisfied) == (2, 1)
    monkeypatch.undo()
    _assert_converged()


def test_concurrent_refreshes_add_disjoint_deltas_into_one_bucket(org, no_publish, monkeypatch):
    # given: a refresh holding the first response's delta, added but not committed
    _ingest()
    paused, resume = _pause_at(monkeypatch, rollup_deltas, "_add_into_rollups", before=False)
    first, first_errors = _in_thread(lambda: rollups.refresh_dirty_rollups())
    assert paused.wait(20)

    # when: a second response arrives and a second refresh takes its delta (skipping the held
    # one) and waits to add into the same rollup
    _ingest()
    second, second_errors = _in_thread(lambda: rollups.refresh_dirty_rollups())
    _wait_for(_someone_waits_on_a_lock, "the second refresh to wait on the rollup")
    resume.set()
    first.join(20)
    second.join(20)

    # then: both deltas were added, once each
    assert not first_errors and not second_errors
    assert DailyRollup.objects.get().n == 2
    assert not RollupDelta.objects.exists()
    monkeypatch.undo()
    _assert_converged()


@pytest.mark.parametrize("claimer", ["recompute", "rebuild"])
def test_an_update_of_a_claimed_bucket_waits_and_its_mark_survives(
    org, no_publish, monkeypatch, claimer
):
    # given: a rolled-up bucket marked dirty, claimed by a recompute or rebuild
    _ingest()
    rollups.refresh_all_dirty_rollups()
    _mark_every_bucket()
    paused, resume = _pause_at(monkeypatch, rollups, "_insert_rollups", before=False)
    work = rollups.refresh_dirty_rollups if claimer == "recompute" else rollups.rebuild_rollups
    recomputer, recomputer_errors = _in_thread(lambda: work())
    assert paused.wait(20)

    # when: the stored response is updated while the mark is claimed
    updater, updater_errors = _in_thread(lambda: _update_first(1.0))

    # then: the update waits on the claimed mark's row lock until the claim commits
    _wait_for(_someone_waits_on_a_lock, "the update to wait on the claimed mark")
    assert updater.is_alive()
    resume.set()
    recomputer.join(20)
    updater.join(20)
    assert not recomputer_errors and not updater_errors
    # the claimer saw the old score; the update's mark was re-created after the claim ended
    assert DailyRollup.objects.get().satisfied == 1
    assert DirtyBucket.objects.count() == 1
    monkeypatch.undo()
    _assert_converged()
    assert DailyRollup.objects.get().satisfied == 0


def test_a_mark_created_for_another_bucket_during_a_rebuild_survives(org, no_publish, monkeypatch):
    # given: two buckets rolled up, and a rebuild paused before it reads the raw rows
    _ingest(channel="web")
    _ingest(channel="chat")
    rollups.refresh_all_dirty_rollups()
    paused, resume = _pause_before_raw_rows_are_read(monkeypatch)
    rebuilder, errors = _in_thread(lambda: rollups.rebuild_rollups())
    assert paused.wait(20)

    # when: an update of a bucket that had no mark commits meanwhile (nothing to wait for)
    _update_first(1.0)
    resume.set()
    rebuilder.join(20)

    # then: the rebuild did not see the update, and its mark survives for the next refresh
    assert not errors
    assert DirtyBucket.objects.count() == 1
    assert sum(DailyRollup.objects.values_list("satisfied", flat=True)) == 2
    monkeypatch.undo()
    _assert_converged()
    assert sum(DailyRollup.objects.values_list("satisfied", flat=True)) == 1


def test_refresh_skips_a_mark_held_by_an_uncommitted_update(org, no_publish):
    # given: a rolled-up bucket, and an update into it that marked it but has not committed
    _ingest()
    rollups.refresh_all_dirty_rollups()
    marked, commit = threading.Event(), threading.Event()

    def update_then_wait_before_commit():
        with transaction.atomic():
            _update_first(1.0)
            marked.set()
            assert commit.wait(30)

    updater, errors = _in_thread(update_then_wait_before_commit)
    assert marked.wait(20)

    # when
    refreshed = rollups.refresh_dirty_rollups()

    # then: the refresh neither waits nor deletes the held mark
    assert refreshed == 0
    commit.set()
    updater.join(20)
    assert not errors
    assert DirtyBucket.objects.count() == 1
    _assert_converged()
    assert DailyRollup.objects.get().satisfied == 0
