"""Metric scores by group: SQL counts, Python scores.

`metric_summary` reads the daily rollups (whole days in the organisation's time zone);
`metric_summary_raw` computes the same scores by GROUP BY over raw responses. Both return the
same plain dicts, so the rollups can be proven equal to the raw computation. `compare_groups`
tests two groups of one dimension against each other. The counts they are built from (which
columns, how SQL sums them, how counts become a score) are `cxmetrics.selectors.counts`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from cxmetrics import metrics
from cxmetrics.models import DailyRollup, Metric, Response
from cxmetrics.selectors.counts import (
    GROUP_BY_CHOICES as GROUP_BY_CHOICES,  # metric_summary's group_by, named here too
)
from cxmetrics.selectors.counts import (
    group_counts,
    group_labels,
    key_text,
    metric_q,
    raw_sums,
    rollup_sums,
    sampled_score,
)

DIMENSIONS = ("channel", "department", "handled_by", "source")
"""The dimensions a score is filtered, grouped or compared by (the API's and the URLs' keys)."""
FILTER_FIELDS = {
    "channel": "channels",
    "department": "departments",
    "handled_by": "handled_by",
    "source": "sources",
}
"""The SummaryFilters attribute each dimension's list fills."""


@dataclass(frozen=True)
class SummaryFilters:
    """Which responses a score covers. Empty tuples mean all; dates are inclusive."""

    start: date | None = None
    end: date | None = None
    channels: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    handled_by: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    @classmethod
    def of(
        cls, *, start: date | None = None, end: date | None = None, **lists: Any
    ) -> SummaryFilters:
        """Filters from dimension keys (``channel=("web",)``, ...; None or empty means all)."""
        return cls(
            start=start,
            end=end,
            **{FILTER_FIELDS[key]: tuple(values or ()) for key, values in lists.items()},
        )

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


def _summarise(
    queryset: QuerySet, sums: dict[str, Any], metric: str, group_by: str | None
) -> list[dict[str, Any]]:
    labels = group_labels(group_by)
    groups = []
    for row in group_counts(queryset, sums, group_by):
        score = sampled_score(metric, row)
        if score is None:
            continue
        key = key_text(row["key"])
        label = "All" if key == "all" else labels.get(key, str(key))
        groups.append({"key": key, "label": label, **score})
    return groups


def metric_summary(
    *, metric: str, group_by: str | None = None, filters: SummaryFilters = SummaryFilters()
) -> list[dict[str, Any]]:
    """Scores per group of `group_by` (GROUP_BY_CHOICES; None: one group "all"), read from the
    daily rollups. Each group: key (dates in ISO), label, the metric's score
    (`score_from_counts`) and low_sample; groups without data are left out, ordered by key.
    One query (plus one for the labels of channel, department or source)."""
    queryset = DailyRollup.objects.filter(metric_q(metric), filters.q())
    return _summarise(queryset, rollup_sums(), metric, group_by)


def metric_summary_raw(
    *, metric: str, group_by: str | None = None, filters: SummaryFilters = SummaryFilters()
) -> list[dict[str, Any]]:
    """The same scores as `metric_summary`, by GROUP BY over raw responses (one query that
    reads every response in the filters, plus labels): the proof of the rollups, not a page's
    read."""
    queryset = Response.objects.filter(metric_q(metric), filters.q())
    return _summarise(queryset, raw_sums(), metric, group_by)


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
    `reason` says which. One query (plus one for the labels of channel, department, source)."""
    if by not in DIMENSIONS:
        raise ValueError(f"by must be one of {', '.join(DIMENSIONS)}")
    field = FILTER_FIELDS[by]
    scoped = SummaryFilters(**{**filters.__dict__, field: (a, b)})
    queryset = DailyRollup.objects.filter(metric_q(metric), scoped.q())
    counts = {row["key"]: row for row in group_counts(queryset, rollup_sums(), by)}
    labels = group_labels(by)

    def side(key: str) -> dict[str, Any]:
        score = sampled_score(metric, counts.get(key))
        if score is None:
            return {"key": key, "label": labels.get(key, key), "n": 0, "low_sample": True}
        return {"key": key, "label": labels.get(key, key), **score}

    fields = compare_fields(metric, counts.get(a), counts.get(b))
    if fields is None:
        empty = [key for key in (a, b) if not counts.get(key)]
        fields = {
            **comparison_fields(None),
            "test": METRIC_TESTS[metric],
            "reason": f"no responses in {' and '.join(empty)}: nothing to compare",
        }
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


def compare_fields(
    metric: str, a: Mapping[str, Any] | None, b: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    """A minus B (two groups' additive counts) with the metric's own test, as
    `comparison_fields`; None when a group has no counts. Untested (one answer, no variance):
    difference set, p None, `reason` says why. Pure: no query."""
    result = compare_counts(metric, a, b)
    return None if result is None else comparison_fields(result)


def compare_counts(
    metric: str, a: Mapping[str, Any] | None, b: Mapping[str, Any] | None
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
