"""The additive counts every score is computed from: which columns, how SQL sums them (over
the daily rollups or over raw responses), how summed rows are grouped and labelled, and how
counts become a metric's score.

SQL counts, Python scores: the functions returning expressions or dicts run no query; those
that read say how many queries they run. A "score" here is the plain dict of one metric's
figures (n, score, ci95, ...); plotly figures live in dashboards/figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, TruncMonth, TruncWeek

from cxmetrics import metrics
from cxmetrics.models import COUNT_FIELDS, Channel, Department, HandledBy, Metric, Source

GROUP_BY_CHOICES = ("channel", "department", "handled_by", "source", "day", "week", "month")


# Sentiment sums are integers in units of 1e-4 (1e-8 for squares) in SQL, so that summing per
# bucket and then across buckets equals summing raw rows exactly; they become floats only in
# `as_counts`, in the same way for rollups and raw rows.
SENTIMENT_UNITS = 10_000


def metric_q(metric: str) -> Q:
    """The rows (rollups or responses) that count towards `metric`. Sentiment reads every
    scored comment (and every sent sentiment), whatever the metric; others their own rows."""
    return Q() if metric == Metric.SENTIMENT else Q(metric=metric)


def rollup_sums() -> dict[str, Sum]:
    """Aggregates summing every COUNT_FIELDS column of `DailyRollup` rows (no query)."""
    return {key: Sum(key) for key in COUNT_FIELDS}


# What a score carries besides n, score and ci95, per metric (attributes of its metrics result).
SCORE_FIELDS = {
    Metric.NPS: ("promoters", "passives", "detractors", "moe95"),
    Metric.CSAT: ("satisfied",),
    Metric.CES: ("pct_agree", "moe95"),
    Metric.SENTIMENT: ("pct_positive", "pct_negative", "moe95"),
}


def _metric_result(metric: str, c: Mapping[str, Any]) -> Any:
    if metric == Metric.NPS:
        return metrics.nps(c["promoters"], c["passives"], c["detractors"])
    if metric == Metric.CSAT:
        return metrics.csat(c["satisfied"], c["n"])
    if metric == Metric.CES:
        return metrics.ces(c["n"], c["total"], c["total_sq"], c["agree"])
    if metric == Metric.SENTIMENT:
        return metrics.sentiment(
            c["sentiment_n"],
            c["sentiment_total"],
            c["sentiment_total_sq"],
            c["positive"],
            c["negative"],
        )
    raise ValueError(f"metric must be one of {', '.join(Metric.values)}")


def score_from_counts(metric: str, counts: Mapping[str, Any]) -> dict[str, Any] | None:
    """Turn additive counts (a row of COUNT_FIELDS) into the score of `metric`: None when
    there is no data. Pure: no query.

    Keys: n, score, then per metric (SCORE_FIELDS): NPS promoters/passives/detractors/moe95;
    CSAT satisfied; CES pct_agree/moe95; sentiment pct_positive/pct_negative/moe95; then
    ci95 [low, high].
    """
    result = _metric_result(metric, {key: counts.get(key) or 0 for key in COUNT_FIELDS})
    if result is None:
        return None
    return {
        "n": result.n,
        "score": result.score,
        **{key: getattr(result, key) for key in SCORE_FIELDS[metric]},
        "ci95": [result.low, result.high],
    }


def raw_sums() -> dict[str, Any]:
    """The rollup columns as aggregates over raw `Response` rows, keyed by COUNT_FIELDS: the
    single definition of what a rollup bucket holds (services.rollups and rollup_deltas
    store exactly these). Builds expressions only; the caller's query runs them."""
    has_sentiment = Q(sentiment__isnull=False)
    # ROUND(double) directly: Django's Round() goes through numeric(1000, 15), 10x slower.
    units = Cast(
        Func(F("sentiment") * SENTIMENT_UNITS, function="ROUND", output_field=FloatField()),
        BigIntegerField(),
    )
    return {
        "n": Count("id"),
        "total": Sum("score"),
        # A square below ~1e-308 underflows to an error in PostgreSQL; such scores (a source's
        # sentiment of 1e-200, say) add nothing measurable, so their square counts as 0.
        "total_sq": Sum(
            Case(
                When(score__gt=-1e-100, score__lt=1e-100, then=Value(0.0)),
                default=F("score") * F("score"),
                output_field=FloatField(),
            )
        ),
        "promoters": Count("id", filter=Q(metric=Metric.NPS, score__gte=9)),
        "passives": Count("id", filter=Q(metric=Metric.NPS, score__gte=7, score__lte=8)),
        "detractors": Count("id", filter=Q(metric=Metric.NPS, score__lte=6)),
        "satisfied": Count("id", filter=Q(metric=Metric.CSAT, score__gte=4)),
        "agree": Count("id", filter=Q(metric=Metric.CES, score__gte=5)),
        "sentiment_n": Count("id", filter=has_sentiment),
        "commented": Count("id", filter=~Q(comment="")),
        "sentiment_total": Sum(units, filter=has_sentiment),
        "sentiment_total_sq": Sum(
            units * units, filter=has_sentiment, output_field=BigIntegerField()
        ),
        "positive": Count("id", filter=Q(sentiment__gte=metrics.POSITIVE_THRESHOLD)),
        "negative": Count("id", filter=Q(sentiment__lte=metrics.NEGATIVE_THRESHOLD)),
    }


