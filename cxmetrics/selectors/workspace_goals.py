"""Reads for the workspace's goal pages (workspace/goals.py): which goals and invitations a
person sees, each goal with its progress and participants, and a goal's history of changes.

Who sees what:

- admins and executives: every goal; admins also every pending invitation (they may answer);
- team leads: goals they own or in which a department they lead takes part (accepted), and
  the pending invitations of the departments they lead;
- anyone else (integrators): nothing (the pages refuse them before asking).

Reading a single goal is open to every reader (cxmetrics.services.goals.access), so a lead
can open a goal their department is only invited to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet

from cxmetrics.models import Goal, GoalInvitation, InvitationStatus, PlanComponent, Role
from cxmetrics.roles import can_read_figures, is_admin, led_department_ids, roles_of
from cxmetrics.selectors.goals import goals_queryset
from cxmetrics.selectors.goals_audit import MAX_LIMIT, audit_log
from cxmetrics.selectors.goals_batch import goals_progress

__all__ = [
    "Change",
    "GoalHistory",
    "GoalRow",
    "Participants",
    "goal_changes",
    "goal_rows",
    "goals_for",
    "invitations_for",
    "participants",
    "plans_paying_on",
    "sees_every_goal",
    "workspace_goal",
]


def goals_for(*, user: Any, archived: bool = False) -> QuerySet[Goal]:
    """The goals `user` sees in /goals/ (ordered by end, name), prefetched for progress and
    participants. ``archived=False`` leaves archived goals out; ``True`` lists them too.

    Cost when evaluated: 5 queries for any number of goals (goals with owner, departments,
    channels, scope departments, invitations with their people), plus one for the
    departments a team lead leads (none for admins and executives)."""
    goals = goals_queryset()  # invitations with their people prefetched
    if not archived:
        goals = goals.filter(archived_at__isnull=True)
    if not can_read_figures(user):
        return goals.none()
    if sees_every_goal(user):
        return goals
    led = led_department_ids(user)
    return goals.filter(Q(owner=user) | Q(departments__in=led)).distinct()


def sees_every_goal(user: Any) -> bool:
    """Admins and executives list every goal; team leads list theirs (goals_for)."""
    return is_admin(user) or Role.EXECUTIVE in roles_of(user)


def invitations_for(*, user: Any) -> QuerySet[GoalInvitation]:
    """Pending invitations `user` may answer: every one for an admin, those of the
    departments a team lead leads, none for anyone else. Newest first, with goal, department
    and inviter. Cost: one query (plus the led departments, once per request)."""
    pending = GoalInvitation.objects.filter(status=InvitationStatus.PENDING).select_related(
        "goal", "department", "invited_by"
    )
    if is_admin(user):
        return pending.filter(goal__archived_at__isnull=True)
    led = led_department_ids(user)
    if not led:
        return pending.none()
    return pending.filter(department__in=led, goal__archived_at__isnull=True)


@dataclass(frozen=True)
class Participants:
    """A goal's departments by their answer. ``taking_part``: (department, the accepted
    invitation or None when it joined with the goal's author or an admin); ``invited``: pending
    invitations; ``declined``: declined invitations."""

    taking_part: list[tuple[Any, GoalInvitation | None]]
    invited: list[GoalInvitation]
    declined: list[GoalInvitation]


def participants(goal: Goal) -> Participants:
    """From the goal's prefetched departments and invitations (no query when prefetched as
    goals_for / workspace_goal do)."""
    invitations = list(goal.invitations.all())
    accepted = {i.department_id: i for i in invitations if i.status == InvitationStatus.ACCEPTED}
    taking_part = sorted(goal.departments.all(), key=lambda d: d.name)
    return Participants(
        taking_part=[(d, accepted.get(d.pk)) for d in taking_part],
        invited=[i for i in invitations if i.status == InvitationStatus.PENDING],
        declined=[i for i in invitations if i.status == InvitationStatus.DECLINED],
    )


@dataclass(frozen=True)
class GoalRow:
    """One line of /goals/: the goal, its progress now (goal_progress's dict) and its
    participants."""

    goal: Goal
    progress: dict[str, Any]
    participants: Participants


def goal_rows(*, goals: QuerySet[Goal] | list[Goal], as_of: date) -> list[GoalRow]:
    """Each goal with its progress on ``as_of`` (goals_progress: one rollup query per 100
    started goals) and participants (from the prefetch, no query)."""
    goals = list(goals)
    measured = goals_progress(goals=goals, as_of=as_of)
    return [
        GoalRow(goal=goal, progress=progress, participants=participants(goal))
        for goal, progress in zip(goals, measured, strict=True)
    ]


def workspace_goal(*, pk: int) -> Goal:
    """One goal, prefetched like goals_for (archived or not). Raises Goal.DoesNotExist."""
    return goals_queryset().get(pk=pk)


def plans_paying_on(goal: Goal) -> list[PlanComponent]:
    """The plan components paying on `goal`, with their plan and its department, by plan
    period then name. One query."""
    return list(
        PlanComponent.objects.filter(goal=goal)
        .select_related("plan", "plan__department")
        .order_by("plan__period_start", "plan__name")
    )


# --- History of changes ---------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One entry of a goal's history: who did what, when. ``what`` is ``created``,
    ``changed`` (with ``fields``: (field, before, after) as goals_audit gives them),
    ``deleted``, or for invitations ``invited``, ``accepted``, ``declined``, ``withdrawn``
    (with ``department`` the department's name)."""

    at: datetime
    user: str | None
    what: str
    fields: list[tuple[str, Any, Any]] = field(default_factory=list)
    department: str = ""


INVITATION_EVENTS = {
    InvitationStatus.PENDING: "invited",
    InvitationStatus.ACCEPTED: "accepted",
    InvitationStatus.DECLINED: "declined",
}


def _invitation_changes(goal: Goal) -> list[Change]:
    rows = (
        GoalInvitation.history.filter(goal_id=goal.pk)
        .select_related("history_user", "department", "invited_by", "answered_by")
        .order_by("history_date", "history_id")
    )
    changes = []
    last_status: dict[int, str] = {}
    for row in rows:
        department = row.department.name if row.department else f"department {row.department_id}"
        if row.history_type == "-":
            what = "withdrawn" if row.status == InvitationStatus.PENDING else ""
        else:
            what = INVITATION_EVENTS.get(row.status, "")
            if last_status.get(row.id) == row.status:
                what = ""  # saved again without a new answer
        last_status[row.id] = row.status
        if what:
            # The invitation's first row is saved before its author is known to the history
            # (get_or_create), so who invited / answered falls back to the row's own fields.
            who = row.history_user or (row.invited_by if what == "invited" else row.answered_by)
            user = who.get_username() if who else None
            changes.append(Change(at=row.history_date, user=user, what=what, department=department))
    return changes


@dataclass(frozen=True)
class GoalHistory:
    """A goal's latest changes, newest first, and how many it has in all. ``total`` counts
    every history row of the goal, so a row that changed nothing shown (rare: the services
    write a goal row only when something changed) is counted but not listed."""

    changes: list[Change]
    total: int


def _goal_entries(goal: Goal, limit: int | None) -> tuple[list[dict[str, Any]], int]:
    """The goal's newest audit entries (all of them with ``limit=None``, a page of MAX_LIMIT
    at a time) and how many it has."""
    if limit is not None:
        log = audit_log(model="goal", object_id=goal.pk, limit=limit)
        return log["results"], log["count"]
    entries: list[dict[str, Any]] = []
    while True:
        log = audit_log(model="goal", object_id=goal.pk, limit=MAX_LIMIT, offset=len(entries))
        entries += log["results"]
        if not log["results"] or len(entries) >= log["count"]:
            return entries, log["count"]


def goal_changes(goal: Goal, *, limit: int | None) -> GoalHistory:
    """The goal's audit trail, newest first, the latest ``limit`` changes (None: all): its own
    history rows (goals_audit.audit_log, the same queries for any number of rows; rows that
    changed nothing shown are left out) merged with its invitations being sent, answered and
    withdrawn (one query)."""
    entries, count = _goal_entries(goal, limit)
    changes = [
        Change(
            at=entry["at"],
            user=entry["user"],
            what=entry["action"],
            fields=[(c["field"], c["before"], c["after"]) for c in entry["changes"]],
        )
        for entry in entries
        if entry["action"] != "changed" or entry["changes"]
    ]
    invitations = _invitation_changes(goal)
    changes = sorted(changes + invitations, key=lambda change: change.at, reverse=True)
    return GoalHistory(changes=changes[:limit], total=count + len(invitations))
