"""rebuild_rollups / refresh_rollups / evaluate_sentiment commands, and rollups that are never
left half-written."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cxmetrics.models import DailyRollup, DirtyBucket, NewRows, RollupDelta, Source
from cxmetrics.services import rollup_deltas, rollups
from cxmetrics.services.ingest import update_responses
from tests.factories import make_responses


def _at(day: int) -> datetime:
    return datetime(2024, 6, day, 12, tzinfo=UTC)


@pytest.mark.django_db
def test_rebuild_rollups_rebuilds_only_the_range(org, no_publish):
    # given three days of responses, rolled up, then a rollup of each day tampered with
    for day in (1, 2, 3):
        make_responses(scores=[9, 10], occurred_at=_at(day))
    call_command("refresh_rollups", stdout=StringIO())
    DailyRollup.objects.update(n=99)

    # when
    out = StringIO()
    call_command("rebuild_rollups", "--since", "2024-06-02", "--until", "2024-06-02", stdout=out)

    # then
    assert "Rebuilt 1 rollup buckets" in out.getvalue()
    assert dict(DailyRollup.objects.values_list("day__day", "n")) == {1: 99, 2: 2, 3: 99}


@pytest.mark.django_db
def test_rebuild_rollups_without_range_rebuilds_everything_and_clears_pending_work(org, no_publish):
    # given two new responses (pending new rows) and an updated one (a dirty mark)
    make_responses(scores=[9], occurred_at=_at(1))
    make_responses(scores=[3], occurred_at=_at(5))
    _update_score(_at(5), 4.0)
    assert (NewRows.objects.count(), DirtyBucket.objects.count()) == (2, 1)

    # when
    call_command("rebuild_rollups", stdout=StringIO())

    # then the rebuild counted them all, and nothing is left to add a second time
    assert not RollupDelta.objects.exists() and not DirtyBucket.objects.exists()
    assert not NewRows.objects.exists()
    assert rollups.refresh_all_dirty_rollups() == 0
    assert sorted(DailyRollup.objects.values_list("n", "detractors")) == [(1, 0), (1, 1)]


def _update_score(occurred_at: datetime, score: float) -> None:
    """Re-send the stored response of `occurred_at` with a new score (a vendor update event)."""
    from cxmetrics.models import Response
    from tests.factories import make_item

    row = Response.objects.get(occurred_at=occurred_at)
    item = make_item(external_id=row.external_id, score=score, occurred_at=occurred_at)
    update_responses(source=Source.objects.get(pk=row.source_id), items=[item])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2024-13-01"], "not a date"),
        (["--since", "2024-06-03", "--until", "2024-06-01"], "must not be after"),
    ],
)
def test_rebuild_rollups_rejects_bad_dates(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("rebuild_rollups", *args)


@pytest.mark.django_db
def test_a_refresh_that_fails_midway_leaves_the_old_rollups_and_the_deltas(
    org, no_publish, monkeypatch
):
    # given rolled-up data, then new responses for the same bucket (one pending batch)
    make_responses(scores=[9], occurred_at=_at(1))
    rollups.refresh_all_dirty_rollups()
    make_responses(scores=[2, 3], occurred_at=_at(1))

    # when the refresh dies after adding the delta into the rollup, before deleting it
    original = rollup_deltas._add_into_rollups

    def add_then_crash(ids):
        original(ids)
        raise RuntimeError("worker killed")

    monkeypatch.setattr(rollup_deltas, "_add_into_rollups", add_then_crash)
    with pytest.raises(RuntimeError):
        rollups.refresh_dirty_rollups()

    # then nothing of the batch happened: the new rows are still pending, not even expanded
    assert DailyRollup.objects.get().n == 1
    assert (NewRows.objects.count(), RollupDelta.objects.count()) == (1, 0)
    monkeypatch.undo()
    assert rollups.refresh_all_dirty_rollups() == 2  # one batch of new rows, one delta
    assert DailyRollup.objects.get().n == 3


@pytest.mark.django_db
def test_a_refresh_that_fails_midway_leaves_the_old_rollups_and_the_marks(
    org, no_publish, monkeypatch
):
    # given rolled-up data, then a stored response updated (its bucket marked dirty)
    make_responses(scores=[9], occurred_at=_at(1))
    rollups.refresh_all_dirty_rollups()
    _update_score(_at(1), 2.0)

    # when the refresh dies after deleting the old rollups, before writing the new ones
    def crash(responses, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(rollups, "_insert_rollups", crash)
    with pytest.raises(RuntimeError):
        rollups.refresh_dirty_rollups()

    # then nothing of the batch happened
    assert DailyRollup.objects.values_list("n", "promoters").get() == (1, 1)
    assert DirtyBucket.objects.count() == 1
    monkeypatch.undo()
    assert rollups.refresh_all_dirty_rollups() == 1
    assert DailyRollup.objects.values_list("n", "detractors").get() == (1, 1)


@pytest.mark.django_db
def test_evaluate_sentiment_reads_a_local_ground_truth_file(tmp_path):
    # given a file in the format of Hutto & Gilbert's ground truth (id, mean rating, text)
    data = tmp_path / "amazonReviewSnippets_GroundTruth.txt"
    data.write_text(
        "1_1\t2.9\tI love this product, it is excellent.\r\n"
        "1_2\t-3.1\tTerrible quality, it broke after a day.\r\n"
        "1_3\t0.1\tThe box contains a cable.\r\n"
    )

    # when
    out = StringIO()
    call_command("evaluate_sentiment", "--data", str(data), stdout=out)

    # then
    text = out.getvalue()
    assert "3 sentences" in text
    assert "Accuracy of the three labels: 100.0%" in text
    assert "Pearson r" in text