def as_counts(row: dict[str, Any]) -> dict[str, Any]:
    """A summed row (of `rollup_sums` or `raw_sums`) as `score_from_counts` takes it, in
    place: the sentiment sums become floats (they are summed as whole numbers of 1e-4, squares
    1e-8); a missing or NULL sum counts as 0. Returns the row."""
    row["sentiment_total"] = int(row.get("sentiment_total") or 0) / SENTIMENT_UNITS
    row["sentiment_total_sq"] = int(row.get("sentiment_total_sq") or 0) / SENTIMENT_UNITS**2
    return row


def _group_expression(group_by: str | None) -> Any:
    if group_by is None:
        return None
    if group_by in ("channel", "department", "source"):
        return F(f"{group_by}__slug")
    if group_by == "handled_by":
        return F("handled_by")
    if group_by == "day":
        return F("day")
    if group_by == "week":
        return TruncWeek("day")
    if group_by == "month":
        return TruncMonth("day")
    raise ValueError(f"group_by must be one of {', '.join(GROUP_BY_CHOICES)}")


def group_counts(
    queryset: QuerySet, sums: dict[str, Any], group_by: str | None
) -> list[dict[str, Any]]:
    """`sums` over `queryset` per group of `group_by` (one of GROUP_BY_CHOICES; None: one row
    keyed "all"), ordered by `key`, each row through `as_counts`. One query."""
    expression = _group_expression(group_by)
    if expression is None:
        rows = [{"key": "all", **queryset.aggregate(**sums)}]
    else:
        rows = list(queryset.values(key=expression).annotate(**sums).order_by("key"))
    return [as_counts(row) for row in rows]


def group_labels(group_by: str | None) -> dict[Any, str]:
    """Display names by key for a dimension: channel, department and source names (one
    query), handled_by labels (no query); {} for dates and None."""
    if group_by == "channel":
        return dict(Channel.objects.values_list("slug", "name"))
    if group_by == "department":
        return dict(Department.objects.values_list("slug", "name"))
    if group_by == "source":
        return dict(Source.objects.values_list("slug", "name"))
    if group_by == "handled_by":
        return dict(HandledBy.choices)
    return {}


def sampled_score(metric: str, counts: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """`score_from_counts` plus `low_sample` (n below CX_LOW_SAMPLE_N); None without data."""
    score = score_from_counts(metric, counts or {})
    if score is None:
        return None
    return {**score, "low_sample": score["n"] < settings.CX_LOW_SAMPLE_N}


def key_text(key: Any) -> Any:
    """A group key as the answers carry it: dates (day, week, month) in ISO format."""
    return key.isoformat() if isinstance(key, date) else key
