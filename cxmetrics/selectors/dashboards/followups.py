"""The follow-ups dashboard page in one read: the summary by department (open, overdue,
recovery, root causes) and over time (the on-time rate per day, week or month), both from
`cxmetrics.selectors.followups_summary`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from cxmetrics.selectors.followups_summary import followups_summary
from cxmetrics.selectors.summary import SummaryFilters


def followups_board(
    *, filters: SummaryFilters, grain: str, now: datetime | None = None
) -> dict[str, Any]:
    """{by_department, over_time}: `followups_summary` by department and by `grain` (day,
    week or month of opened_at) for the same filters and `now`; each department's recovery
    carries `err95` (below, above its rate) for error bars. Nine queries (five + four)."""
    now = now or timezone.now()
    by_department = followups_summary(group_by="department", filters=filters, now=now)
    for group in by_department["groups"]:
        recovery = group["recovery"]
        ci95, rate = recovery["ci95"], recovery["rate"]
        recovery["err95"] = [rate - ci95[0], ci95[1] - rate] if ci95 else None
    return {
        "by_department": by_department,
        "over_time": followups_summary(group_by=grain, filters=filters, now=now),
    }
