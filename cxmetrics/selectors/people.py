"""Reads about people: who they are, their role, the departments they lead.

A person has one role, the Django group of that name (cxmetrics.models.Role); superusers are
admins whatever their groups (cxmetrics.roles). Should someone belong to several role groups
(edited in /admin/), the most powerful one is their role, in ROLE_PRECEDENCE order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from knox.models import AuthToken

from cxmetrics.models import Role
from cxmetrics.roles import roles_of

ROLE_PRECEDENCE = (Role.ADMIN, Role.TEAM_LEAD, Role.EXECUTIVE, Role.INTEGRATOR)


def primary_role(names: Iterable[str]) -> str:
    """The role among group names `names` (ROLE_PRECEDENCE), or "" when none is a role.

    >>> primary_role(["team_lead", "executive"])
    'team_lead'
    """
    present = set(names)
    return next((str(role) for role in ROLE_PRECEDENCE if role in present), "")


def role_of(user: Any) -> str:
    """The role of `user` ("" for none): one query the first time for a user object."""
    return primary_role(roles_of(user))


def role_label(role: str) -> str:
    """ "Team lead" for "team_lead"; "No role" for ""."""
    return str(Role(role).label) if role else "No role"


def describe(role: str, departments: Iterable[str]) -> str:
    """A role in words: "Team lead of Product, Support", "Admin", "Team lead of no department"
    (`departments`: the names of those they lead, shown only for team leads)."""
    if role != Role.TEAM_LEAD:
        return role_label(role)
    return f"Team lead of {', '.join(departments) or 'no department'}"


@dataclass(frozen=True)
class Person:
    """One row of the people list."""

    id: int
    username: str
    email: str
    role: str
    role_label: str
    departments: tuple[str, ...]  # names of the departments they lead, alphabetical
    department_slugs: tuple[str, ...]
    is_active: bool
    last_login: datetime | None

    @property
    def summary(self) -> str:
        return describe(self.role, self.departments)


def _person(user: User) -> Person:
    names = {group.name for group in user.groups.all()}
    if user.is_superuser:
        names.add(Role.ADMIN)
    role = primary_role(names)
    led = sorted(user.led_departments.all(), key=lambda d: d.name)
    return Person(
        id=user.pk,
        username=user.username,
        email=user.email,
        role=role,
        role_label=role_label(role),
        departments=tuple(d.name for d in led),
        department_slugs=tuple(d.slug for d in led),
        is_active=user.is_active,
        last_login=user.last_login,
    )


def people() -> list[Person]:
    """Everyone, by username. Three queries whatever the number of people."""
    users = User.objects.order_by("username").prefetch_related("groups", "led_departments")
    return [_person(user) for user in users]


def person(user: User) -> Person:
    """One person as a row of the list (three queries)."""
    return people_by_id([user.pk])[user.pk]


def people_by_id(ids: Iterable[int]) -> dict[int, Person]:
    users = User.objects.filter(pk__in=list(ids)).prefetch_related("groups", "led_departments")
    return {user.pk: _person(user) for user in users}


@dataclass(frozen=True)
class TokenRow:
    """One of a person's API tokens as they may see it again: never the token itself."""

    id: str  # the digest (the row's key): names the token in the revoke form
    key: str  # the token's first characters
    created: datetime
    expiry: datetime | None
    expired: bool


def api_tokens(*, user: User, now: datetime) -> list[TokenRow]:
    """`user`'s API tokens, newest first (one query). Expired ones are listed as expired until
    knox deletes them (the next time anyone authenticates with a token of theirs)."""
    rows = AuthToken.objects.filter(user=user).order_by("-created")
    return [
        TokenRow(
            id=row.digest,
            key=row.token_key,
            created=row.created,
            expiry=row.expiry,
            expired=row.expiry is not None and row.expiry <= now,
        )
        for row in rows
    ]
