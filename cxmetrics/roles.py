"""Roles are Django groups: executive, team_lead, integrator, admin (superusers are admins)."""

from __future__ import annotations

from typing import Any

from cxmetrics.models import Role

READER_ROLES = frozenset({Role.EXECUTIVE, Role.TEAM_LEAD, Role.ADMIN})


def roles_of(user: Any) -> frozenset[str]:
    """The role names of `user` (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False) or not hasattr(user, "groups"):
        return frozenset()
    cached = getattr(user, "_cx_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached |= {Role.ADMIN}
        user._cx_roles = cached
    return cached


def can_read_figures(user: Any) -> bool:
    """Executives, team leads and admins read figures and comments; integrators do not."""
    return bool(roles_of(user) & READER_ROLES)


def is_admin(user: Any) -> bool:
    return Role.ADMIN in roles_of(user)


def led_department_ids(user: Any) -> set[int]:
    """Departments `user` leads (empty unless they are a team lead)."""
    if Role.TEAM_LEAD not in roles_of(user):
        return set()
    return set(user.led_departments.values_list("pk", flat=True))
