"""Property: figures read from the rollups equal the figures computed over raw responses, exactly,
for every metric, every grouping and any filter, whether the rollups were rebuilt, refreshed
from deltas (new responses, comment scores) or recomputed from dirty marks (updated responses),
in any order and in partial batches. Runs on SQLite and, with DATABASE_URL, on PostgreSQL (CI's
second pass)."""

from __future__ import annotations

import os
import zlib
from datetime import UTC, date, datetime, time, timedelta
from itertools import count

import pytest
from django.db.models import F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxmetrics.models import (
    SCORE_RANGES,
    DailyRollup,
    DirtyBucket,
    NewRows,
    Response,
    RollupDelta,
    Source,
)
from cxmetrics.selectors.summary import (
    GROUP_BY_CHOICES,
    SummaryFilters,
    metric_summary,
    metric_summary_raw,
)
from cxmetrics.services import record_responses
from cxmetrics.services import sentiment as sentiment_service
from cxmetrics.services.ingest import update_responses
from cxmetrics.services.rollups import (
    rebuild_rollups,
    refresh_all_dirty_rollups,
    refresh_dirty_rollups,
)
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
        low, high, _ = SCORE_RANGES[metric]
        score = float(draw(st.integers(low, high)))
    day = FIRST_DAY + timedelta(days=draw(st.integers(0, DAYS - 1)))
    comment = draw(st.sampled_from(["", "", "Great help, thanks!", "Awful. Never again."]))
    return {
        "source": draw(st.sampled_from(SOURCES)),
        "metric": metric,
        "score": score,
        "channel": draw(st.sampled_from(CHANNELS)),
        "department": draw(st.sampled_from(DEPARTMENTS)),
        "handled_by": draw(st.sampled_from(HANDLED)),
        "occurred_at": datetime.combine(day, time(draw(st.integers(0, 23))), tzinfo=UTC),
        "comment": comment and f"{comment} #{draw(st.integers(0, 999))}",
        # Whether the sentiment task scores the comment (see HashScorer), or it stays unscored.
        "scored": draw(st.booleans()),
    }


_batches = count()


class HashScorer:
    """A stand-in scorer with 4-decimal scores spread over [-1, 1], fixed per text."""

    def score_many(self, texts):
        return [(zlib.crc32(text.encode()) % 20_001 - 10_000) / 10_000 for text in texts]


@pytest.fixture
def hash_scorer(monkeypatch):
    monkeypatch.setattr(sentiment_service, "get_scorer", HashScorer)


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


def _item(row: dict, **overrides):
    return make_item(**{k: v for k, v in row.items() if k not in ("source", "scored")}, **overrides)


def _store(rows: list[dict], prefix: str | None = None) -> list[str]:
    """Store `rows` by source (external ids prefix-0, prefix-1, ...); returns the ids of the
    rows whose comment the sentiment task is to score."""
    prefix = prefix or f"r{next(_batches)}"
    for source in SOURCES:
        items = [
            _item(row, external_id=f"{prefix}-{index}")
            for index, row in enumerate(rows)
            if row["source"] == source
        ]
        if items:
            record_responses(source=Source.objects.get(slug=source), items=items)
    return [f"{prefix}-{index}" for index, row in enumerate(rows) if row["scored"]]


def _score(external_ids: list[str]) -> None:
    """Score those comments through the sentiment task's path (appends deltas)."""
    ids = Response.objects.filter(external_id__in=external_ids).values_list("pk", flat=True)
    sentiment_service.score_comments(response_ids=list(ids))


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
def test_rollups_equal_raw_figures_for_every_metric_grouping_and_filter(
    org, hash_scorer, first, second, chosen
):
    # given: a first batch rolled up by a full rebuild
    _clear()
    to_score = _store(first, "a")
    rebuild_rollups()
    # and a second batch, plus comment scores, rolled up incrementally from their deltas
    to_score += _store(second, "b")
    _score(to_score)
    assert NewRows.objects.exists() or not second
    assert not DirtyBucket.objects.exists()

    # when
    refresh_all_dirty_rollups(limit=7)  # small batches: several transactions

    # then
    assert not DirtyBucket.objects.exists() and not RollupDelta.objects.exists()
    assert not NewRows.objects.exists()
    _assert_equal_everywhere(chosen)


def _clear() -> None:
    for model in (Response, DailyRollup, DirtyBucket, RollupDelta, NewRows):
        model.objects.all().delete()


pick = st.lists(st.integers(0, 10_000), min_size=1, max_size=4)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("ingest"), st.lists(responses(), min_size=1, max_size=12)),
        st.tuples(st.just("score"), pick),
        st.tuples(st.just("update"), pick, st.lists(responses(), min_size=4, max_size=4)),
        st.tuples(st.just("refresh"), st.integers(1, 4)),
        st.tuples(st.just("rebuild"), st.integers(0, DAYS - 1), st.integers(0, 20)),
        st.tuples(st.just("converge")),
    ),
    max_size=10,
)


def _run(step: int, operation: tuple) -> None:
    """Apply one drawn operation: ingest, score some comments, update stored responses (vendor
    update events), one partial refresh batch, a rebuild of a range, or a full refresh."""
    kind = operation[0]
    if kind == "ingest":
        _store(operation[1], f"s{step}")
    elif kind == "score":
        unscored = list(sentiment_service._unscored().order_by("pk").values_list("pk", flat=True))
        if unscored:
            chosen = {unscored[index % len(unscored)] for index in operation[1]}
            sentiment_service.score_comments(response_ids=sorted(chosen))
    elif kind == "update":
        # Newest first: those are the likeliest to have deltas pending in their buckets.
        stored = list(Response.objects.order_by("-pk").values_list("external_id", "source__slug"))
        for index, row in zip(operation[1], operation[2], strict=False):
            if stored:
                external_id, source = stored[index % len(stored)]
                update_responses(
                    source=Source.objects.get(slug=source),
                    items=[_item(row, external_id=external_id)],
                )
    elif kind == "refresh":
        refresh_dirty_rollups(limit=operation[1])
    elif kind == "rebuild":
        since = FIRST_DAY + timedelta(days=operation[1])
        rebuild_rollups(since=since, until=since + timedelta(days=operation[2]))
    else:
        refresh_all_dirty_rollups(limit=3)
        for metric in ("nps", "csat", "ces", "sentiment"):
            assert metric_summary(metric=metric, group_by="day") == metric_summary_raw(
                metric=metric, group_by="day"
            )


@pytest.mark.django_db
@settings(
    max_examples=int(os.environ.get("CX_PROPERTY_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(first=st.lists(responses(), max_size=20), steps=operations, chosen=filters())
def test_rollups_stay_exact_whatever_mix_of_deltas_marks_scores_and_rebuilds(
    org, hash_scorer, first, steps, chosen
):
    # given: a first batch rolled up by a full rebuild
    _clear()
    _store(first, "first")
    rebuild_rollups()

    # when: ingests, scores, updates, partial refreshes and rebuilds interleave
    for step, operation in enumerate(steps):
        _run(step, operation)
    refresh_all_dirty_rollups(limit=5)

    # then
    assert not DirtyBucket.objects.exists() and not RollupDelta.objects.exists()
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
                    "scored": False,
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
                "scored": False,
            }
            for comment in ("Lovely", "", "Slow")
        ]
    )

    # when
    rebuild_rollups()

    # then
    assert DailyRollup.objects.get().commented == 2
    assert DailyRollup.objects.filter(commented=F("n") - 1).count() == 1
