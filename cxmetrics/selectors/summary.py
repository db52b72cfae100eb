"""Metric figures by group: SQL counts, Python scores.

`metric_summary` reads the daily rollups (whole days in the organisation's time zone);
`metric_summary_raw` computes the same figures by GROUP BY over raw responses. Both return the
same plain dicts, so the rollups can be proven equal to the raw computation.
"""

from __future__ import annotations

from dataclasses import dataclass
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
from cxmetrics.models import Channel, DailyRollup, Department, HandledBy, Metric, Response, Source

GROUP_BY_CHOICES = ("channel", "department", "handled_by", "source", "day", "week", "month")

# The additive columns every figure is computed from.
COUNT_FIELDS = (
    "n",
    "total",
    "total_sq",
    "promoters",
    "passives",
    "detractors",
    "satisfied",
    "agree",
    "commented",
    "sentiment_n",
    "sentiment_total",
    "sentiment_total_sq",
    "positive",
    "negative",
)


@dataclass(frozen=True)
class SummaryFilters:
    """Which responses a figure covers. Empty tuples mean all; dates are inclusive."""

    start: date | None = None
    end: date | None = None
    channels: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    handled_by: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def q(self) -> Q:
        q = Q()
        if self.start:
            q &= Q(day__gte=self.start)
        if self.end:
            q &= Q(day__lte=self.end)
        if self.channels:
            q &= Q(channel__slug__in=self.channels)
        if self.departments:
            q &= Q(department__slug__in=self.departments)
        if self.handled_by:
            q &= Q(handled_by__in=self.handled_by)
        if self.sources:
            q &= Q(source__slug__in=self.sources)
        return q


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


def _labels(group_by: str | None) -> dict[Any, str]:
    if group_by == "channel":
        return dict(Channel.objects.values_list("slug", "name"))
    if group_by == "department":
        return dict(Department.objects.values_list("slug", "name"))
    if group_by == "source":
        return dict(Source.objects.values_list("slug", "name"))
    if group_by == "handled_by":
        return dict(HandledBy.choices)
    return {}


def _metric_q(metric: str) -> Q:
    # Sentiment reads every scored comment (and every sent sentiment), whatever the metric.
    return Q() if metric == Metric.SENTIMENT else Q(metric=metric)


def figure_from_counts(metric: str, counts: dict[str, Any]) -> dict[str, Any] | None:
    """Turn additive counts into the figure for `metric` (None when there is no data).

    Keys: n, score, and per metric: NPS promoters/passives/detractors/moe95; CSAT ci95;
    CES pct_agree/moe95; sentiment pct_positive/pct_negative; all carry ci95 [low, high].
    """
    c = {key: counts.get(key) or 0 for key in COUNT_FIELDS}
    if metric == Metric.NPS:
        r = metrics.nps(c["promoters"], c["passives"], c["detractors"])
        if r is None:
            return None
        return {
            "n": r.n,
            "score": r.score,
            "promoters": r.promoters,
            "passives": r.passives,
            "detractors": r.detractors,
            "moe95": r.moe95,
            "ci95": [r.low, r.high],
        }
    if metric == Metric.CSAT:
        r_csat = metrics.csat(c["satisfied"], c["n"])
        if r_csat is None:
            return None
        return {
            "n": r_csat.n,
            "score": r_csat.score,
            "satisfied": r_csat.satisfied,
            "ci95": [r_csat.low, r_csat.high],
        }
    if metric == Metric.CES:
        r_ces = metrics.ces(c["n"], c["total"], c["total_sq"], c["agree"])
        if r_ces is None:
            return None
        return {
            "n": r_ces.n,
            "score": r_ces.score,
            "pct_agree": r_ces.pct_agree,
            "moe95": r_ces.moe95,
            "ci95": [r_ces.low, r_ces.high],
        }
    if metric == Metric.SENTIMENT:
        r_sent = metrics.sentiment(
            c["sentiment_n"],
            c["sentiment_total"],
            c["sentiment_total_sq"],
            c["positive"],
            c["negative"],
        )
        if r_sent is None:
            return None
        return {
            "n": r_sent.n,
            "score": r_sent.score,
            "pct_positive": r_sent.pct_positive,
            "pct_negative": r_sent.pct_negative,
            "moe95": r_sent.moe95,
            "ci95": [r_sent.low, r_sent.high],
        }
    raise ValueError(f"metric must be one of {', '.join(Metric.values)}")


def _rollup_sums() -> dict[str, Sum]:
    return {key: Sum(key) for key in COUNT_FIELDS}


# Sentiment sums are integers in units of 1e-4 (1e-8 for squares) in SQL, so that summing per
# bucket and then across buckets equals summing raw rows exactly; they become floats only in
# _group_counts, in the same way for rollups and raw rows.
SENTIMENT_UNITS = 10_000


def _raw_sums() -> dict[str, Any]:
    """The rollup columns, computed over raw responses (services.rollups stores exactly these)."""
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


def _group_counts(
    queryset: QuerySet, sums: dict[str, Any], group_by: str | None
) -> list[dict[str, Any]]:
    expression = _group_expression(group_by)
    if expression is None:
        rows = [{"key": "all", **queryset.aggregate(**sums)}]
    else:
        rows = list(queryset.values(key=expression).annotate(**sums).order_by("key"))
    for row in rows:
        row["sentiment_total"] = int(row["sentiment_total"] or 0) / SENTIMENT_UNITS
        row["sentiment_total_sq"] = int(row["sentiment_total_sq"] or 0) / SENTIMENT_UNITS**2
    return rows


