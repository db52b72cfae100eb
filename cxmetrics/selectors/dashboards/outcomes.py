"""Outcome scores for the overview and channel pages, read from the daily rollups."""

from __future__ import annotations

from dataclasses import replace
from itertools import combinations
from typing import Any

from django.conf import settings
from django.db.models import Case, CharField, Value, When

from cxmetrics.models import DailyRollup, Metric
from cxmetrics.selectors.counts import as_counts, group_labels, rollup_sums
from cxmetrics.selectors.summary import SummaryFilters, compare_fields, metric_summary

from .filters import previous_period
from .stats import counts_for, grouped_counts, holm, score_with_margins, with_margins

METRIC_ORDER = (Metric.NPS, Metric.CSAT, Metric.CES, Metric.SENTIMENT)


def overview_cards(*, filters: SummaryFilters) -> list[dict[str, Any]]:
    """NPS, CSAT, CES and sentiment for the period, each against the previous period.

    The previous period has the same number of days and ends the day before `filters.start`;
    without both a start and an end there is none. Each card: metric, label, current and
    previous scores (None without data; with n, score, ci95, low_sample), the periods, and
    `change` = current minus previous with the metric's own test (None when not testable).
    One query for all four cards.
    """
    previous = None
    scope = filters
    if filters.start and filters.end:
        previous = previous_period(start=filters.start, end=filters.end)
        scope = replace(filters, start=previous[0])
        period: Any = Case(
            When(day__gte=filters.start, then=Value("current")),
            default=Value("previous"),
            output_field=CharField(),
        )
    else:
        period = Value("current", output_field=CharField())
    rows = [
        as_counts(row)
        for row in DailyRollup.objects.filter(scope.q())
        .values("metric", period=period)
        .annotate(**rollup_sums())
        .order_by("metric", "period")
    ]
    cards = []
    for metric in METRIC_ORDER:
        current_counts = counts_for(metric, [r for r in rows if r["period"] == "current"])
        previous_counts = counts_for(metric, [r for r in rows if r["period"] == "previous"])
        cards.append(
            {
                "metric": metric.value,
                "label": metric.label,
                "current": score_with_margins(metric, current_counts),
                "previous": score_with_margins(metric, previous_counts) if previous else None,
                "period": [_iso(filters.start), _iso(filters.end)],
                "previous_period": [_iso(previous[0]), _iso(previous[1])] if previous else None,
                "change": compare_fields(metric, current_counts, previous_counts)
                if previous
                else None,
            }
        )
    return cards


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def metric_trend(*, metric: str, filters: SummaryFilters, grain: str) -> dict[str, Any]:
    """The metric per day, week (starting Monday) or month, each point with n and ci95.

    Returns {metric, grain, n, low_n, points}; `n` is the total over all points. One query.
    """
    points = [
        with_margins(point)
        for point in metric_summary(metric=metric, group_by=grain, filters=filters)
    ]
    return {
        "metric": metric,
        "grain": grain,
        "n": sum(point["n"] for point in points),
        "low_n": settings.CX_LOW_SAMPLE_N,
        "points": points,
    }


def metric_breakdown(*, metric: str, filters: SummaryFilters, by: str) -> dict[str, Any]:
    """The metric per group of `by` (channel, department, handled_by), with the overall score.

    Returns {metric, by, n, low_n, overall, groups}. Two queries (plus one for labels).
    """
    overall = metric_summary(metric=metric, filters=filters)
    return {
        "metric": metric,
        "by": by,
        "n": overall[0]["n"] if overall else 0,
        "low_n": settings.CX_LOW_SAMPLE_N,
        "overall": overall[0] if overall else None,
        "groups": [
            with_margins(group)
            for group in metric_summary(metric=metric, group_by=by, filters=filters)
        ],
    }


