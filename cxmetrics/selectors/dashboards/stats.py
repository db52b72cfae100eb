"""Rollup counts grouped by any dimensions, and the statistics the dashboards add on top:
comparisons of two groups' counts and the Holm adjustment for many comparisons at once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db.models import F

from cxmetrics.models import DailyRollup, Metric
from cxmetrics.selectors.summary import (
    COUNT_FIELDS,
    SENTIMENT_UNITS,
    SummaryFilters,
    _metric_q,
    _rollup_sums,
    compare_counts,
    comparison_fields,
    figure_from_counts,
)

SENTIMENT_FIELDS = ("sentiment_n", "sentiment_total", "sentiment_total_sq", "positive", "negative")
DIMENSIONS = {
    "channel": F("channel__slug"),
    "department": F("department__slug"),
    "handled_by": F("handled_by"),
    "metric": F("metric"),
}


def grouped_counts(
    *, metric: str | None, filters: SummaryFilters, by: Sequence[str]
) -> list[dict[str, Any]]:
    """Summed rollup columns per combination of `by` dimensions. One query.

    `metric=None` reads every metric's rows (for counts of responses, whatever they measured).
    """
    queryset = DailyRollup.objects.filter(filters.q())
    if metric is not None:
        queryset = queryset.filter(_metric_q(metric))
    # Aliases must not clash with the model's own field names.
    keys = {f"{name}_key": DIMENSIONS[name] for name in by}
    rows = queryset.values(**keys).annotate(**_rollup_sums()).order_by(*keys)
    return [normalise({**row, **{name: row.pop(f"{name}_key") for name in by}}) for row in rows]


def normalise(row: dict[str, Any]) -> dict[str, Any]:
    """Summed rollup columns as figure_from_counts takes them: the sentiment sums are stored
    as whole numbers of 1e-4 (squares 1e-8) and become floats here, as in summary.py."""
    row["sentiment_total"] = int(row.get("sentiment_total") or 0) / SENTIMENT_UNITS
    row["sentiment_total_sq"] = int(row.get("sentiment_total_sq") or 0) / SENTIMENT_UNITS**2
    return row


def add_counts(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Column-wise sum of additive rollup counts (never of scores)."""
    return {key: sum(row.get(key) or 0 for row in rows) for key in COUNT_FIELDS}


def figure(metric: str, counts: dict[str, Any] | None) -> dict[str, Any] | None:
    """The metric's figure from counts with `low_sample` and `err95`; None without data."""
    result = figure_from_counts(metric, counts or {})
    if result is None:
        return None
    return with_margins({**result, "low_sample": result["n"] < settings.CX_LOW_SAMPLE_N})


def with_margins(group: dict[str, Any]) -> dict[str, Any]:
    """Add `err95` = [score - low, high - score] (what error bars draw); None without an
    interval (a mean of one answer)."""
    low, high = group.get("ci95") or (None, None)
    if low is None or high is None:
        return {**group, "err95": None}
    return {**group, "err95": [group["score"] - low, high - group["score"]]}


def compare(
    metric: str, a: dict[str, Any] | None, b: dict[str, Any] | None
) -> dict[str, Any] | None:
    """A minus B with the metric's own test, the API's fields (`comparison_fields`); None
    without data. Untested (one answer, no variance): difference set, p None, `reason`."""
    result = compare_counts(metric, a, b)
    return None if result is None else comparison_fields(result)


def holm(p_values: Sequence[float | None], *, alpha: float = 0.05) -> list[dict[str, Any]]:
    """Holm-Bonferroni step-down adjustment: adjusted p and significance per input p.

    Controls the family-wise error rate at `alpha` over all the comparisons shown together,
    so that a page of 21 pairwise tests does not present chance differences as findings.
    `None` entries (not testable) stay `None` and are not counted in the family.
    """
    indexed = sorted((p, i) for i, p in enumerate(p_values) if p is not None)
    m = len(indexed)
    adjusted: list[dict[str, Any]] = [{"p_adjusted": None, "significant": False}] * len(p_values)
    running = 0.0
    for rank, (p, i) in enumerate(indexed):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[i] = {"p_adjusted": running, "significant": running < alpha}
    return adjusted


def sentiment_counts(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Sentiment columns summed over rows of every metric (sentiment reads every comment)."""
    summed = add_counts(rows)
    return {key: summed[key] for key in SENTIMENT_FIELDS}


def counts_for(metric: str, rows: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The counts of `metric` among rows grouped by metric (sentiment: summed over all)."""
    if metric == Metric.SENTIMENT:
        return sentiment_counts(rows) if rows else None
    matching = [row for row in rows if row.get("metric") == metric]
    return add_counts(matching) if matching else None
