"""Reads of follow-ups: the listing of the API (and its CSV export), one follow-up, the rules
and root causes. Who sees what is `services.followups.access.visible_followups`; overdue is
`models.overdue_q` (the same rule as `FollowUp.is_overdue`).

* `FollowUpFilters`: the list filters (departments, statuses, overdue, sources, the
  response's external_id).
* `with_overdue(queryset, now=)`: annotates `overdue` (a boolean computed in SQL).
* `followup_page(...)` / `followup_rows(...)`: rows as dicts with `ROW_FIELDS` keys, one
  query per page (the CSV streams in chunks).
* `followup_row(...)`: one follow-up as such a row, or None when the caller may not see it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone

from cxmetrics.models import FollowUpRule, RootCause, overdue_q
from cxmetrics.services.followups.access import visible_followups

__all__ = [
    "ROW_FIELDS",
    "FollowUpFilters",
    "followup_page",
    "followup_row",
    "followup_rows",
    "root_causes_list",
    "rules_queryset",
    "with_overdue",
]

ROW_FIELDS = (
    "id",
    "source",
    "external_id",
    "department",
    "status",
    "outcome",
    "root_cause",
    "assignee",
    "opened_at",
    "due_at",
    "first_contact_at",
    "closed_at",
    "overdue",
    "priority",
    "rule",
    "note",
)
# Query column for each row field: related names instead of ids.
_COLUMNS = {
    **{name: name for name in ROW_FIELDS},
    "source": "source__slug",
    "external_id": "response__external_id",
    "department": "department__slug",
    "root_cause": "root_cause__name",
    "assignee": "assignee__username",
    "rule": "rule__name",
}


@dataclass(frozen=True)
class FollowUpFilters:
    """Empty tuples and None mean no filter."""

    departments: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    overdue: bool | None = None
    sources: tuple[str, ...] = ()
    external_id: str | None = None

    def q(self, *, now: datetime) -> Q:
        q = Q()
        if self.departments:
            q &= Q(department__slug__in=list(self.departments))
        if self.statuses:
            q &= Q(status__in=list(self.statuses))
        if self.overdue is not None:
            q &= overdue_q(now=now) if self.overdue else ~overdue_q(now=now)
        if self.sources:
            q &= Q(source__slug__in=list(self.sources))
        if self.external_id:
            q &= Q(response__external_id=self.external_id)
        return q


def with_overdue(queryset: QuerySet, *, now: datetime | None = None) -> QuerySet:
    """`queryset` with `overdue` annotated from `overdue_q`."""
    return queryset.annotate(
        overdue=Case(
            When(overdue_q(now=now or timezone.now()), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def _values(user: Any, filters: FollowUpFilters, now: datetime) -> QuerySet:
    queryset = visible_followups(user).filter(filters.q(now=now))
    return with_overdue(queryset, now=now).values(*(_COLUMNS[name] for name in ROW_FIELDS))


def _row(values: dict[str, Any]) -> dict[str, Any]:
    return {name: values[_COLUMNS[name]] for name in ROW_FIELDS}


def followup_page(
    *,
    user: Any,
    filters: FollowUpFilters,
    before_id: int | None = None,
    size: int = 100,
    now: datetime | None = None,
) -> tuple[list[dict[str, Any]], bool]:
    """Up to `size` follow-ups `user` sees, newest first (id descending), with id <
    `before_id` when given. Returns (rows with ROW_FIELDS keys, whether more follow). One
    query."""
    now = now or timezone.now()
    queryset = _values(user, filters, now)
    if before_id is not None:
        queryset = queryset.filter(pk__lt=before_id)
    rows = [_row(values) for values in queryset.order_by("-pk")[: size + 1]]
    return rows[:size], len(rows) > size


def followup_rows(
    *, user: Any, filters: FollowUpFilters, chunk_size: int = 2000, now: datetime | None = None
) -> Iterator[list[Any]]:
    """Every follow-up `user` sees, oldest first, as CSV-ready lists in ROW_FIELDS order
    (times in ISO 8601). Streams in chunks of `chunk_size`."""
    now = now or timezone.now()
    queryset = _values(user, filters, now).order_by("pk")
    for values in queryset.iterator(chunk_size=chunk_size):
        row = _row(values)
        yield [
            value.isoformat() if isinstance(value, datetime) else value for value in row.values()
        ]


def followup_row(*, user: Any, pk: int, now: datetime | None = None) -> dict[str, Any] | None:
    """The follow-up `pk` as a row, or None when it does not exist or `user` may not see it.
    One query."""
    now = now or timezone.now()
    values = _values(user, FollowUpFilters(), now).filter(pk=pk).first()
    return _row(values) if values else None


def rules_queryset() -> QuerySet[FollowUpRule]:
    """Every rule with what its API answer reads (two prefetches, one join)."""
    return FollowUpRule.objects.select_related("owner_department").prefetch_related(
        "channels", "departments"
    )


def root_causes_list(*, active_only: bool = False) -> list[dict[str, Any]]:
    """Root causes by name: [{name, active}]. One query."""
    rows = RootCause.objects.order_by("name")
    if active_only:
        rows = rows.filter(active=True)
    return list(rows.values("name", "active"))
