"""Who may write which goal or plan: one rule per kind, applied to every write twice.

A write is allowed when the caller may touch the object as stored (``before``) AND may create
the object as it will be after the write (``after``), by the same rule as a create. So a team
lead cannot edit a goal into one they could not have created (another department's goal), nor
move a plan to a department they do not lead.

- Goals: admins; team leads for goals in which a department they lead takes part, owned by
  themselves. Changing or deleting one also needs them to be its owner.
- Plans: admins; team leads of the plan's department. Which goals a plan may pay on (those its
  department takes part in) is a field rule of validation, not a role rule.
- Closing a period (the immutable payout statement): admins only (:func:`check_close`).
- Answering an invitation: a team lead of the invited department, or an admin
  (:func:`cxmetrics.services.goals.participation.check_answer`).

Pure checks raising :class:`NotAllowed` with a message saying what is refused. The goal and
plan services call them on every write (callers that are not a person acting, such as demo
seeding or an operator's command, say ``trusted=True``); views may call the ``before`` checks
first so that a stranger's write is refused before its fields are looked at.
Re-exported by cxmetrics.services.goals (callers use that package).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cxmetrics.models import Department, Goal, IncentivePlan, Role
from cxmetrics.roles import is_admin, led_department_ids, roles_of


class NotAllowed(Exception):
    """The caller's role does not allow this write (the API answers 403 with the message)."""


def _writer(user: Any, kind: str) -> None:
    if not (is_admin(user) or Role.TEAM_LEAD in roles_of(user)):
        raise NotAllowed(f"Only team leads and admins create or change {kind}.")


def _not_yours(user: Any, wanted: Iterable[Department]) -> NotAllowed:
    led = sorted(Department.objects.filter(pk__in=led_department_ids(user)).values_list("slug"))
    led_text = ", ".join(slug for (slug,) in led) or "no department"
    slugs = sorted(d.slug for d in wanted)
    if len(slugs) == 1:
        return NotAllowed(f"You lead {led_text}; {slugs[0]} is not one of your departments.")
    return NotAllowed(
        f"You lead {led_text}; none of {', '.join(slugs)} is one of your departments."
    )


def check_goal(user: Any, *, departments: Iterable[Department], owner: Any) -> None:
    """The create rule: may `user` create a goal with these participants and this owner?"""
    _writer(user, "goals")
    if is_admin(user):
        return
    departments = list(departments)
    if not led_department_ids(user) & {d.pk for d in departments}:
        raise _not_yours(user, departments)
    if owner is not None and owner.pk != user.pk:
        raise NotAllowed("Only admins may make someone else the owner of a goal.")


def check_goal_before(user: Any, goal: Goal) -> None:
    """May `user` change or delete `goal` at all (as stored)?"""
    _writer(user, "goals")
    if not is_admin(user) and goal.owner_id != user.pk:
        raise NotAllowed(f"Only the goal's owner ({goal.owner}) or an admin may change it.")


def check_plan(user: Any, *, department: Department | None) -> None:
    """The create rule: may `user` create a plan for `department`?"""
    _writer(user, "incentive plans")
    if is_admin(user) or department is None:
        return  # a missing department is a field error, reported by validation
    if department.pk not in led_department_ids(user):
        raise _not_yours(user, [department])


def check_plan_before(user: Any, plan: IncentivePlan) -> None:
    """May `user` change or delete `plan` at all (as stored)?"""
    check_plan(user, department=plan.department)


CLOSE_REFUSED = "Only admins close a period: closing writes the payout statement, for good."


def check_close(user: Any, plan: IncentivePlan) -> None:
    """May `user` close `plan`'s period? Admins only: the statement it writes is what is paid
    and never changes, so the department's own lead does not close it."""
    if not is_admin(user):
        raise NotAllowed(CLOSE_REFUSED)
