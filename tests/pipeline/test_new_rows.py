"""New rows: ingest notes the ids it inserted; the refresh counts them as they were inserted."""

from __future__ import annotations

import pytest

from cxmetrics.models import DailyRollup, NewRows, Source
from cxmetrics.selectors.summary import metric_summary, metric_summary_raw
from cxmetrics.services import rollups
from cxmetrics.services.ingest import record_responses, update_responses
from cxmetrics.services.sentiment import score_comments
from tests.factories import make_item

pytestmark = pytest.mark.django_db


def _source() -> Source:
    return Source.objects.get(slug="integrations")


def _assert_rollups_equal_raw() -> None:
    rollups.refresh_all_dirty_rollups()
    assert not NewRows.objects.exists()
    for metric in ("nps", "csat", "sentiment"):
        assert metric_summary(metric=metric) == metric_summary_raw(metric=metric)


def test_one_note_per_batch_whatever_the_buckets(org, no_publish):
    # given a batch over three channels and two metrics
    items = [
        make_item(channel=channel, metric=metric, score=4.0)
        for channel in ("web", "chat", "email")
        for metric in ("nps", "csat")
    ]
    # when
    result = record_responses(source=_source(), items=items)
    # then one note lists the six new rows
    assert list(NewRows.objects.values_list("response_ids", flat=True)) == [
        list(result.accepted_ids)
    ]


def test_a_comment_scored_before_its_batch_is_expanded_counts_once(org, no_publish):
    # given a new response with a comment, scored before any refresh ran
    record_responses(source=_source(), items=[make_item(comment="Great help, thank you!")])
    assert score_comments() == 1
    # when the refresh expands the batch and adds the score's delta
    # then the sentiment is counted once, as in the raw rows
    _assert_rollups_equal_raw()
    assert DailyRollup.objects.get().sentiment_n == 1


def test_a_response_updated_before_its_batch_is_expanded_counts_once(org, no_publish):
    # given a new NPS response, re-sent by its vendor as CSAT before any refresh ran
    record_responses(source=_source(), items=[make_item(external_id="r1", score=9.0)])
    update_responses(
        source=_source(), items=[make_item(external_id="r1", metric="csat", score=2.0)]
    )
    # when / then the response is counted once, in its new bucket only
    _assert_rollups_equal_raw()
    assert list(DailyRollup.objects.values_list("metric", "n")) == [("csat", 1)]


def test_a_sent_sentiment_counts_from_its_batch(org, no_publish):
    # given a sentiment measured by the source itself (no scoring involved)
    record_responses(source=_source(), items=[make_item(metric="sentiment", score=-0.5)])
    # when / then
    _assert_rollups_equal_raw()
    rollup = DailyRollup.objects.get()
    assert (rollup.sentiment_n, rollup.negative) == (1, 1)
