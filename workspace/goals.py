"""Workspace pages: the goals a person sees with the invitations waiting for them (/goals/),
one goal in words with its progress, participants, plans and history (/goals/<id>), and the
POST actions on them: archive / restore a goal, accept / decline an invitation.

Thin views: the reads are cxmetrics.selectors.workspace_goals, every write is a service of
cxmetrics.services.goals called with ``actor=request.user`` (NotAllowed -> the 403 page,
StateConflict -> a message). The create and edit forms are workspace.goal_form's
(/goals/new, /goals/<id>/edit).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from cxmetrics.models import (
    Channel,
    Department,
    Goal,
    GoalInvitation,
    GoalMetric,
    GoalStatus,
    HandledBy,
)
from cxmetrics.scales import format_score
from cxmetrics.selectors.dashboards.filters import today
from cxmetrics.selectors.goals import goal_progress
from cxmetrics.selectors.workspace_goals import (
    Change,
    goal_changes,
    goal_rows,
    goals_for,
    invitations_for,
    participants,
    plans_paying_on,
    workspace_goal,
)
from cxmetrics.services import goals as goal_services
from workspace.access import can_write_goals, reader_required, refused, writer_required

# The goal page lists this many of the latest changes, and links to all of them.
LATEST_CHANGES = 20

# The goal's fields as a lead reads them (the form's labels, issue #13), for the history.
FIELD_WORDS = {
    "name": "Name",
    "description": "Description",
    "metric": "Metric",
    "baseline": "Baseline",
    "target": "Target",
    "stretch": "Stretch",
    "start": "Start",
    "end": "End",
    "owner": "Owner",
    "min_n": "Minimum responses",
    "departments": "Departments taking part",
    "scope_channels": "Channels",
    "scope_departments": "Departments measured",
    "scope_handled_by": "Handled by",
    "archived_at": "Archived",
}
SCORE_FIELDS = ("baseline", "target", "stretch")
ALL_WHEN_EMPTY = ("scope_channels", "scope_departments", "scope_handled_by")


def may_change(user: Any, goal: Goal) -> bool:
    """Whether the service would let `user` edit or archive `goal` (the buttons shown); the
    POST views still go through the service, which decides."""
    try:
        goal_services.check_goal_before(user, goal)
    except goal_services.NotAllowed:
        return False
    return True


def answerable(user: Any, invitations: list[GoalInvitation]) -> set[int]:
    """The invitations `user` may answer (Accept / Decline shown), by the service's rule:
    one query per pending invitation of the goal (one per department at most), none for
    readers who write nothing."""
    if not can_write_goals(user):
        return set()
    allowed = set()
    for invitation in invitations:
        try:
            goal_services.check_answer(user, invitation)
        except goal_services.NotAllowed:
            continue
        allowed.add(invitation.pk)
    return allowed


def shown(progress: dict[str, Any]) -> dict[str, Any]:
    """goal_progress's dict with the status and metric in words."""
    return {
        **progress,
        "status_label": GoalStatus(progress["status"]).label,
        "metric_label": GoalMetric(progress["metric"]).label,
    }


# --- Pages -------------------------------------------------------------------------------------


@reader_required
@require_GET
def goal_list(request: HttpRequest) -> HttpResponse:
    archived = request.GET.get("archived") == "1"
    rows = goal_rows(goals=goals_for(user=request.user, archived=archived), as_of=today())
    writer = can_write_goals(request.user)
    return render(
        request,
        "workspace/goals/list.html",
        {
            "rows": [(row, shown(row.progress)) for row in rows],
            "invitations": list(invitations_for(user=request.user)) if writer else [],
            "archived": archived,
            "can_write": writer,
        },
    )


@reader_required
@require_GET
def goal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        goal = workspace_goal(pk=pk)
    except Goal.DoesNotExist:
        raise Http404("No such goal.") from None
    scope = {
        "channels": sorted(c.name for c in goal.scope_channels.all()),
        "departments": sorted(d.name for d in goal.scope_departments.all()),
        "handled_by": [HandledBy(h).label for h in goal.scope_handled_by or []],
    }
    departments = participants(goal)
    everything = request.GET.get("changes") == "all"
    history = goal_changes(goal, limit=None if everything else LATEST_CHANGES)
    return render(
        request,
        "workspace/goals/detail.html",
        {
            "goal": goal,
            "metric_label": GoalMetric(goal.metric).label,
            "progress": shown(goal_progress(goal=goal, as_of=today())),
            "scope": scope,
            "participants": departments,
            "components": plans_paying_on(goal),
            "can_change": may_change(request.user, goal),
            "answerable": answerable(request.user, departments.invited),
            "history": describe_history(history.changes, metric=goal.metric),
            # N of "Show all N changes", when the page lists only the latest
            "all_changes": None if everything or history.total <= LATEST_CHANGES else history.total,
        },
    )


