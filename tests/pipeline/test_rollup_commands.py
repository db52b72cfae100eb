"""rebuild_rollups / refresh_rollups / evaluate_sentiment commands, and rollups that are never
left half-written."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cxmetrics.models import DailyRollup, DirtyBucket
from cxmetrics.services import rollups
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
def test_rebuild_rollups_without_range_rebuilds_everything_and_clears_marks(org, no_publish):
    # given
    make_responses(scores=[9], occurred_at=_at(1))
    make_responses(scores=[3], occurred_at=_at(5))
    assert DirtyBucket.objects.count() == 2

    # when
    call_command("rebuild_rollups", stdout=StringIO())

    # then
    assert DailyRollup.objects.count() == 2
    assert not DirtyBucket.objects.exists()


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
def test_a_refresh_that_fails_midway_leaves_the_old_rollups_and_the_marks(
    org, no_publish, monkeypatch
):
    # given rolled-up data, then new responses for the same bucket
    make_responses(scores=[9], occurred_at=_at(1))
    rollups.refresh_all_dirty_rollups()
    make_responses(scores=[2, 3], occurred_at=_at(1))

    # when the refresh dies after deleting the old rollups, before writing the new ones
    def crash(responses, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(rollups, "_insert_rollups", crash)
    with pytest.raises(RuntimeError):
        rollups.refresh_dirty_rollups()

    # then nothing of the batch happened
    assert DailyRollup.objects.get().n == 1
    assert DirtyBucket.objects.count() == 1
    monkeypatch.undo()
    assert rollups.refresh_all_dirty_rollups() == 1
    assert DailyRollup.objects.get().n == 3


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
