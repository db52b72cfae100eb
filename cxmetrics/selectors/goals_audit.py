"""The audit trail of goals, their invitations, plans and plan components
(django-simple-history rows).

Each entry: who, when, model, object, action (created/changed/deleted) and the changed fields
with their values before and after (``diff_against`` the previous history row; relations as
slugs, users as usernames).
"""

from __future__ import annotations

from datetime import date, datetime
from heapq import merge
from typing import Any

from django.contrib.auth import get_user_model

from cxmetrics.models import (
    Channel,
    Department,
    Goal,
    GoalInvitation,
    IncentivePlan,
    PlanComponent,
)

AUDITED = {
    "goal": Goal,
    "goal_invitation": GoalInvitation,
    "incentive_plan": IncentivePlan,
    "plan_component": PlanComponent,
}
USER_FIELDS = frozenset({"owner", "invited_by", "answered_by"})
ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
MAX_LIMIT = 200


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


class _Labels:
    """Turns ids into readable values, one query per kind of id, cached."""

    def __init__(self) -> None:
        self._cache: dict[str, dict[Any, str]] = {}

    def _map(self, kind: str) -> dict[Any, str]:
        if kind not in self._cache:
            if kind == "user":
                rows = get_user_model().objects.values_list("pk", "username")
            elif kind == "department":
                rows = Department.objects.values_list("pk", "slug")
            else:
                rows = Channel.objects.values_list("pk", "slug")
            self._cache[kind] = dict(rows)
        return self._cache[kind]

    def value(self, field: str, value: Any) -> Any:
        if field in USER_FIELDS and value is not None:
            return self._map("user").get(value, value)
        if field == "department" and value is not None:
            return self._map("department").get(value, value)
        return _plain(value)

    def relation(self, field: str, rows: list[dict[str, Any]] | None) -> list[Any]:
        kind = _related_kind(field)
        ids = [row.get(kind) for row in rows or []]
        return sorted(str(self._map(kind).get(pk, pk)) for pk in ids)


def _related_kind(m2m_field: str) -> str:
    return "channel" if m2m_field == "scope_channels" else "department"


def _label(model_name: str, record: Any, labels: _Labels) -> str:
    if model_name == "plan_component":
        return f"plan {record.plan_id}: goal {record.goal_id} ({record.weight}%)"
    if model_name == "goal_invitation":
        department = labels.value("department", record.department_id)
        return f"goal {record.goal_id}: {department} ({record.status})"
    return str(record.name)


def _fields(record: Any) -> list[str]:
    return [f.name for f in record.instance_type._meta.fields if f.editable and f.name != "id"]


def _m2m_fields(record: Any) -> list[str]:
    return [f.name for f in getattr(record, "_history_m2m_fields", [])]


def _raw(record: Any, field: str) -> Any:
    """A field's stored value (the id for a foreign key, without fetching the object)."""
    attname = record.instance_type._meta.get_field(field).attname
    return getattr(record, attname)


def _snapshot(record: Any, labels: _Labels) -> dict[str, Any]:
    values = {f: labels.value(f, _raw(record, f)) for f in _fields(record)}
    for field in _m2m_fields(record):
        rows = list(getattr(record, field).values(_related_kind(field)))
        values[field] = labels.relation(field, rows)
    return values


def _entry(model_name: str, record: Any, labels: _Labels) -> dict[str, Any]:
    action = ACTIONS.get(record.history_type, record.history_type)
    changes = []
    if action == "created":
        snapshot = _snapshot(record, labels)
        changes = [{"field": f, "before": None, "after": v} for f, v in snapshot.items()]
    elif action == "deleted":
        snapshot = _snapshot(record, labels)
        changes = [{"field": f, "before": v, "after": None} for f, v in snapshot.items()]
    else:
        previous = record.prev_record
        if previous is not None:
            m2m = set(_m2m_fields(record))
            for change in record.diff_against(previous).changes:
                if change.field in m2m:
                    before = labels.relation(change.field, change.old)
                    after = labels.relation(change.field, change.new)
                else:
                    before = labels.value(change.field, change.old)
                    after = labels.value(change.field, change.new)
                changes.append({"field": change.field, "before": before, "after": after})
    user = record.history_user
    return {
        "id": f"{model_name}:{record.history_id}",
        "model": model_name,
        "object_id": record.id,
        "object": _label(model_name, record, labels),
        "action": action,
        "user": user.get_username() if user else None,
        "at": record.history_date,
        "changes": changes,
    }


def audit_log(
    *,
    model: str | None = None,
    object_id: int | None = None,
    since: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """Newest first: ``{"count": total, "results": [entries]}``. ``model`` is one of
    AUDITED (goal, goal_invitation, incentive_plan, plan_component). Cost: about two queries
    per entry returned."""
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    streams = []
    total = 0
    for name, cls in AUDITED.items():
        if model and model != name:
            continue
        rows = cls.history.select_related("history_user").order_by("-history_date", "-history_id")
        if object_id is not None:
            rows = rows.filter(id=object_id)
        if since is not None:
            rows = rows.filter(history_date__gte=since)
        total += rows.count()
        streams.append([(record.history_date, name, record) for record in rows[: offset + limit]])
    newest_first = merge(*streams, key=lambda item: item[0], reverse=True)
    labels = _Labels()
    results = []
    for index, (_, name, record) in enumerate(newest_first):
        if index >= offset + limit:
            break
        if index >= offset:
            results.append(_entry(name, record, labels))
    return {"count": total, "results": results}