# --- Actions (POST) ----------------------------------------------------------------------------


def _archive(request: HttpRequest, pk: int, *, archived: bool) -> HttpResponse:
    goal = get_object_or_404(Goal, pk=pk)
    try:
        goal_services.archive_goal(goal=goal, actor=request.user, archived=archived)
    except goal_services.NotAllowed as exc:
        raise refused(exc) from exc
    word = "archived: it has left the goal lists" if archived else "restored"
    messages.success(request, f"“{goal.name}” is {word}.")
    return redirect("goal-detail", pk=goal.pk)


@writer_required
@require_POST
def goal_archive(request: HttpRequest, pk: int) -> HttpResponse:
    return _archive(request, pk, archived=True)


@writer_required
@require_POST
def goal_restore(request: HttpRequest, pk: int) -> HttpResponse:
    return _archive(request, pk, archived=False)


def _answer(request: HttpRequest, pk: int, *, accept: bool) -> HttpResponse:
    invitation = get_object_or_404(
        GoalInvitation.objects.select_related("goal", "department"), pk=pk
    )
    answer = goal_services.accept_invitation if accept else goal_services.decline_invitation
    try:
        answer(invitation=invitation, actor=request.user)
    except goal_services.NotAllowed as exc:
        raise refused(exc) from exc
    except goal_services.StateConflict as exc:
        messages.error(request, str(exc))
        return redirect("goals")
    department, goal = invitation.department.name, invitation.goal
    if accept:
        messages.success(request, f"{department} now takes part in “{goal.name}”.")
        return redirect("goal-detail", pk=goal.pk)
    messages.success(request, f"{department} declined “{goal.name}”; its owner will see it.")
    return redirect("goals")


@writer_required
@require_POST
def invitation_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(request, pk, accept=True)


@writer_required
@require_POST
def invitation_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(request, pk, accept=False)


# --- The history in words ----------------------------------------------------------------------


class _Names:
    """Department and channel slugs (as goals_audit gives them) as names: two queries."""

    def __init__(self) -> None:
        self.departments = dict(Department.objects.values_list("slug", "name"))
        self.channels = dict(Channel.objects.values_list("slug", "name"))

    def value(self, name: str, value: Any, *, metric: str) -> str:
        if isinstance(value, list):
            if not value:
                return "all" if name in ALL_WHEN_EMPTY else "none"
            if name == "scope_channels":
                words = [self.channels.get(v, v) for v in value]
            elif name == "scope_handled_by":
                words = [_label(HandledBy, v) for v in value]
            else:
                words = [self.departments.get(v, v) for v in value]
            return ", ".join(sorted(words))
        if value is None or value == "":
            return "none"
        if name in SCORE_FIELDS:
            return format_score(float(value), metric)
        if name == "metric":
            return _label(GoalMetric, value)
        if name in ("start", "end"):
            return date.fromisoformat(str(value)).strftime("%-d %b %Y")
        return str(value)


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def describe(change: Change, names: _Names, *, metric: str) -> str:
    """One entry of the history as a sentence (without who and when)."""
    if change.what == "created":
        return "created the goal"
    if change.what == "deleted":
        return "deleted the goal"
    if change.what == "invited":
        return f"invited {change.department} to take part"
    if change.what == "accepted":
        return f"accepted the invitation for {change.department}"
    if change.what == "declined":
        return f"declined the invitation for {change.department}"
    if change.what == "withdrawn":
        return f"withdrew the invitation to {change.department}"
    parts = []
    for name, before, after in change.fields:
        if name == "archived_at":
            parts.append("archived the goal" if after else "restored the goal")
        elif name == "description":
            parts.append("changed the description")
        else:
            label = FIELD_WORDS.get(name, name)
            old = names.value(name, before, metric=metric)
            new = names.value(name, after, metric=metric)
            parts.append(f"changed {label} from {old} to {new}")
    return "; ".join(parts)


def describe_history(changes: list[Change], *, metric: str) -> list[dict[str, Any]]:
    """The history as rows for the page: when, who, what (in words)."""
    if not changes:
        return []
    names = _Names()
    return [
        {"at": c.at, "user": c.user or "the system", "what": describe(c, names, metric=metric)}
        for c in changes
    ]


urlpatterns = [
    path("goals/", goal_list, name="goals"),
    path("goals/<int:pk>", goal_detail, name="goal-detail"),
    path("goals/<int:pk>/archive", goal_archive, name="goal-archive"),
    path("goals/<int:pk>/restore", goal_restore, name="goal-restore"),
    path("goals/invitations/<int:pk>/accept", invitation_accept, name="goal-invitation-accept"),
    path("goals/invitations/<int:pk>/decline", invitation_decline, name="goal-invitation-decline"),
]
