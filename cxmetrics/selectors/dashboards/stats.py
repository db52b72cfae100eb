"""Rollup counts grouped by any dimensions, and the statistics the dashboards add on top:
error bars on a score and the Holm adjustment for many comparisons at once. Scores and
comparisons of two groups' counts are the summary selectors' own (`sampled_score`,
`compare_fields`), so the dashboards and the API answer the same numbers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import F

from cxmetrics.models import DailyRollup, Metric
from cxmetrics.selectors.counts import (
    COUNT_FIELDS,
    as_counts,
    metric_q,
    rollup_sums,
    sampled_score,
)
from cxmetrics.selectors.summary import SummaryFilters

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
        queryset = queryset.filter(metric_q(metric))
    # Aliases must not clash with the model's own field names.
    keys = {f"{name}_key": DIMENSIONS[name] for name in by}
    rows = queryset.values(**keys).annotate(**rollup_sums()).order_by(*keys)
    return [as_counts({**row, **{name: row.pop(f"{name}_key") for name in by}}) for row in rows]


def add_counts(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Column-wise sum of additive rollup counts (never of scores)."""
    return {key: sum(row.get(key) or 0 for row in rows) for key in COUNT_FIELDS}


def score_with_margins(metric: str, counts: dict[str, Any] | None) -> dict[str, Any] | None:
    """The metric's score from counts with `low_sample` (`sampled_score`) and `err95`; None
    without data. Pure: no query."""
    score = sampled_score(metric, counts)
    return None if score is None else with_margins(score)


def with_margins(group: dict[str, Any]) -> dict[str, Any]:
    """Add `err95` = [score - low, high - score] (what error bars draw); None without an
    interval (a mean of one answer)."""
    low, high = group.get("ci95") or (None, None)
    if low is None or high is None:
        return {**group, "err95": None}
    return {**group, "err95": [group["score"] - low, high - group["score"]]}


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