def _summarise(
    queryset: QuerySet, sums: dict[str, Any], metric: str, group_by: str | None
) -> list[dict[str, Any]]:
    rows = _group_counts(queryset, sums, group_by)
    labels = _labels(group_by)
    low_n = settings.CX_LOW_SAMPLE_N
    groups = []
    for row in rows:
        figure = figure_from_counts(metric, row)
        if figure is None:
            continue
        key = row["key"]
        key = key.isoformat() if isinstance(key, date) else key
        groups.append(
            {
                "key": key,
                "label": "All" if key == "all" else labels.get(key, str(key)),
                **figure,
                "low_sample": figure["n"] < low_n,
            }
        )
    return groups


def metric_summary(
    *, metric: str, group_by: str | None = None, filters: SummaryFilters = SummaryFilters()
) -> list[dict[str, Any]]:
    """Figures per group read from the daily rollups. One query (plus one for labels)."""
    queryset = DailyRollup.objects.filter(_metric_q(metric), filters.q())
    return _summarise(queryset, _rollup_sums(), metric, group_by)


def metric_summary_raw(
    *, metric: str, group_by: str | None = None, filters: SummaryFilters = SummaryFilters()
) -> list[dict[str, Any]]:
    """The same figures as `metric_summary`, by GROUP BY over raw responses."""
    queryset = Response.objects.filter(_metric_q(metric), filters.q())
    return _summarise(queryset, _raw_sums(), metric, group_by)


def compare_groups(
    *,
    metric: str,
    by: str,
    a: str,
    b: str,
    filters: SummaryFilters = SummaryFilters(),
) -> dict[str, Any]:
    """Two groups of one dimension side by side, with the difference and the metric's test
    (`comparison_fields`); when a group has no responses every test field is None and
    `reason` says which."""
    if by not in ("channel", "department", "handled_by", "source"):
        raise ValueError("by must be one of channel, department, handled_by, source")
    field = {"channel": "channels", "department": "departments", "source": "sources"}.get(
        by, "handled_by"
    )
    scoped = SummaryFilters(**{**filters.__dict__, field: (a, b)})
    queryset = DailyRollup.objects.filter(_metric_q(metric), scoped.q())
    counts = {row["key"]: row for row in _group_counts(queryset, _rollup_sums(), by)}
    labels = _labels(by)
    low_n = settings.CX_LOW_SAMPLE_N

    def side(key: str) -> dict[str, Any]:
        figure = figure_from_counts(metric, counts.get(key, {}))
        if figure is None:
            return {"key": key, "label": labels.get(key, key), "n": 0, "low_sample": True}
        return {
            "key": key,
            "label": labels.get(key, key),
            **figure,
            "low_sample": figure["n"] < low_n,
        }

    comparison = compare_counts(metric, counts.get(a), counts.get(b))
    if comparison is None:
        empty = [key for key in (a, b) if not counts.get(key)]
        fields = {
            **comparison_fields(None),
            "test": METRIC_TESTS[metric],
            "reason": f"no responses in {' and '.join(empty)}: nothing to compare",
        }
    else:
        fields = comparison_fields(comparison)
    return {"metric": metric, "by": by, "a": side(a), "b": side(b), **fields}


METRIC_TESTS = {
    Metric.NPS: metrics.TEST_NPS_Z,
    Metric.CSAT: metrics.TEST_TWO_PROPORTION_Z,
    Metric.CES: metrics.TEST_WELCH_T,
    Metric.SENTIMENT: metrics.TEST_WELCH_T,
}
"""Each metric's test of two groups (what `compare_counts` runs)."""


def comparison_fields(comparison: metrics.Comparison | None) -> dict[str, Any]:
    """A comparison as the API and the dashboards carry it: difference, test, statistic (also
    as `z`, its former name), df, p, significant and reason; every field None for None."""
    if comparison is None:
        return dict.fromkeys(
            ("difference", "test", "statistic", "z", "df", "p", "significant", "reason")
        )
    return {
        "difference": comparison.difference,
        "test": comparison.test,
        "statistic": comparison.statistic,
        "z": comparison.statistic,
        "df": comparison.df,
        "p": comparison.p,
        "significant": comparison.significant,
        "reason": comparison.reason,
    }


def compare_counts(
    metric: str, a: dict[str, Any] | None, b: dict[str, Any] | None
) -> metrics.Comparison | None:
    """Compare two groups' additive counts with the metric's own test (METRIC_TESTS); None
    when a group has no counts."""
    if not a or not b:
        return None
    if metric == Metric.NPS:
        return metrics.compare_nps(
            (a["promoters"], a["passives"], a["detractors"]),
            (b["promoters"], b["passives"], b["detractors"]),
        )
    if metric == Metric.CSAT:
        return metrics.compare_csat(a["satisfied"], a["n"], b["satisfied"], b["n"])
    prefix = "sentiment_" if metric == Metric.SENTIMENT else ""
    n_key = "sentiment_n" if prefix else "n"
    return metrics.compare_means(
        a[n_key] or 0,
        a[f"{prefix}total"] or 0.0,
        a[f"{prefix}total_sq"] or 0.0,
        b[n_key] or 0,
        b[f"{prefix}total"] or 0.0,
        b[f"{prefix}total_sq"] or 0.0,
    )
