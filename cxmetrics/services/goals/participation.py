"""Agreed participation: departments are invited to a goal and take part once they accept.

A shared goal is a commitment of several departments. When a goal is created or its
departments change, the departments wanted are split (:func:`split_participants`): those the
actor may commit (every department for an admin or a trusted caller, the departments a team
lead leads) take part at once; the others are invited (a pending :class:`GoalInvitation`).
A lead of an invited department, or an admin, accepts (the department joins
``Goal.departments``) or declines. Only ``Goal.departments`` (accepted) counts anywhere: plan
components, alignment, the incentives page.

Re-exported by cxmetrics.services.goals (callers use that package).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from cxmetrics.models import Department, Goal, GoalInvitation, InvitationStatus
from cxmetrics.roles import is_admin, led_department_ids

from .access import NotAllowed
from .records import StateConflict, save_goal


def split_participants(
    actor: Any, departments: Iterable[Department], *, trusted: bool = False
) -> tuple[list[Department], list[Department]]:
    """(take part now, to invite): what `actor` may commit for each wanted department."""
    departments = list(departments)
    if trusted or is_admin(actor):
        return departments, []
    led = led_department_ids(actor)
    return [d for d in departments if d.pk in led], [d for d in departments if d.pk not in led]


def invite(*, goal: Goal, departments: Iterable[Department], actor: Any) -> list[GoalInvitation]:
    """Invite departments (pending); a declined invitation is asked again, a pending one is
    left as it is. Audited (one history row per invitation written, with the actor)."""
    invitations = []
    existing = {i.department_id: i for i in goal.invitations.all()}
    for department in departments:
        invitation = existing.get(department.pk)
        if invitation is not None and invitation.status == InvitationStatus.PENDING:
            invitations.append(invitation)
            continue
        if invitation is None:
            invitation = GoalInvitation(goal=goal, department=department, invited_by=actor)
        else:  # declined (or accepted by a department that has left since): ask again
            invitation.status = InvitationStatus.PENDING
            invitation.invited_by = actor
            invitation.invited_at = timezone.now()
            invitation.answered_by = None
            invitation.answered_at = None
        invitation._history_user = actor
        invitation.save()
        invitations.append(invitation)
    return invitations


def settle(
    *, goal: Goal, wanted: Iterable[Department], joined: Iterable[Department], actor: Any
) -> None:
    """After the goal's departments were set to the wanted ones the actor may commit: the
    invitations of departments no longer wanted are withdrawn (pending) or closed (accepted:
    the department left), and those of departments the actor committed (`joined`, e.g. an
    admin adding an invited department) are accepted by the actor. A declined invitation
    of a department not wanted stays as the answer given. Audited."""
    wanted_ids = {d.pk for d in wanted}
    joined_ids = {d.pk for d in joined}
    for invitation in goal.invitations.select_related("department"):
        if invitation.department_id not in wanted_ids:
            if invitation.status != InvitationStatus.DECLINED:
                invitation._history_user = actor
                invitation.delete()
        elif invitation.department_id in joined_ids and (
            invitation.status != InvitationStatus.ACCEPTED
        ):
            _record_answer(invitation, actor=actor, status=InvitationStatus.ACCEPTED)


def check_answer(actor: Any, invitation: GoalInvitation) -> None:
    """Only a lead of the invited department, or an admin, answers an invitation."""
    if is_admin(actor) or invitation.department_id in led_department_ids(actor):
        return
    raise NotAllowed(
        f"Only a team lead of {invitation.department.name} or an admin answers this invitation."
    )


def _record_answer(invitation: GoalInvitation, *, actor: Any, status: str) -> None:
    invitation.status = status
    invitation.answered_by = actor
    invitation.answered_at = timezone.now()
    invitation._history_user = actor
    invitation.save()


def _answer(invitation: GoalInvitation, *, actor: Any, status: str, trusted: bool) -> None:
    if not trusted:
        check_answer(actor, invitation)
    if invitation.goal.is_archived:
        raise StateConflict("This goal is archived; it takes no answers until it is restored.")
    if invitation.status == status:
        word = "accepted" if status == InvitationStatus.ACCEPTED else "declined"
        raise StateConflict(f"{invitation.department.name} has already {word} this goal.")
    _record_answer(invitation, actor=actor, status=status)


def accept_invitation(*, invitation: GoalInvitation, actor: Any, trusted: bool = False) -> Goal:
    """The invited department takes part in the goal (one audited change of the goal).
    Raises NotAllowed, StateConflict (already accepted)."""
    with transaction.atomic():
        invitation = GoalInvitation.objects.select_for_update().get(pk=invitation.pk)
        _answer(invitation, actor=actor, status=InvitationStatus.ACCEPTED, trusted=trusted)
        goal = invitation.goal
        departments = [*goal.departments.all(), invitation.department]
        save_goal(goal, {"departments": departments}, actor=actor, created=False)
    return goal


def decline_invitation(*, invitation: GoalInvitation, actor: Any, trusted: bool = False) -> None:
    """The invited department does not take part (the answer is kept and shown to the owner).
    A department that had accepted leaves the goal, unless a plan of it pays on the goal or it
    is the goal's last participant. Raises NotAllowed, StateConflict."""
    with transaction.atomic():
        invitation = GoalInvitation.objects.select_for_update().get(pk=invitation.pk)
        if not trusted:
            check_answer(actor, invitation)
        goal = invitation.goal
        staying = [d for d in goal.departments.all() if d.pk != invitation.department_id]
        leaving = len(staying) < len(goal.departments.all())
        name = invitation.department.name
        if leaving and goal.plan_components.filter(plan__department=invitation.department).exists():
            raise StateConflict(f"{name}'s plan pays on this goal; remove that component first.")
        if leaving and not staying:
            raise StateConflict(f"{name} is the only department taking part; it cannot leave.")
        _answer(invitation, actor=actor, status=InvitationStatus.DECLINED, trusted=True)
        if leaving:
            save_goal(goal, {"departments": staying}, actor=actor, created=False)