def channel_department_matrix(*, metric: str, filters: SummaryFilters) -> dict[str, Any]:
    """The metric for every channel x department cell that has responses.

    Returns {metric, n, low_n, channels: [{key,label}], departments: [{key,label}],
    cells: [{channel, department, n, score, ci95, low_sample}]}. One query plus labels.
    """
    rows = grouped_counts(metric=metric, filters=filters, by=("channel", "department"))
    cells = []
    for row in rows:
        result = score_with_margins(metric, row)
        if result is not None:
            cells.append({"channel": row["channel"], "department": row["department"], **result})
    channel_labels, department_labels = group_labels("channel"), group_labels("department")
    channels = sorted({cell["channel"] for cell in cells}, key=lambda k: channel_labels.get(k, k))
    departments = sorted(
        {cell["department"] for cell in cells}, key=lambda k: department_labels.get(k, k)
    )
    return {
        "metric": metric,
        "n": sum(cell["n"] for cell in cells),
        "low_n": settings.CX_LOW_SAMPLE_N,
        "channels": [{"key": k, "label": channel_labels.get(k, k)} for k in channels],
        "departments": [{"key": k, "label": department_labels.get(k, k)} for k in departments],
        "cells": cells,
    }


def _both_ways(pairs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every pair as (row, col) and (col, row), the difference always row minus col."""
    cells = []
    for pair in pairs:
        for row, col, sign in ((pair["a"], pair["b"], 1), (pair["b"], pair["a"], -1)):
            difference = pair["difference"]
            cells.append(
                {
                    "row": row,
                    "col": col,
                    "difference": None if difference is None else sign * difference,
                    "p_adjusted": pair["p_adjusted"],
                    "significant": pair["significant"],
                }
            )
    return cells


def channel_consistency(*, metric: str, filters: SummaryFilters) -> dict[str, Any]:
    """How far apart the channels are, and which differences are real.

    Every pair of channels is compared with the metric's own test; p-values are Holm-adjusted
    over all pairs shown (family-wise 5%). `best`/`worst` are the highest and lowest scoring
    channels among those with at least CX_LOW_SAMPLE_N responses; `spread` is best minus worst
    with that pair's adjusted test. Returns {metric, n, low_n, channels (sorted best first),
    pairs: [{a, b, difference, p, p_adjusted, significant}], matrix (every pair both ways,
    row minus col), best, worst, spread}.
    One query plus labels.
    """
    rows = grouped_counts(metric=metric, filters=filters, by=("channel",))
    labels = group_labels("channel")
    counts = {row["channel"]: row for row in rows}
    channels = []
    for key, row in counts.items():
        result = score_with_margins(metric, row)
        if result is not None:
            channels.append({"key": key, "label": labels.get(key, key), **result})
    channels.sort(key=lambda c: c["score"], reverse=True)
    pairs = []
    for a, b in combinations([c["key"] for c in channels], 2):
        result = compare_fields(metric, counts[a], counts[b])
        pairs.append(
            {
                "a": a,
                "b": b,
                "a_label": labels.get(a, a),
                "b_label": labels.get(b, b),
                "difference": result["difference"] if result else None,
                "p": result["p"] if result else None,
            }
        )
    for pair, adjusted in zip(pairs, holm([pair["p"] for pair in pairs]), strict=True):
        pair.update(adjusted)
    solid = [c for c in channels if not c["low_sample"]]
    best, worst = (solid[0], solid[-1]) if len(solid) >= 2 else (None, None)
    spread = None
    if best and worst:
        pair = next(p for p in pairs if {p["a"], p["b"]} == {best["key"], worst["key"]})
        spread = {
            "difference": best["score"] - worst["score"],
            "p_adjusted": pair["p_adjusted"],
            "significant": pair["significant"],
        }
    return {
        "metric": metric,
        "n": sum(c["n"] for c in channels),
        "low_n": settings.CX_LOW_SAMPLE_N,
        "channels": channels,
        "pairs": pairs,
        "matrix": _both_ways(pairs),
        "best": best,
        "worst": worst,
        "spread": spread,
    }
