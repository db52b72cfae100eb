"""Writes of follow-up rules: create, update, delete, each checked and audited.

Access (`access.check_rule_before` on the rule as stored, `access.check_rule` on the rule as it
will be) comes first, then field errors (`InvalidInput`, all at once), then one audited save
(simple-history, with the relations in the same history row). Deleting a rule that opened
follow-ups is refused (`StateConflict`: deactivate it instead, its follow-ups keep it).
`trusted=True` skips the role checks (demo seeding, an operator's command).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save

from cxmetrics.models import SCORE_RANGES, FollowUpRule, HandledBy, Metric, Priority
from cxmetrics.roles import is_admin
from cxmetrics.services.goals import InvalidInput, StateConflict

from .access import check_rule, check_rule_before

__all__ = ["RULE_FIELDS", "RULE_M2M", "create_rule", "delete_rule", "rule_errors", "update_rule"]

RULE_FIELDS = (
    "name",
    "metric",
    "score_min",
    "score_max",
    "handled_by",
    "has_comment",
    "owner_department",
    "sla_hours",
    "priority",
    "dedupe_days",
    "active",
    "webhook",
)
RULE_M2M = ("channels", "departments")
MAX_SLA_HOURS = 24 * 365
MAX_DEDUPE_DAYS = 365
ADMINS_CHOOSE_WEBHOOK = (
    "Only admins choose a rule's webhook endpoint (endpoints are admin objects)."
)


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def rule_errors(values: Mapping[str, Any], *, pk: int | None = None) -> dict[str, list[str]]:
    """Field problems of a rule with `values` (every RULE_FIELDS key; `pk`: the rule itself
    when it is an update, for the unique name)."""
    errors: dict[str, list[str]] = {}
    name = (values.get("name") or "").strip()
    if not name:
        _add(errors, "name", "A name is required.")
    elif FollowUpRule.objects.filter(name=name).exclude(pk=pk).exists():
        _add(errors, "name", "Another follow-up rule has this name.")
    metric = values.get("metric")
    if metric not in Metric.values:
        _add(errors, "metric", f"Unknown metric {metric!r}.")
    low, high = values.get("score_min"), values.get("score_max")
    for field, value in (("score_min", low), ("score_max", high)):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            _add(errors, field, "A number is required.")
        elif metric in SCORE_RANGES:
            bottom, top, _ = SCORE_RANGES[metric]
            if not bottom <= value <= top:
                _add(errors, field, f"Must be between {bottom} and {top} for {metric}.")
    if "score_min" not in errors and "score_max" not in errors and low > high:  # type: ignore[operator]
        _add(errors, "score_max", "Must be at or above score_min.")
    unknown = sorted(set(values.get("handled_by") or ()) - set(HandledBy.values))
    if unknown:
        _add(errors, "handled_by", f"Unknown handled_by value: {', '.join(unknown)}.")
    if values.get("priority") not in Priority.values:
        _add(errors, "priority", "Must be high, normal or low.")
    sla = values.get("sla_hours")
    if not isinstance(sla, int) or isinstance(sla, bool) or not 1 <= sla <= MAX_SLA_HOURS:
        _add(errors, "sla_hours", f"Must be a whole number of hours from 1 to {MAX_SLA_HOURS}.")
    window = values.get("dedupe_days")
    if (
        not isinstance(window, int)
        or isinstance(window, bool)
        or not 0 <= window <= MAX_DEDUPE_DAYS
    ):
        _add(errors, "dedupe_days", f"Must be a whole number of days from 0 to {MAX_DEDUPE_DAYS}.")
    return errors


def _defaults() -> dict[str, Any]:
    rule = FollowUpRule()
    values = {name: getattr(rule, name) for name in RULE_FIELDS}
    values["handled_by"] = []
    return {**values, "channels": [], "departments": []}


def _save(rule: FollowUpRule, values: Mapping[str, Any], *, actor: Any, created: bool) -> None:
    """Fields and relations, then ONE history row holding both (as the goals do)."""
    for name in RULE_FIELDS:
        setattr(rule, name, values[name])
    rule.name = rule.name.strip()
    rule.handled_by = sorted(set(rule.handled_by or ()))
    rule._history_user = actor if getattr(actor, "pk", None) else None  # type: ignore[attr-defined]
    rule.skip_history_when_saving = True  # type: ignore[attr-defined]
    try:
        rule.save()
        for name in RULE_M2M:
            getattr(rule, name).set(values[name])
    finally:
        del rule.skip_history_when_saving  # type: ignore[attr-defined]
    post_save.send(
        sender=FollowUpRule, instance=rule, created=created, raw=False, using=rule._state.db
    )


def _webhook_errors(actor: Any, *, before: Any, after: Any) -> dict[str, list[str]]:
    """Webhook endpoints are admin objects: only an admin gives a rule another one."""
    if after == before or is_admin(actor):
        return {}
    return {"webhook": [ADMINS_CHOOSE_WEBHOOK]}


def create_rule(*, actor: Any, trusted: bool = False, **fields: Any) -> FollowUpRule:
    """A new rule from `fields` (RULE_FIELDS and RULE_M2M; missing ones take the model's
    defaults), created by `actor` (recorded as created_by). Only admins name a `webhook`."""
    values = {**_defaults(), **fields}
    if not trusted:
        check_rule(
            actor, owner_department=values["owner_department"], departments=values["departments"]
        )
    errors = rule_errors(values)
    if not trusted:
        errors |= _webhook_errors(actor, before=None, after=values["webhook"])
    if errors:
        raise InvalidInput(errors)
    rule = FollowUpRule(created_by=actor if getattr(actor, "pk", None) else None)
    with transaction.atomic():
        _save(rule, values, actor=actor, created=True)
    return rule


def update_rule(
    *, rule: FollowUpRule, actor: Any, trusted: bool = False, **changes: Any
) -> FollowUpRule:
    """Change `rule` (any of RULE_FIELDS and RULE_M2M). Follow-ups already opened keep their
    owner, SLA and priority; the change applies to responses evaluated from now on. Only
    admins change the `webhook` (a lead may change the rest of a rule that has one)."""
    if not trusted:
        check_rule_before(actor, rule)
    values: dict[str, Any] = {name: getattr(rule, name) for name in RULE_FIELDS}
    values.update({name: list(getattr(rule, name).all()) for name in RULE_M2M})
    values.update(changes)
    if not trusted:
        check_rule(
            actor, owner_department=values["owner_department"], departments=values["departments"]
        )
    errors = rule_errors(values, pk=rule.pk)
    if not trusted:
        errors |= _webhook_errors(actor, before=rule.webhook, after=values["webhook"])
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        _save(rule, values, actor=actor, created=False)
    return rule


def delete_rule(*, rule: FollowUpRule, actor: Any, trusted: bool = False) -> None:
    """Delete `rule`; refused (StateConflict) once it opened a follow-up."""
    if not trusted:
        check_rule_before(actor, rule)
    if rule.followups.exists():
        raise StateConflict("Follow-ups were opened by this rule; deactivate it instead.")
    rule._history_user = actor if getattr(actor, "pk", None) else None  # type: ignore[attr-defined]
    rule.delete()
