"""A follow-up's lifecycle: status, outcome, root cause, assignee, note, owner department.

`update_followup(*, followup, actor, changes)` is the one write (the API, and the queue page
/followups/). Statuses move forward, `open -> in_progress -> contacted -> closed`, skipping steps
allowed (open -> contacted, open -> closed, in_progress -> closed); the only way back is
reopening a closed follow-up (status `open`), which clears its outcome and `closed_at`.

* Closing needs an outcome (`resolved`, `not_resolved`, `unreachable`) and a root cause
  (either given with the change or already set); an outcome is set only on a closed one.
* `first_contact_at` is set the first time it becomes `contacted`, or is closed `resolved` or
  `not_resolved` (the customer was reached); never moved afterwards.
* `closed_at` is set when it closes.
* The assignee must be a team lead of the follow-up's department (as it will be) or an admin
  (`access.may_be_assigned`); checked when the assignee or the department changes.
* Access (`access.check_followup_before` on the row as stored, `check_followup_after` on
  the department it will have) comes first, then field errors (`InvalidInput`, all of them at
  once), then the write: one audited save (simple-history: who, when, the row before and
  after). An API key is recorded as the change reason `api-key:<prefix>` (no user).
* Closing queues `followup.closed` for the rule's webhook endpoint, if it names one, in the
  same transaction (`events.queue_closed`), so the help desk closes its ticket too.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from cxmetrics.models import FollowUp, FollowUpStatus, Outcome
from cxmetrics.services.goals import InvalidInput

from .access import (
    api_key_source_id,
    check_followup_after,
    check_followup_before,
    may_be_assigned,
)
from .events import queue_closed

__all__ = ["FOLLOWUP_FIELDS", "STATUS_ORDER", "update_followup"]

# The fields `update_followup` changes (keys of `changes`).
FOLLOWUP_FIELDS = ("status", "outcome", "root_cause", "assignee", "note", "department")
STATUS_ORDER = (
    FollowUpStatus.OPEN,
    FollowUpStatus.IN_PROGRESS,
    FollowUpStatus.CONTACTED,
    FollowUpStatus.CLOSED,
)
# Outcomes that mean the customer was reached.
_REACHED = frozenset({Outcome.RESOLVED, Outcome.NOT_RESOLVED})


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _status_error(before: str, after: str) -> str | None:
    if before == after:
        return None
    if before == FollowUpStatus.CLOSED:
        return None if after == FollowUpStatus.OPEN else "A closed follow-up is only reopened."
    if STATUS_ORDER.index(after) < STATUS_ORDER.index(before):  # type: ignore[arg-type]
        return (
            f"A follow-up does not go back from {before} to {after}; only reopening a closed one."
        )
    return None


def _errors(stored: FollowUp, values: dict[str, Any]) -> dict[str, list[str]]:
    """Field problems of giving `stored` the final `values` (every field of FOLLOWUP_FIELDS)."""
    errors: dict[str, list[str]] = {}
    status, outcome = values["status"], values["outcome"]
    if status not in FollowUpStatus.values:
        _add(errors, "status", f"Unknown status {status!r}.")
    elif message := _status_error(stored.status, status):
        _add(errors, "status", message)
    if outcome and outcome not in Outcome.values:
        _add(errors, "outcome", f"Unknown outcome {outcome!r}.")
    if status == FollowUpStatus.CLOSED:
        if not outcome:
            _add(
                errors,
                "outcome",
                "Closing needs an outcome: resolved, not_resolved or unreachable.",
            )
        if values["root_cause"] is None:
            _add(errors, "root_cause", "Closing needs a root cause.")
    elif outcome:
        _add(errors, "outcome", "An outcome is set when closing (status closed).")
    cause = values["root_cause"]
    if cause is not None and cause.pk != stored.root_cause_id and not cause.active:
        _add(errors, "root_cause", f"{cause.name} is no longer offered.")
    assignee, department = values["assignee"], values["department"]
    changed = assignee != stored.assignee or department.pk != stored.department_id
    if assignee is not None and changed and not may_be_assigned(assignee, department):
        _add(
            errors,
            "assignee",
            f"{assignee.get_username()} is not a team lead of {department.slug} nor an admin.",
        )
    return errors


def update_followup(
    *,
    followup: FollowUp,
    actor: Any,
    changes: Mapping[str, Any],
    now: datetime | None = None,
) -> FollowUp:
    """Apply `changes` (any of FOLLOWUP_FIELDS: status and outcome as their values,
    root_cause a `RootCause` or None, assignee a user or None, note text, department a
    `Department`) to `followup` as `actor`, and return it saved.

    Raises `NotAllowed` (access), `InvalidInput` (field messages, e.g. closing without an
    outcome, going back a status, an assignee who does not lead the department). The stored
    row is locked and re-read first, so two concurrent writers apply one after the other.
    `now` (default: the current time) stamps first_contact_at and closed_at.
    """
    unknown = sorted(set(changes) - set(FOLLOWUP_FIELDS))
    if unknown:
        raise InvalidInput({name: ["Unknown field."] for name in unknown})
    now = now or timezone.now()
    with transaction.atomic():
        stored = (
            FollowUp.objects.select_for_update(of=("self",))
            .select_related("department", "root_cause", "assignee", "rule__webhook")
            .get(pk=followup.pk)
        )
        check_followup_before(actor, stored)
        values: dict[str, Any] = {
            "status": stored.status,
            "outcome": stored.outcome,
            "root_cause": stored.root_cause,
            "assignee": stored.assignee,
            "note": stored.note,
            "department": stored.department,
        }
        values.update(changes)
        reopening = stored.status == FollowUpStatus.CLOSED and values["status"] == "open"
        if reopening and "outcome" not in changes:
            values["outcome"] = ""
        check_followup_after(actor, stored, department=values["department"])
        errors = _errors(stored, values)
        if errors:
            raise InvalidInput(errors)
        closing = stored.status != FollowUpStatus.CLOSED and values["status"] == "closed"
        _apply(stored, values, now=now, reopening=reopening)
        _save(stored, actor)
        if closing:
            queue_closed(stored)
    return stored


def _apply(row: FollowUp, values: dict[str, Any], *, now: datetime, reopening: bool) -> None:
    closing = values["status"] == FollowUpStatus.CLOSED and row.status != FollowUpStatus.CLOSED
    contacted = values["status"] == FollowUpStatus.CONTACTED or (
        values["status"] == FollowUpStatus.CLOSED and values["outcome"] in _REACHED
    )
    if contacted and row.first_contact_at is None:
        row.first_contact_at = now
    if closing:
        row.closed_at = now
    if reopening:
        row.closed_at = None
    row.status = values["status"]
    row.outcome = values["outcome"]
    row.root_cause = values["root_cause"]
    row.assignee = values["assignee"]
    row.note = values["note"]
    row.department = values["department"]


def _save(row: FollowUp, actor: Any) -> None:
    """One save, audited with the actor (a person), or the API key as the change reason."""
    prefix = getattr(getattr(actor, "api_key", None), "prefix", None)
    if api_key_source_id(actor) is not None:
        row._history_user = None  # type: ignore[attr-defined]
        row._change_reason = f"api-key:{prefix}"  # type: ignore[attr-defined]
    else:
        row._history_user = actor  # type: ignore[attr-defined]
    row.save()
