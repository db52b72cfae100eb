"""The audit trail of goals, their invitations, plans and plan components
(django-simple-history rows).

Each entry: who, when, model, object, action (created/changed/deleted) and the changed fields
with their values before and after (what simple-history's ``diff_against`` the previous history
row gives, computed here from rows loaded once per page; relations as slugs, users as
usernames).
"""

from __future__ import annotations

from datetime import date, datetime
from heapq import merge
from itertools import islice
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Model, OuterRef, Subquery

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


def _kind(field: str) -> str | None:
    """The kind of id a field holds that is shown by name (user, department), or None."""
    if field in USER_FIELDS:
        return "user"
    return "department" if field == "department" else None


def _related_kind(m2m_field: str) -> str:
    return "channel" if m2m_field == "scope_channels" else "department"


def _kinds(record: Any) -> set[str]:
    """The kinds of id that the fields and relations of ``record``'s model hold."""
    kinds = {_related_kind(field) for field in _m2m_fields(record)}
    kinds |= {kind for field in _fields(record) if (kind := _kind(field))}
    return kinds


class _Labels:
    """Turns ids into readable values: one query per kind of id that the models of the page's
    records hold, made up front, so that a page costs the same whatever its rows name."""

    def __init__(self, records: list[Any]) -> None:
        self._cache: dict[str, dict[Any, str]] = {}
        one_per_model = {type(record): record for record in records}.values()
        for kind in sorted(set().union(*(_kinds(record) for record in one_per_model))):
            self._map(kind)

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
        kind = _kind(field)
        if kind is not None and value is not None:
            return self._map(kind).get(value, value)
        return _plain(value)

    def relation(self, field: str, rows: list[dict[str, Any]] | None) -> list[Any]:
        kind = _related_kind(field)
        ids = [row.get(kind) for row in rows or []]
        return sorted(str(self._map(kind).get(pk, pk)) for pk in ids)


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


def _previous_history_id(history: Any) -> Subquery:
    """The history id of the row before (an earlier ``history_date``, as simple-history's
    ``prev_record``) of the same object, to annotate the rows of ``history`` with."""
    earlier = history.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date"))
    return Subquery(earlier.order_by("-history_date", "-history_id").values("history_id")[:1])


def _through_fields(m2m_model: type[Model]) -> list[str]:
    """The columns of an m2m history row that ``diff_against`` compares."""
    skipped = {"id", "m2m_history_id", "history"}
    return [f.name for f in m2m_model._meta.fields if f.editable and f.name not in skipped]


class _Related:
    """What a page's entries are told from, loaded once per model on the page: the previous
    history row of each changed entry (one query) and the m2m history rows of the entries and
    of those previous rows (one query per relation). History ids are per model, so everything
    is kept by model name."""

    def __init__(self, page: list[tuple[str, Any]]) -> None:
        self._previous: dict[tuple[str, int], Any] = {}
        self._m2m: dict[tuple[str, str], dict[int, list[dict[str, Any]]]] = {}
        by_model: dict[str, list[Any]] = {}
        for name, record in page:
            by_model.setdefault(name, []).append(record)
        for name, records in by_model.items():
            history = AUDITED[name].history
            wanted = {r.previous_history_id for r in records if r.history_type == "~"}
            previous = list(history.filter(history_id__in=wanted - {None}))
            self._previous.update({(name, p.history_id): p for p in previous})
            ids = {r.history_id for r in records} | {p.history_id for p in previous}
            for field in _m2m_fields(records[0]):
                m2m_model = getattr(history.model, field).model
                columns = _through_fields(m2m_model)
                rows = self._m2m.setdefault((name, field), {})
                stored = m2m_model._default_manager.filter(history_id__in=ids)
                # Ordered, so that the same relation twice compares equal in _diff.
                for row in stored.values("history_id", *columns).order_by(*columns):
                    rows.setdefault(row.pop("history_id"), []).append(row)

    def previous(self, name: str, record: Any) -> Any:
        """The history row before ``record`` (None for the object's first)."""
        return self._previous.get((name, record.previous_history_id))

    def relation(self, name: str, record: Any, field: str) -> list[dict[str, Any]]:
        """The m2m history rows of ``record``'s relation ``field`` (through-model values)."""
        return self._m2m[(name, field)].get(record.history_id, [])


def _snapshot(name: str, record: Any, related: _Related, labels: _Labels) -> dict[str, Any]:
    values = {f: labels.value(f, _raw(record, f)) for f in _fields(record)}
    for field in _m2m_fields(record):
        values[field] = labels.relation(field, related.relation(name, record, field))
    return values


def _diff(
    name: str, record: Any, previous: Any, related: _Related, labels: _Labels
) -> list[dict[str, Any]]:
    """``record.diff_against(previous).changes`` (the editable tracked fields and the m2m
    relations that differ, by field name), labelled, from rows already loaded."""
    m2m = _m2m_fields(record)
    changes = []
    for field in sorted(
        [f.name for f in record.tracked_fields if f.editable and f.name not in m2m] + m2m
    ):
        if field in m2m:
            old = related.relation(name, previous, field)
            new = related.relation(name, record, field)
            if old != new:
                before, after = labels.relation(field, old), labels.relation(field, new)
                changes.append({"field": field, "before": before, "after": after})
            continue
        meta = record._meta.get_field(field)
        old, new = meta.value_from_object(previous), meta.value_from_object(record)
        if old != new:
            before, after = labels.value(field, old), labels.value(field, new)
            changes.append({"field": field, "before": before, "after": after})
    return changes


def _entry(model_name: str, record: Any, related: _Related, labels: _Labels) -> dict[str, Any]:
    action = ACTIONS.get(record.history_type, record.history_type)
    changes = []
    if action == "created":
        snapshot = _snapshot(model_name, record, related, labels)
        changes = [{"field": f, "before": None, "after": v} for f, v in snapshot.items()]
    elif action == "deleted":
        snapshot = _snapshot(model_name, record, related, labels)
        changes = [{"field": f, "before": v, "after": None} for f, v in snapshot.items()]
    else:
        previous = related.previous(model_name, record)
        if previous is not None:
            changes = _diff(model_name, record, previous, related, labels)
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
    AUDITED (goal, goal_invitation, incentive_plan, plan_component). Cost: the same for any
    number of entries: per model asked for, a count and the rows (each with the id of the row
    before it); per model on the page, the rows before its changed entries and one query per
    m2m relation; one per kind of id its models name (users, departments, channels)."""
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    streams = []
    total = 0
    for name, cls in AUDITED.items():
        if model and model != name:
            continue
        rows = cls.history.select_related("history_user").order_by("-history_date", "-history_id")
        rows = rows.annotate(previous_history_id=_previous_history_id(cls.history))
        if object_id is not None:
            rows = rows.filter(id=object_id)
        if since is not None:
            rows = rows.filter(history_date__gte=since)
        total += rows.count()
        streams.append([(record.history_date, name, record) for record in rows[: offset + limit]])
    newest_first = merge(*streams, key=lambda item: item[0], reverse=True)
    page = [(name, record) for _, name, record in islice(newest_first, offset, offset + limit)]
    related, labels = _Related(page), _Labels([record for _, record in page])
    results = [_entry(name, record, related, labels) for name, record in page]
    return {"count": total, "results": results}
