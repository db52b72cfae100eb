"""The on-time close rate of follow-ups over a scope and a window of days: the goal metric
`followup_on_time` (`GoalMetric.FOLLOWUP_ON_TIME`), counted in SQL, scored in Python.

For a window of org-local days [first, last] and a scope (the follow-up's department, the
response's channel and handled_by; empty means all), the rate is

    closed on time / decided,  in percent, with the Wilson 95% interval of top-2-box CSAT

over the follow-ups *opened* on those days (`opened_at`, in the organisation's time zone),
where both counts are taken as they stood at the window's `standing_at` moment: the end of its
last day, or now while that day has not ended. *Decided* (`models.decided_q`): closed by then,
or past its due time then; *closed on time* (`models.on_time_by_q`): closed at or before
`due_at` (`models.on_time_q`), by then. A follow-up still open and not yet due is neither on
time nor late yet, so it is left out of n: a fresh follow-up does not drag the rate down.
`opened` counts every follow-up opened in the window (the opening rate of the goal editor).

The functions returning Q objects or dicts run no query; `rate_counts` says what it runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from cxmetrics import metrics
from cxmetrics.localtime import day_start
from cxmetrics.models import FollowUp, decided_q, on_time_by_q

__all__ = ["RATE_FIELDS", "RateWindow", "rate_counts", "rate_score", "standing_at"]

RATE_FIELDS = ("opened", "n", "closed_on_time")
"""The counts of one window (`rate_counts`), in the order of its SQL columns."""


@dataclass(frozen=True)
class RateWindow:
    """Follow-ups opened on the org-local days [first, last] within a scope. The scope is
    matched on `key` ("pk": ids, no join but the response's when channels or handled_by are
    given; "slug": slugs, joining the department and channel tables); empty means all."""

    first: date
    last: date
    departments: Sequence[Any] = ()
    channels: Sequence[Any] = ()
    handled_by: Sequence[str] = ()
    key: str = "pk"

    def q(self) -> Q:
        """The window's follow-ups (no query)."""
        q = Q(opened_at__gte=day_start(self.first)) & Q(
            opened_at__lt=day_start(self.last + timedelta(days=1))
        )
        if self.departments:
            q &= Q(**{f"department__{self.key}__in": list(self.departments)})
        if self.channels:
            q &= Q(**{f"response__channel__{self.key}__in": list(self.channels)})
        if self.handled_by:
            q &= Q(response__handled_by__in=list(self.handled_by))
        return q


def standing_at(last: date, *, now: datetime | None = None) -> datetime:
    """The moment a window ending on `last` is judged at: the end of that org-local day, or
    `now` (default the current time) when that is earlier."""
    return min(now or timezone.now(), day_start(last + timedelta(days=1)))


def rate_counts(
    windows: Sequence[RateWindow], *, now: datetime | None = None
) -> list[dict[str, int]]:
    """Each window's RATE_FIELDS counts as it stood at `standing_at(window.last)`, in the
    windows' order. One query for all of them (a filtered COUNT per window and count, over
    the follow-ups opened on the days any window covers); none without windows. The caller
    bounds how many windows go in one query (3 columns each)."""
    if not windows:
        return []
    counts: dict[str, Count] = {}
    for i, window in enumerate(windows):
        rows = window.q()
        at = standing_at(window.last, now=now)
        counts[f"w{i}_opened"] = Count("pk", filter=rows)
        counts[f"w{i}_n"] = Count("pk", filter=rows & decided_q(at=at))
        counts[f"w{i}_closed_on_time"] = Count("pk", filter=rows & on_time_by_q(at=at))
    days = Q(opened_at__gte=day_start(min(w.first for w in windows))) & Q(
        opened_at__lt=day_start(max(w.last for w in windows) + timedelta(days=1))
    )
    totals = FollowUp.objects.filter(days).aggregate(**counts)
    return [
        {key: int(totals[f"w{i}_{key}"] or 0) for key in RATE_FIELDS} for i in range(len(windows))
    ]


def rate_score(counts: dict[str, int]) -> dict[str, Any] | None:
    """A window's score from its `rate_counts`: {n, score, opened, closed_on_time, ci95}, the
    score and interval in percent (None when no follow-up is decided). Pure.

    A proportion with a Wilson interval: exactly the interval of top-2-box CSAT
    (`metrics.csat`), so the figure and its gate behave as a CSAT goal's do."""
    result = metrics.csat(counts["closed_on_time"], counts["n"])
    if result is None:
        return None
    return {
        "n": result.n,
        "score": result.score,
        "opened": counts["opened"],
        "closed_on_time": counts["closed_on_time"],
        "ci95": [result.low, result.high],
    }
