"""The live figures of the goal editor: where a scope stands and what a period can detect.

While a lead chooses a goal's metric, scope and period, the editor shows the scope's value
over the last 90 days (suggested as the baseline), the responses to expect over the chosen
period at the recent rate, and the smallest change that many can detect by the metric's own
test (cxmetrics.metrics.power); a target closer to the value than that is flagged.

For `followup_on_time` the figures are the follow-ups' (`selectors.followup_rates`): the
on-time close rate over the 90 days with its n (the follow-ups decided by now), the
follow-ups to expect at the recent opening rate, and the change the two-proportion z-test can
detect with that many, as for CSAT.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from cxmetrics.metrics import TEST_TWO_PROPORTION_Z, power
from cxmetrics.models import DailyRollup, GoalMetric, Metric
from cxmetrics.scales import counted
from cxmetrics.selectors.counts import group_counts, metric_q, rollup_sums, sampled_score
from cxmetrics.selectors.followup_rates import RateWindow, rate_counts, rate_score
from cxmetrics.selectors.summary import METRIC_TESTS, SummaryFilters

WINDOW_DAYS = 90
"""The recent past the editor measures: the last 90 days up to and including today."""

GOAL_TESTS: dict[str, str] = {
    **{metric.value: test for metric, test in METRIC_TESTS.items()},
    GoalMetric.FOLLOWUP_ON_TIME.value: TEST_TWO_PROPORTION_Z,
}
"""Each goal metric's test of a change: the response metrics' own (METRIC_TESTS); the on-time
close rate is a proportion, tested as CSAT is."""


def detectable_change(
    metric: str, counts: Mapping[str, Any], n_after: float
) -> power.Detectable | None:
    """The smallest change `n_after` responses can detect against `counts` (a summed row of
    COUNT_FIELDS; for `followup_on_time` a `rate_counts` row) by `metric`'s own test
    (GOAL_TESTS), in the metric's units. Pure."""
    if metric == GoalMetric.FOLLOWUP_ON_TIME:
        return power.detectable_csat(counts["closed_on_time"], counts["n"], n_after=n_after)
    if metric == Metric.NPS:
        return power.detectable_nps(
            counts["promoters"], counts["passives"], counts["detractors"], n_after=n_after
        )
    if metric == Metric.CSAT:
        return power.detectable_csat(counts["satisfied"], counts["n"], n_after=n_after)
    prefix = "sentiment_" if metric == Metric.SENTIMENT else ""
    return power.detectable_mean(
        counts[f"{prefix}n"],
        counts[f"{prefix}total"] or 0.0,
        counts[f"{prefix}total_sq"] or 0.0,
        n_after=n_after,
    )


def noise_flag(expected_n: float, metric: str = GoalMetric.NPS) -> str:
    """The words for a target inside the noise band of a period with `expected_n` answers
    (responses, or follow-ups for `followup_on_time`)."""
    return f"cannot be told from noise with about {round(expected_n):,} {counted(metric)}"


def goal_preview(
    *,
    metric: str,
    channels: Sequence[str],
    handled_by: Sequence[str],
    scope_departments: Sequence[str] = (),
    start: date | None,
    end: date | None,
    target: float | None,
    today: date,
) -> dict[str, Any]:
    """The editor's figures for a goal on `metric` (a GoalMetric) over a scope (channel and
    department slugs, handled_by values; empty means all) and the period [start, end].

    Keys: metric; test (GOAL_TESTS); window {start, end, days} (the WINDOW_DAYS up to
    `today`); value, n, low, high (the scope's score over the window with its 95% interval;
    value/low/high None without data); per_day (n / window days; for `followup_on_time` the
    follow-ups opened / window days, the rate its n grows at); expected_n (per_day x the
    period's days; None without a period, or one ending before it starts); detectable (the
    smallest change expected_n can detect, metric units; None when it cannot be computed);
    band [value - detectable, value + detectable] or None; target; flag (`noise_flag`) when
    the target is strictly inside the band, else None.

    Cost: one rollup query (one follow-up query for `followup_on_time`).
    """
    window_start = today - timedelta(days=WINDOW_DAYS - 1)
    counts, score, per_day = _recent(
        metric, window_start, today, channels, handled_by, scope_departments
    )
    value, n, low, high = None, 0, None, None
    if score is not None:
        value, n = score["score"], score["n"]
        low, high = score["ci95"]
    expected_n = None
    if start is not None and end is not None and end >= start:
        expected_n = per_day * ((end - start).days + 1)
    detectable = None
    if score is not None and expected_n is not None:
        found = detectable_change(metric, counts, expected_n)
        detectable = found.change if found is not None else None
    band = None
    flag = None
    if value is not None and detectable is not None:
        band = [value - detectable, value + detectable]
        if target is not None and abs(target - value) < detectable:
            flag = noise_flag(expected_n or 0.0, metric)
    return {
        "metric": metric,
        "test": GOAL_TESTS[metric],
        "window": {"start": window_start, "end": today, "days": WINDOW_DAYS},
        "value": value,
        "n": n,
        "low": low,
        "high": high,
        "per_day": per_day,
        "expected_n": expected_n,
        "detectable": detectable,
        "band": band,
        "target": target,
        "flag": flag,
    }


def _recent(
    metric: str,
    first: date,
    last: date,
    channels: Sequence[str],
    handled_by: Sequence[str],
    departments: Sequence[str],
) -> tuple[Mapping[str, Any], dict[str, Any] | None, float]:
    """The scope's counts over [first, last], its score (None without data) and how many
    a day it adds to n. One query."""
    days = (last - first).days + 1
    if metric == GoalMetric.FOLLOWUP_ON_TIME:
        window = RateWindow(
            first=first,
            last=last,
            departments=departments,
            channels=channels,
            handled_by=handled_by,
            key="slug",
        )
        (rate,) = rate_counts([window])
        return rate, rate_score(rate), rate["opened"] / days
    filters = SummaryFilters(
        start=first,
        end=last,
        channels=tuple(channels),
        departments=tuple(departments),
        handled_by=tuple(handled_by),
    )
    queryset = DailyRollup.objects.filter(metric_q(metric), filters.q())
    counts = group_counts(queryset, rollup_sums(), None)[0]
    score = sampled_score(metric, counts)
    return counts, score, (score["n"] if score else 0) / days
