"""Sentiment of comments: VADER behind one interface, scored in batches, sent scores kept."""

from __future__ import annotations

import pytest
from django.test import override_settings

from cxmetrics.models import DailyRollup, DirtyBucket, Response, RollupDelta
from cxmetrics.sentiment import agreement, get_scorer, human_label, label, pearson_r
from cxmetrics.services.rollups import refresh_all_dirty_rollups
from cxmetrics.services.sentiment import score_comments
from tests.factories import make_responses


def test_vader_scores_are_compounds_with_four_decimals():
    # when
    scores = get_scorer().score_many(["I love it, great service!", "Awful, I hate it.", "Ok."])

    # then
    assert scores[0] > 0.5 and scores[1] < -0.5
    assert [label(s) for s in scores] == ["positive", "negative", "neutral"]
    assert all(round(s, 4) == s for s in scores)


def test_labels_follow_the_published_thresholds():
    assert [label(x) for x in (0.05, 0.0499, -0.0499, -0.05, None)] == [
        "positive",
        "neutral",
        "neutral",
        "negative",
        None,
    ]


class Halves:
    """A stand-in model: proves the scorer is replaceable through the setting."""

    def score_many(self, texts):
        return [0.5 for _ in texts]


@pytest.mark.django_db
def test_the_scorer_is_replaceable_by_setting(org, no_publish):
    # given
    make_responses(scores=[9], comment="anything")
    get_scorer.cache_clear()
    try:
        with override_settings(CX_SENTIMENT_SCORER="tests.pipeline.test_sentiment.Halves"):
            # when
            score_comments()
    finally:
        get_scorer.cache_clear()

    # then
    assert Response.objects.get().sentiment == 0.5


@pytest.mark.django_db
def test_scoring_is_idempotent_and_appends_rollup_deltas(org, no_publish):
    # given two comments, one response without comment, rolled up before scoring
    make_responses(scores=[9, 2], comment="Brilliant help, thanks a lot")
    make_responses(scores=[7])
    refresh_all_dirty_rollups()
    assert DailyRollup.objects.get().sentiment_n == 0

    # when
    first = score_comments(batch_size=1)
    again = score_comments()

    # then
    assert (first, again) == (2, 0)
    # one delta per batch and bucket, counting only what the scores add; no bucket is dirty
    deltas = RollupDelta.objects.values_list("n", "sentiment_n", "positive", "commented")
    assert list(deltas) == [(0, 1, 1, 0), (0, 1, 1, 0)]
    assert not DirtyBucket.objects.exists()
    refresh_all_dirty_rollups()
    rollup = DailyRollup.objects.get()
    assert (rollup.sentiment_n, rollup.positive, rollup.commented, rollup.n) == (2, 2, 2, 3)


@pytest.mark.django_db
def test_a_sentiment_sent_by_the_source_is_stored_as_sent_and_not_rescored(org, no_publish):
    # given
    make_responses(scores=[-0.123456], metric="sentiment", comment="I love everything!")

    # when
    scored = score_comments()

    # then
    assert scored == 0
    assert Response.objects.get().sentiment == -0.123456


@pytest.mark.django_db
def test_scoring_only_the_given_ids(org, no_publish):
    # given
    first = make_responses(scores=[9], comment="great").accepted_ids
    make_responses(scores=[9], comment="great too")

    # when
    scored = score_comments(response_ids=list(first))

    # then
    assert scored == 1
    assert Response.objects.filter(sentiment__isnull=True).count() == 1


def test_agreement_reports_pearson_and_three_label_accuracy():
    # given model scores and mean human ratings on -4..4
    scores = [0.8, -0.6, 0.0, 0.3]
    ratings = [2.5, -3.0, 0.2, -1.0]

    # when
    result = agreement(scores, ratings, neutral_band=0.5)

    # then
    assert result["n"] == 4
    assert result["accuracy"] == 0.75
    assert result["confusion"][("negative", "positive")] == 1
    assert result["pearson_r"] == pytest.approx(pearson_r(scores, ratings))
    assert pearson_r([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert human_label(0.49, neutral_band=0.5) == "neutral"
