"""Property: figures read from the rollups equal the figures computed over raw responses, exactly,
for every metric, every grouping and any filter, whether the rollups were rebuilt or refreshed
incrementally (and after comments were scored). Runs on SQLite and, with DATABASE_URL, on
PostgreSQL (CI's second pass)."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db.models import F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxmetrics.models import DailyRollup, DirtyBucket, Response, Source
from cxmetrics.selectors.summary import (
    GROUP_BY_CHOICES,
    SummaryFilters,
    metric_summary,
    metric_summary_raw,
)
from cxmetrics.services import record_responses
from cxmetrics.services.rollups import rebuild_rollups, refresh_all_dirty_rollups
from tests.factories import make_item

CHANNELS = ["web", "app", "phone", "chat", "email", "store", "social"]
DEPARTMENTS = ["support", "product", "stores", "billing", "logistics"]
SOURCES = ["integrations", "delighted", "demo"]
HANDLED = ["ai", "human", "ai_to_human", "unknown"]
# 75 days around month ends and weeks: day, week and month groupings all cross boundaries.
FIRST_DAY = date(2024, 1, 20)
DAYS = 75

four_decimals = st.integers(-10_000, 10_000).map(lambda units: units / 10_000)
any_sentiment = st.floats(-1.0, 1.0, allow_nan=False, allow_subnormal=False)


@st.composite
def responses(draw):
    metric = draw(st.sampled_from(["nps", "csat", "ces", "sentiment"]))
    if metric == "sentiment":
        # A source's own sentiment is stored as sent: any float, not only 4 decimals.
        score = draw(st.one_of(four_decimals, any_sentiment))
    else:
        low, high = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}[metric]
        score = float(draw(st.integers(low, high)))
    day = FIRST_DAY + timedelta(days=draw(st.integers(0, DAYS - 1)))
    return {
        "source": draw(st.sampled_from(SOURCES)),
        "metric": metric,
        "score": score,
        "channel": draw(st.sampled_from(CHANNELS)),
        "department": draw(st.sampled_from(DEPARTMENTS)),
        "handled_by": draw(st.sampled_from(HANDLED)),
        "occurred_at": datetime.combine(day, time(draw(st.integers(0, 23))), tzinfo=UTC),
        "comment": draw(st.sampled_from(["", "", "Great help, thanks!", "Awful. Never again."])),
        # The comment's score, as the scorer would store it (4 decimals), or still unscored.
        "comment_sentiment": draw(st.one_of(st.none(), four_decimals)),
    }


@st.composite
def filters(draw):
    start = draw(st.one_of(st.none(), st.integers(0, DAYS - 1)))
    end = draw(st.one_of(st.none(), st.integers(0, DAYS - 1)))
    subset = lambda values: draw(st.lists(st.sampled_from(values), max_size=2, unique=True))  # noqa: E731
    return SummaryFilters(
        start=FIRST_DAY + timedelta(days=start) if start is not None else None,
        end=FIRST_DAY + timedelta(days=end) if end is not None else None,
        channels=tuple(subset(CHANNELS)),
        departments=tuple(subset(DEPARTMENTS)),
        handled_by=tuple(subset(HANDLED)),
        sources=tuple(subset(SOURCES)),
    )


def _store(rows: list[dict]) -> None:
    for source in SOURCES:
        items = [
            make_item(**{k: v for k, v in row.items() if k not in ("source", "comment_sentiment")})
            for row in rows
            if row["source"] == source
        ]
        if items:
            record_responses(source=Source.objects.get(slug=source), items=items)


def _score_comments(rows: list[dict]) -> None:
    """Give comments the drawn scores, as the sentiment task would, and mark buckets dirty."""
    from cxmetrics.services.ingest import mark_dirty

    for row in rows:
        if row["comment"] and row["comment_sentiment"] is not None:
            Response.objects.filter(
                comment=row["comment"], sentiment__isnull=True, occurred_at=row["occurred_at"]
            ).update(sentiment=row["comment_sentiment"])
    mark_dirty(
        set(
            Response.objects.values_list(
                "day", "metric", "channel_id", "department_id", "handled_by", "source_id"
            )
        )
    )


def _assert_equal_everywhere(chosen: SummaryFilters) -> None:
    for metric in ("nps", "csat", "ces", "sentiment"):
        for group_by in (None, *GROUP_BY_CHOICES):
            for used in (SummaryFilters(), chosen):
                from_rollups = metric_summary(metric=metric, group_by=group_by, filters=used)
                from_raw = metric_summary_raw(metric=metric, group_by=group_by, filters=used)
                assert from_rollups == from_raw, (metric, group_by, used)


@pytest.mark.django_db
@settings(
    max_examples=int(os.environ.get("CX_PROPERTY_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    first=st.lists(responses(), max_size=40),
    second=st.lists(responses(), max_size=40),
    chosen=filters(),
)
def test_rollups_equal_raw_figures_for_every_metric_grouping_and_filter(org, first, second, chosen):
    # given: a first batch rolled up by a full rebuild
    Response.objects.all().delete()
    DailyRollup.objects.all().delete()
    DirtyBucket.objects.all().delete()
    _store(first)
    rebuild_rollups()
    # and a second batch, plus comment scores, rolled up incrementally from the dirty marks
    _store(second)
    _score_comments(first + second)
    assert DirtyBucket.objects.exists() or not (first or second)

    # when
    refresh_all_dirty_rollups(limit=7)  # small batches: several transactions

    # then
    assert not DirtyBucket.objects.exists()
    _assert_equal_everywhere(chosen)


@pytest.mark.django_db
def test_sentiment_sums_differ_in_float_but_not_in_rollups(org):
    # given: scores whose float sum depends on the order of addition
    values = [0.1, 0.2, 0.3, -0.6, 0.7071, -0.1234, 0.9999, 0.3333] * 5
    for index, value in enumerate(values):
        _store(
            [
                {
                    "source": "integrations",
                    "metric": "sentiment",
                    "score": value,
                    "channel": CHANNELS[index % 7],
                    "department": "support",
                    "handled_by": "human",
                    "occurred_at": datetime(2024, 2, 1 + index % 20, 12, tzinfo=UTC),
                    "comment": "",
                    "comment_sentiment": None,
                }
            ]
        )
    assert sum(values) != sum(sorted(values))  # the trap the integer sums avoid
    rebuild_rollups()

    # when
    from_rollups = metric_summary(metric="sentiment")
    from_raw = metric_summary_raw(metric="sentiment")

    # then
    assert from_rollups == from_raw
    assert from_rollups[0]["n"] == len(values)
    assert from_rollups[0]["score"] == pytest.approx(sum(values) / len(values), abs=1e-12)


@pytest.mark.django_db
def test_commented_counts_responses_with_a_comment(org):
    # given
    _store(
        [
            {
                "source": "integrations",
                "metric": "csat",
                "score": 5.0,
                "channel": "web",
                "department": "support",
                "handled_by": "human",
                "occurred_at": datetime(2024, 2, 1, 12, tzinfo=UTC),
                "comment": comment,
                "comment_sentiment": None,
            }
            for comment in ("Lovely", "", "Slow")
        ]
    )

    # when
    rebuild_rollups()

    # then
    assert DailyRollup.objects.get().commented == 2
    assert DailyRollup.objects.filter(commented=F("n") - 1).count() == 1
