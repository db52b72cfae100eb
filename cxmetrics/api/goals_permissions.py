"""Who may do what with goals and plans.

Executives, team leads and admins read everything; integrators (and API keys) nothing.
Team leads create goals for departments they lead and edit the goals they own, and create and
edit the plans of the departments they lead. Admins do everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rest_framework.permissions import BasePermission

from cxmetrics.models import Department, Goal, IncentivePlan, Role
from cxmetrics.roles import can_read_figures, is_admin, led_department_ids, roles_of


class CanReadGoals(BasePermission):
    """Every request to these endpoints needs a reader role (writes are checked further)."""

    message = "Executives, team leads and admins only."

    def has_permission(self, request: Any, view: Any) -> bool:
        return can_read_figures(request.user)


def can_create_goal(user: Any, departments: Iterable[Department]) -> bool:
    """Admins; team leads for goals in which one of their departments participates."""
    if is_admin(user):
        return True
    led = led_department_ids(user)
    return bool(led) and any(d.pk in led for d in departments)


def can_edit_goal(user: Any, goal: Goal) -> bool:
    """Admins; the goal's owner while they are a team lead."""
    if is_admin(user):
        return True
    return Role.TEAM_LEAD in roles_of(user) and goal.owner_id == user.pk


def can_edit_plan(user: Any, department: Department | None) -> bool:
    """Admins; team leads of the plan's department."""
    if is_admin(user):
        return True
    return department is not None and department.pk in led_department_ids(user)


def can_edit_existing_plan(user: Any, plan: IncentivePlan) -> bool:
    return can_edit_plan(user, plan.department)
