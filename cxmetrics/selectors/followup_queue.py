"""Reads of the team leads' follow-up queue (/followups/) and of one follow-up's page.

Who sees what is `services.followups.access.visible_followups`; overdue is `models.overdue_q`.

* `QueueFilters` and `queue_page(...)`: the queue, overdue first, then by priority (high
  first), then due time, then id (a stable order); one query per page.
* `followup_detail(...)`: one follow-up with everything its page shows (one query).
* `customer_history(...)`: the customer's earlier responses that opened or were linked to a
  follow-up, through the follow-ups' own `customer_ref` index (one query).
* `followup_links(...)`: the later responses linked to a follow-up (one query).
* `followup_changes(...)`: the latest audit rows of a follow-up as field changes (at most four
  queries, for any number of rows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Case, CharField, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Length, Substr
from django.utils import timezone

from cxmetrics.models import (
    PRIORITY_RANK,
    Department,
    FollowUp,
    FollowUpLink,
    FollowUpStatus,
    RootCause,
    overdue_q,
)
from cxmetrics.selectors.followups import with_overdue
from cxmetrics.services.followups.access import visible_followups

__all__ = [
    "CHANGE_FIELDS",
    "COMMENT_PREVIEW",
    "HISTORY_LIMIT",
    "LINKS_LIMIT",
    "NOT_CLOSED",
    "QUEUE_PAGE_SIZE",
    "FieldChange",
    "FollowUpChange",
    "QueueFilters",
    "QueuePage",
    "customer_history",
    "followup_changes",
    "followup_detail",
    "followup_links",
    "queue_order",
    "queue_page",
]

QUEUE_PAGE_SIZE = 50
"""Follow-ups per page of the queue (the page size is bounded: never more than this)."""
COMMENT_PREVIEW = 160
"""Characters of the (masked) comment the queue shows; the detail page shows all of it."""
HISTORY_LIMIT = 20
"""The detail page's history lists the latest this many changes."""
LINKS_LIMIT = 20
"""Linked later responses and the customer's earlier ones listed on the detail page, at most."""
NOT_CLOSED = "not_closed"
"""The queue's default status filter: every status but closed."""


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filters; empty tuples and None mean no filter. `statuses` may hold
    `NOT_CLOSED`."""

    departments: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    overdue: bool | None = None
    assignee_id: int | None = None

    def q(self, *, now: datetime) -> Q:
        q = Q()
        if self.departments:
            q &= Q(department__slug__in=list(self.departments))
        if self.statuses:
            wanted = Q(status__in=[s for s in self.statuses if s != NOT_CLOSED])
            if NOT_CLOSED in self.statuses:
                wanted |= ~Q(status=FollowUpStatus.CLOSED)
            q &= wanted
        if self.overdue is not None:
            q &= overdue_q(now=now) if self.overdue else ~overdue_q(now=now)
        if self.assignee_id is not None:
            q &= Q(assignee_id=self.assignee_id)
        return q


@dataclass(frozen=True)
class QueuePage:
    rows: list[dict[str, Any]]
    number: int
    size: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def queue_order(queryset: QuerySet, *, now: datetime) -> QuerySet:
    """`queryset` with `overdue` and `priority_rank` annotated, in the queue's order: overdue
    first, then priority (high, normal, low), then the earliest due, then id."""
    rank = Case(
        *(When(priority=value, then=Value(position)) for value, position in PRIORITY_RANK.items()),
        default=Value(len(PRIORITY_RANK)),
        output_field=IntegerField(),
    )
    return (
        with_overdue(queryset, now=now)
        .annotate(priority_rank=rank)
        .order_by("-overdue", "priority_rank", "due_at", "pk")
    )


# The queue's columns: (row key, query expression or column).
_QUEUE_COLUMNS: dict[str, Any] = {
    "id": "pk",
    "due_at": "due_at",
    "opened_at": "opened_at",
    "closed_at": "closed_at",
    "priority": "priority",
    "status": "status",
    "outcome": "outcome",
    "overdue": "overdue",
    "department": "department__name",
    "department_slug": "department__slug",
    "metric": "response__metric",
    "score": "response__score",
    "channel": "response__channel__name",
    "handled_by": "response__handled_by",
    "agent_ref": "response__agent_ref",
    "comment": Substr("response__comment", 1, COMMENT_PREVIEW),
    "comment_length": Length("response__comment"),
    "assignee": "assignee__username",
}


def queue_page(
    *,
    user: Any,
    filters: QueueFilters,
    page: int = 1,
    size: int = QUEUE_PAGE_SIZE,
    now: datetime | None = None,
) -> QueuePage:
    """Page `page` (from 1) of the follow-ups `user` sees, filtered, in `queue_order`; rows
    are dicts with the `_QUEUE_COLUMNS` keys (the comment cut to COMMENT_PREVIEW characters,
    `comment_length` its full length). `size` is capped at QUEUE_PAGE_SIZE. One query."""
    now = now or timezone.now()
    size = max(1, min(size, QUEUE_PAGE_SIZE))
    page = max(1, page)
    queryset = queue_order(visible_followups(user).filter(filters.q(now=now)), now=now)
    expressions = {k: v for k, v in _QUEUE_COLUMNS.items() if not isinstance(v, str)}
    names = {k: v for k, v in _QUEUE_COLUMNS.items() if isinstance(v, str)}
    values = queryset.annotate(**{f"q_{k}": v for k, v in expressions.items()}).values(
        *names.values(), *(f"q_{k}" for k in expressions)
    )
    start = (page - 1) * size
    found = list(values[start : start + size + 1])
    rows = [
        {
            **{key: row[column] for key, column in names.items()},
            **{key: row[f"q_{key}"] for key in expressions},
        }
        for row in found[:size]
    ]
    return QueuePage(rows=rows, number=page, size=size, has_next=len(found) > size)


def followup_detail(*, user: Any, pk: int, now: datetime | None = None) -> FollowUp | None:
    """The follow-up `pk` with its response (channel, department, source), rule, root cause
    and assignee, and `overdue` annotated; None when it does not exist or `user` may not see
    it. One query."""
    queryset = visible_followups(user).select_related(
        "response__channel",
        "response__department",
        "response__source",
        "department",
        "rule",
        "root_cause",
        "assignee",
    )
    return with_overdue(queryset, now=now).filter(pk=pk).first()


_RESPONSE_COLUMNS = ("occurred_at", "metric", "score", "channel", "department", "comment")


def _response_values(queryset: QuerySet, prefix: str) -> QuerySet:
    return queryset.annotate(
        r_id=F(f"{prefix}response_id"),
        r_occurred_at=F(f"{prefix}response__occurred_at"),
        r_metric=F(f"{prefix}response__metric"),
        r_score=F(f"{prefix}response__score"),
        r_channel=F(f"{prefix}response__channel__name"),
        r_department=F(f"{prefix}response__department__name"),
        r_comment=Substr(f"{prefix}response__comment", 1, COMMENT_PREVIEW),
        r_comment_length=Length(f"{prefix}response__comment"),
    )


def _response_row(row: dict[str, Any]) -> dict[str, Any]:
    return {key.removeprefix("r_"): value for key, value in row.items()}


def customer_history(
    *, followup: FollowUp, limit: int = LINKS_LIMIT, user: Any = None
) -> list[dict[str, Any]]:
    """The customer's responses before `followup`'s own that opened a follow-up or were
    linked to one (found through `FollowUp.customer_ref`, whose index keeps this one query at
    any scale: responses themselves have no customer index, by design, so answers that opened
    nothing are not listed), newest first, at most `limit`. Each row: the response's
    `_RESPONSE_COLUMNS`, `comment_length`, `followup_id`, `followup_status`,
    `followup_department`, `how` ("opened" or "linked"). [] without a `customer_ref`."""
    ref = followup.customer_ref
    if not ref:
        return []
    before = followup.response.occurred_at
    columns = [f"r_{name}" for name in ("id", *_RESPONSE_COLUMNS, "comment_length")]
    opened = (
        _response_values(FollowUp.objects.filter(customer_ref=ref).exclude(pk=followup.pk), "")
        .filter(r_occurred_at__lt=before)
        .annotate(
            followup_id=F("pk"),
            followup_status=F("status"),
            followup_department=F("department__name"),
            how=Value("opened", output_field=CharField()),
        )
        .values(*columns, "followup_id", "followup_status", "followup_department", "how")
        .order_by()  # a part of a UNION takes no ORDER BY (FollowUp's default ordering)
    )
    linked = (
        _response_values(FollowUpLink.objects.filter(followup__customer_ref=ref), "")
        .filter(r_occurred_at__lt=before)
        .annotate(
            followup_ref=F("followup_id"),
            followup_status=F("followup__status"),
            followup_department=F("followup__department__name"),
            how=Value("linked", output_field=CharField()),
        )
        .values(*columns, "followup_ref", "followup_status", "followup_department", "how")
        .order_by()
    )
    rows = opened.union(linked, all=True).order_by("-r_occurred_at", "-r_id")[:limit]
    return [_response_row(row) for row in rows]


def followup_links(*, followup: FollowUp, limit: int = LINKS_LIMIT) -> list[dict[str, Any]]:
    """The later responses linked to `followup`, oldest first, at most `limit`; rows with the
    `_RESPONSE_COLUMNS`, `comment_length` and `linked_at`. One query."""
    columns = [f"r_{name}" for name in ("id", *_RESPONSE_COLUMNS, "comment_length")]
    rows = (
        _response_values(followup.links.all(), "")
        .order_by("r_occurred_at", "pk")
        .values(*columns, "linked_at")[:limit]
    )
    return [_response_row(row) for row in rows]


# The audited fields a lead reads in the history, in this order.
CHANGE_FIELDS = (
    "status",
    "outcome",
    "root_cause_id",
    "assignee_id",
    "department_id",
    "note",
    "first_contact_at",
    "closed_at",
)


@dataclass(frozen=True)
class FieldChange:
    name: str
    before: Any
    after: Any


@dataclass(frozen=True)
class FollowUpChange:
    """One audit row: when, who (a username, "API key <prefix>" or None for the pipeline),
    and what changed (`opened` True for the row that opened the follow-up). Ids of root
    causes, people and departments are given as their names."""

    at: datetime
    who: str | None
    opened: bool
    fields: list[FieldChange] = field(default_factory=list)


def followup_changes(
    *, followup: FollowUp, limit: int = HISTORY_LIMIT
) -> tuple[list[FollowUpChange], int]:
    """The latest `limit` audit rows of `followup`, newest first, as changes; and how many
    rows there are in all. Four queries (the rows with their users, the count, and the names of
    the root causes, people and departments they mention, in at most three more)."""
    history = followup.history.select_related("history_user").order_by(  # type: ignore[attr-defined]
        "-history_date", "-history_id"
    )
    rows = list(history[: limit + 1])  # one older row, to tell what the oldest shown changed
    total = history.count() if len(rows) > limit else len(rows)
    ids: dict[str, set[int]] = {
        "root_cause_id": set(),
        "assignee_id": set(),
        "department_id": set(),
    }
    for row in rows:
        for name, found in ids.items():
            if getattr(row, name) is not None:
                found.add(getattr(row, name))
    names: dict[str, dict[int, str]] = {
        "root_cause_id": dict(
            RootCause.objects.filter(pk__in=ids["root_cause_id"]).values_list("pk", "name")
        )
        if ids["root_cause_id"]
        else {},
        "assignee_id": dict(
            get_user_model().objects.filter(pk__in=ids["assignee_id"]).values_list("pk", "username")
        )
        if ids["assignee_id"]
        else {},
        "department_id": dict(
            Department.objects.filter(pk__in=ids["department_id"]).values_list("pk", "name")
        )
        if ids["department_id"]
        else {},
    }

    def shown(name: str, value: Any) -> Any:
        if name in names and value is not None:
            return names[name].get(value, f"#{value}")
        return value

    changes = []
    for position, row in enumerate(rows[:limit]):
        older = rows[position + 1] if position + 1 < len(rows) else None
        reason = row.history_change_reason or ""
        who = row.history_user.get_username() if row.history_user else None
        if who is None and reason.startswith("api-key:"):
            who = f"API key {reason.removeprefix('api-key:')}"
        fields = []
        if older is not None:
            for name in CHANGE_FIELDS:
                before, after = getattr(older, name), getattr(row, name)
                if before != after:
                    fields.append(FieldChange(name, shown(name, before), shown(name, after)))
        changes.append(
            FollowUpChange(
                at=row.history_date, who=who, opened=row.history_type == "+", fields=fields
            )
        )
    return changes, total
