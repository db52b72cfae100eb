"""The follow-ups' shared metric: counts per group in SQL, figures by `metrics.followups`.

`followups_summary(group_by=, filters=, now=)` answers, for the follow-ups OPENED in the
filters' period (days of `opened_at` in the organisation's time zone) and of their owner
department, the response's channel and handled_by:

* per group (department, channel, handled_by, or day/week/month of opened_at; None: one
  group "all") and overall: opened, closed, closed on time (`models.on_time_q`), resolved,
  still open, overdue now (`models.overdue_q`), the on-time rate and the share resolved with
  Wilson intervals, the median hours from opening to first contact and to close (medians in
  SQL: `cxmetrics.sqlmedian`), and recovery;
* the root causes of the closed ones, most frequent first.

**Recovery**: for each closed follow-up with a customer reference, the customer's NEXT
response of the same metric as the response that opened it (the earliest `occurred_at`
strictly after `closed_at`; ties by id). Its value is read as the opening rule reads values
(the score for NPS, CSAT and CES rules, the comment's sentiment for the sentiment rule); the
customer has **recovered** when that value lies outside the rule's band
`[score_min, score_max]` (an NPS detractor rule 0-6: the next NPS answer is 7 or more). n
counts the closed follow-ups with such a next response whose value is known (a next answer
without a scored comment tells nothing about a sentiment rule and is left out); a customer
with two closed follow-ups counts twice. The band, not the rule's narrowing (channels,
departments...), decides: the question is whether the customer is still unhappy.

Queries: four per call (overall counts, grouped counts, recovery, root causes; three without
`group_by`), plus one for the labels of departments or channels. Every figure is computed in
the database; Python only turns counts into shares (`metrics.followups.followup_result`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Trunc
from django.db.models.lookups import Exact
from django.utils import timezone

from cxmetrics.metrics.followups import followup_result
from cxmetrics.models import (
    FollowUp,
    FollowUpStatus,
    Metric,
    Outcome,
    Response,
    on_time_q,
    overdue_q,
)
from cxmetrics.selectors.counts import group_labels, key_text
from cxmetrics.selectors.summary import SummaryFilters
from cxmetrics.sqlmedian import Hours, Median

__all__ = [
    "FOLLOWUP_GROUPS",
    "followups_q",
    "followups_summary",
    "recovery_flag",
]

FOLLOWUP_GROUPS = ("department", "channel", "handled_by", "day", "week", "month")
"""What the follow-ups summary groups by."""

_DIMENSION_COLUMNS = {
    "department": "department__slug",
    "channel": "response__channel__slug",
    "handled_by": "response__handled_by",
}


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(settings.TIME_ZONE))


def followups_q(filters: SummaryFilters) -> Q:
    """The follow-ups `filters` cover: opened on `start`..`end` (inclusive days in the
    organisation's time zone), of the owner `departments`, the response's `channels` and
    `handled_by`, the `sources` (empty: all). Builds a filter only."""
    q = Q()
    if filters.start:
        q &= Q(opened_at__gte=_local_midnight(filters.start))
    if filters.end:
        q &= Q(opened_at__lt=_local_midnight(filters.end + timedelta(days=1)))
    if filters.departments:
        q &= Q(department__slug__in=filters.departments)
    if filters.channels:
        q &= Q(response__channel__slug__in=filters.channels)
    if filters.handled_by:
        q &= Q(response__handled_by__in=filters.handled_by)
    if filters.sources:
        q &= Q(source__slug__in=filters.sources)
    return q


def _group_expression(group_by: str) -> Any:
    if group_by in _DIMENSION_COLUMNS:
        return F(_DIMENSION_COLUMNS[group_by])
    if group_by in ("day", "week", "month"):
        tz = ZoneInfo(settings.TIME_ZONE)
        return Trunc("opened_at", group_by, output_field=DateField(), tzinfo=tz)
    raise ValueError(f"group_by must be one of {', '.join(FOLLOWUP_GROUPS)}")


def _counts(now: datetime) -> dict[str, Any]:
    closed = Q(status=FollowUpStatus.CLOSED)
    return {
        "opened": Count("id"),
        "closed": Count("id", filter=closed),
        "closed_on_time": Count("id", filter=on_time_q()),
        "resolved": Count("id", filter=closed & Q(outcome=Outcome.RESOLVED)),
        "open": Count("id", filter=~closed),
        "overdue": Count("id", filter=overdue_q(now=now)),
        "median_hours_to_first_contact": Median(Hours(F("first_contact_at"), F("opened_at"))),
        "median_hours_to_close": Median(Hours(F("closed_at"), F("opened_at"))),
    }


def recovery_flag() -> Subquery:
    """Per closed follow-up (an expression over `FollowUp`): 1 when the customer's next
    response recovered (see the module docstring), 0 when it still falls in the rule's band,
    NULL when there is none or its value is unknown. One index probe per follow-up
    (`response_customer_next_idx`)."""
    value = Case(
        When(Exact(OuterRef("rule__metric"), Value(Metric.SENTIMENT)), then=F("sentiment")),
        default=F("score"),
        output_field=FloatField(),
    )
    # The opening response's metric by a primary-key probe: a join would let PostgreSQL
    # hash-join the whole responses table (a sequential scan) to a few thousand follow-ups.
    metric = Response.objects.filter(pk=OuterRef(OuterRef("response_id"))).values("metric")[:1]
    nxt = (
        Response.objects.exclude(customer_ref="")  # lets PostgreSQL use the partial index
        .filter(
            customer_ref=OuterRef("customer_ref"),
            metric=Subquery(metric),
            occurred_at__gt=OuterRef("closed_at"),
        )
        .order_by("occurred_at", "pk")
        .annotate(value=value)
        .annotate(
            flag=Case(
                When(value__isnull=True, then=Value(None)),
                When(
                    value__gte=OuterRef("rule__score_min"),
                    value__lte=OuterRef("rule__score_max"),
                    then=Value(0),
                ),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .values("flag")[:1]
    )
    return Subquery(nxt, output_field=IntegerField())


def _recovery_rows(queryset: QuerySet, key: Any) -> dict[Any, dict[str, int]]:
    """{group key: {n, recovered}} in one query (the flag is grouped on, so it is computed
    once per follow-up)."""
    closed = queryset.filter(status=FollowUpStatus.CLOSED).exclude(customer_ref="")
    rows = (
        closed.annotate(key=key, flag=recovery_flag())
        .values("key", "flag")
        .annotate(count=Count("id"))
        .order_by()
    )
    totals: dict[Any, dict[str, int]] = {}
    for row in rows:
        if row["flag"] is None:
            continue
        group = totals.setdefault(row["key"], {"n": 0, "recovered": 0})
        group["n"] += row["count"]
        group["recovered"] += row["count"] if row["flag"] == 1 else 0
    return totals


def _share(result: Any) -> tuple[float | None, list[float] | None]:
    return (result.score, [result.low, result.high]) if result is not None else (None, None)


def _group(key: Any, label: str, row: dict[str, Any], recovery: dict[str, int]) -> dict:
    result = followup_result(
        opened=row["opened"],
        closed=row["closed"],
        closed_on_time=row["closed_on_time"],
        resolved=row["resolved"],
        recovery_n=recovery["n"],
        recovered=recovery["recovered"],
    )
    on_time, ci95 = _share(result.on_time)
    resolved, resolved_ci95 = _share(result.resolved_share)
    rate, recovery_ci95 = _share(result.recovery)
    return {
        "key": key,
        "label": label,
        "opened": row["opened"],
        "closed": row["closed"],
        "closed_on_time": row["closed_on_time"],
        "resolved": row["resolved"],
        "open": row["open"],
        "overdue": row["overdue"],
        "on_time_rate": on_time,
        "ci95": ci95,
        "median_hours_to_first_contact": row["median_hours_to_first_contact"],
        "median_hours_to_close": row["median_hours_to_close"],
        "resolved_share": resolved,
        "resolved_ci95": resolved_ci95,
        "recovery": {
            "n": recovery["n"],
            "recovered": recovery["recovered"],
            "rate": rate,
            "ci95": recovery_ci95,
            "low_sample": recovery["n"] < settings.CX_LOW_SAMPLE_N,
        },
        "low_sample": row["opened"] < settings.CX_LOW_SAMPLE_N,
    }


_NO_RECOVERY = {"n": 0, "recovered": 0}


def followups_summary(
    *,
    group_by: str | None = None,
    filters: SummaryFilters | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The follow-ups' figures per group and overall, and the root causes ranked.

    Returns {group_by, start, end, low_n, groups: [group], overall: group, root_causes:
    [{name, count}]}; a group is {key (slug, handled_by value or ISO date starting the day,
    week or month), label, opened, closed, closed_on_time, resolved, open, overdue,
    on_time_rate (percent), ci95, median_hours_to_first_contact, median_hours_to_close,
    resolved_share (percent of closed), resolved_ci95, recovery {n, recovered, rate, ci95,
    low_sample}, low_sample (opened below CX_LOW_SAMPLE_N)}; groups with no follow-up are
    left out, ordered by key. Shares are None when their denominator is 0. `now` (default:
    the current time) decides what is overdue. Three queries without `group_by`, four with,
    five for department or channel labels (see the module docstring)."""
    if group_by is not None and group_by not in FOLLOWUP_GROUPS:
        raise ValueError(f"group_by must be one of {', '.join(FOLLOWUP_GROUPS)}")
    now = now or timezone.now()
    filters = filters or SummaryFilters()
    queryset = FollowUp.objects.filter(followups_q(filters))
    counts = _counts(now)
    overall_row = queryset.aggregate(**counts)
    key = _group_expression(group_by) if group_by else Value("all")
    recovery = _recovery_rows(queryset, key)
    overall_recovery = {
        "n": sum(r["n"] for r in recovery.values()),
        "recovered": sum(r["recovered"] for r in recovery.values()),
    }
    overall = _group("all", "All", overall_row, overall_recovery)
    if group_by is None:
        groups = [overall] if overall_row["opened"] else []
    else:
        labels = group_labels(group_by)
        rows = queryset.annotate(key=key).values("key").annotate(**counts).order_by("key")
        groups = [
            _group(
                key_text(row["key"]),
                labels.get(row["key"], key_text(row["key"])),
                row,
                recovery.get(row["key"], _NO_RECOVERY),
            )
            for row in rows
        ]
    causes = (
        queryset.filter(status=FollowUpStatus.CLOSED, root_cause__isnull=False)
        .values(name=F("root_cause__name"))
        .annotate(count=Count("id"))
        .order_by("-count", "name")
    )
    return {
        "group_by": group_by,
        "start": filters.start,
        "end": filters.end,
        "low_n": settings.CX_LOW_SAMPLE_N,
        "groups": groups,
        "overall": overall,
        "root_causes": list(causes),
    }
