"""Closed-loop follow-up figures from counts: the on-time close rate, the share resolved and
recovery, each a share with its Wilson 95% interval; and the median of a list of durations.

Pure: the selectors count in SQL (`cxmetrics.selectors.followups_summary`) and pass counts in.

Definitions (docs/followups.md, "Metrics"):

* **On-time close rate** = closed on time / opened, in percent. "Closed on time" is
  `cxmetrics.models.on_time_q` (closed, `closed_at <= due_at`); a follow-up still open counts
  in the denominator (it has not been closed on time, yet), as CustomerGauge counts "closed
  the loop within 48 hours" over every case opened.
* **Share resolved** = closed with outcome `resolved` / closed, in percent.
* **Recovery** = recovered / n, in percent: n counts the closed follow-ups whose customer
  answered again (the next response of the same customer, same metric, after `closed_at`),
  recovered those whose next answer no longer falls in the band of the rule that opened the
  follow-up.
* **Median**: the middle value of the sorted values, the mean of the two middle ones for an
  even count (what PostgreSQL's `percentile_cont(0.5)` answers).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cxmetrics.metrics.results import ProportionResult
from cxmetrics.metrics.scores import proportion
from cxmetrics.metrics.sums import check_counts

__all__ = ["FollowUpResult", "followup_result", "median"]


@dataclass(frozen=True)
class FollowUpResult:
    """One group's follow-up figures; each share is None when its denominator is 0."""

    opened: int
    closed: int
    closed_on_time: int
    resolved: int
    on_time: ProportionResult | None
    resolved_share: ProportionResult | None
    recovery: ProportionResult | None


def followup_result(
    *,
    opened: int,
    closed: int,
    closed_on_time: int,
    resolved: int,
    recovery_n: int,
    recovered: int,
) -> FollowUpResult:
    """The figures of one group from its counts.

    Raises ValueError for a negative count or counts that cannot come from one set of
    follow-ups: closed > opened, closed_on_time or resolved > closed, recovery_n > closed,
    recovered > recovery_n.
    """
    check_counts(
        opened=opened,
        closed=closed,
        closed_on_time=closed_on_time,
        resolved=resolved,
        recovery_n=recovery_n,
        recovered=recovered,
    )
    for part, whole, part_name, whole_name in (
        (closed, opened, "closed", "opened"),
        (closed_on_time, closed, "closed_on_time", "closed"),
        (resolved, closed, "resolved", "closed"),
        (recovery_n, closed, "recovery_n", "closed"),
        (recovered, recovery_n, "recovered", "recovery_n"),
    ):
        if part > whole:
            raise ValueError(f"{part_name} ({part}) cannot exceed {whole_name} ({whole})")
    return FollowUpResult(
        opened=opened,
        closed=closed,
        closed_on_time=closed_on_time,
        resolved=resolved,
        on_time=proportion(closed_on_time, opened),
        resolved_share=proportion(resolved, closed),
        recovery=proportion(recovered, recovery_n),
    )


def median(values: Iterable[float | None]) -> float | None:
    """The median of the values that are not None; None when there are none."""
    ordered = sorted(value for value in values if value is not None)
    count = len(ordered)
    if count == 0:
        return None
    middle = count // 2
    if count % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2.0
