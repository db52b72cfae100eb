"""The demo organisation's users: one per role, with fresh random passwords."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth.models import Group, User
from django.db import transaction

from cxmetrics.models import Department, Role

# username, role, slugs of the departments they lead
DEMO_USERS = (
    ("executive", Role.EXECUTIVE, ()),
    ("lead", Role.TEAM_LEAD, ("support",)),
    ("product_lead", Role.TEAM_LEAD, ("product",)),
    ("billing_lead", Role.TEAM_LEAD, ("billing",)),
    ("admin", Role.ADMIN, ()),
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str


def ensure_demo_users() -> list[DemoLogin]:
    """Create the demo users with fresh random passwords, or reset their passwords.

    Passwords are generated here, never stored in the repository; the caller shows them.
    """
    logins = []
    with transaction.atomic():
        for username, role, led in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            password = secrets.token_urlsafe(9)
            user.set_password(password)
            user.is_staff = role == Role.ADMIN
            user.is_superuser = role == Role.ADMIN
            user.save()
            group, _ = Group.objects.get_or_create(name=role)
            user.groups.set([group])
            for department in Department.objects.filter(slug__in=led):
                department.leads.add(user)
            logins.append(DemoLogin(username, password, str(role)))
    return logins
