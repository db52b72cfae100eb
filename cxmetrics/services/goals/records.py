"""What a goal write stores: its fields, its relations, and the one audited save.

Shared by the goal writes (:mod:`.goals`) and the answers to invitations (:mod:`.participation`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models.signals import post_save

from cxmetrics.models import Goal


class StateConflict(Exception):
    """The write is refused because of the object's state (closed plan, goal in use...)."""


GOAL_FIELDS = (
    "name",
    "description",
    "metric",
    "baseline",
    "target",
    "stretch",
    "start",
    "end",
    "owner",
    "min_n",
    "scope_handled_by",
)
GOAL_M2M = ("departments", "scope_channels", "scope_departments")


def save_goal(
    goal: Goal,
    m2m: dict[str, Any],
    *,
    actor: Any,
    created: bool,
    fields: Sequence[str] = GOAL_FIELDS,
) -> None:
    """Save fields and relations, then write ONE history row holding both (simple-history
    would otherwise write one row per relation changed, splitting a single edit)."""
    goal._history_user = actor
    goal.skip_history_when_saving = True
    try:
        if created:
            goal.save()
        else:
            # Only the editable fields: the alert state is kept by the alert service, and a
            # stale copy in memory must not reset it (that would alert again).
            goal.refresh_from_db(fields=["last_alerted_status"])
            goal.save(update_fields=[*fields, "updated_at"])
        for name, objects in m2m.items():
            getattr(goal, name).set(objects)
    finally:
        del goal.skip_history_when_saving
    post_save.send(sender=Goal, instance=goal, created=created, raw=False, using=goal._state.db)
