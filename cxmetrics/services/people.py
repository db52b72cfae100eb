"""Writes about people: create or invite them, set their role and the departments they lead,
deactivate and reactivate them.

Verbs with keyword-only arguments; every one is for admins (NotAllowed otherwise) unless
``trusted=True`` (an operator's management command on the server, ``actor=None``). Bad values
raise InvalidInput({field: [messages]}) with the fields "username", "email", "role", "leads",
"password", "active", before anything is written.

Every change is audited in Django's admin log (``django.contrib.admin.models.LogEntry``, on
the person's User row), so /admin/auth/user/<id>/history/ lists it with who did it and what
changed. django-simple-history is not registered for User, so it is not used here. A change
by a management command (no actor) is logged with the person themselves as the user and a
message that says it came from the command.

A role is a Django group (cxmetrics.models.Role); admins are also staff and superusers (they
use /admin/), nobody else is. Only team leads lead departments: a person who stops being a
team lead stops leading theirs.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from knox.models import AuthToken

from cxmetrics.models import Department, Role
from cxmetrics.roles import is_admin
from cxmetrics.selectors.people import describe, role_label, role_of
from cxmetrics.services.goals import InvalidInput, NotAllowed

log = logging.getLogger(__name__)

ROLES = tuple(str(role) for role in Role)
COMMAND = "manage.py create_user"


@dataclass(frozen=True)
class Invitation:
    """An invited person and the path of the page where they set their password (valid for
    settings.PASSWORD_RESET_TIMEOUT, until they set it or log in). Unpacks as a pair."""

    user: User
    set_password_path: str
    emailed: bool = False

    def __iter__(self) -> Iterator[Any]:  # user, path = invite_person(...)
        return iter((self.user, self.set_password_path))


# --- checks ---------------------------------------------------------------------------------


def _check_actor(actor: Any, trusted: bool) -> None:
    if not trusted and not is_admin(actor):
        raise NotAllowed("Only admins invite people or change their roles.")


def _role_errors(role: str) -> list[str]:
    if role not in ROLES:
        return [f"Choose one of the roles: {', '.join(ROLES)}."]
    return []


def departments_for(slugs: Iterable[str]) -> list[Department]:
    """The departments of `slugs`, or InvalidInput naming the unknown ones."""
    wanted = sorted(set(slugs))
    found = list(Department.objects.filter(slug__in=wanted).order_by("name"))
    unknown = sorted(set(wanted) - {d.slug for d in found})
    if unknown:
        known = ", ".join(Department.objects.order_by("slug").values_list("slug", flat=True))
        raise InvalidInput(
            {
                "leads": [
                    f"Unknown department{'s' if len(unknown) > 1 else ''}: "
                    f"{', '.join(unknown)} (departments: {known or 'none'})."
                ]
            }
        )
    return found


def _leads_errors(role: str, departments: Sequence[Department]) -> list[str]:
    if departments and role != Role.TEAM_LEAD:
        return ["Only team leads lead departments: choose the role Team lead, or no department."]
    return []


def _username_errors(username: str) -> list[str]:
    field = User._meta.get_field("username")
    try:
        field.clean(username, None)
    except ValidationError as exc:
        return list(exc.messages)
    if User.objects.filter(username__iexact=username).exists():
        return [f"There is already a person called {username!r}."]
    return []


def _email_errors(email: str) -> list[str]:
    if not email:
        return []
    try:
        validate_email(email)
    except ValidationError as exc:
        return list(exc.messages)
    return []


def _password_errors(password: str | None, user: User) -> list[str]:
    if password is None:
        return []
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return list(exc.messages)
    return []


def _raise_if(errors: dict[str, list[str]]) -> None:
    errors = {field: messages for field, messages in errors.items() if messages}
    if errors:
        raise InvalidInput(errors)


# --- the audit ------------------------------------------------------------------------------


def _audit(*, actor: Any, person: User, flag: int, message: str) -> None:
    """One entry of the admin log on `person`'s row; by `actor`, else by the command."""
    by = actor if actor is not None else person
    if actor is None:
        message = f"{message.rstrip('.')} (by {COMMAND} on the server)."
    LogEntry.objects.log_actions(
        user_id=by.pk, queryset=[person], action_flag=flag, change_message=message
    )


# --- writes ---------------------------------------------------------------------------------


def _apply_role(person: User, role: str) -> None:
    person.is_staff = person.is_superuser = role == Role.ADMIN
    person.save(update_fields=["is_staff", "is_superuser"])
    group, _ = Group.objects.get_or_create(name=role)
    others = Group.objects.filter(name__in=ROLES).exclude(pk=group.pk)
    person.groups.remove(*others)
    person.groups.add(group)
    if role != Role.TEAM_LEAD:
        person.led_departments.clear()
    person.__dict__.pop("_cx_roles", None)  # roles_of's cache on this object


def create_person(
    *,
    actor: Any,
    username: str,
    role: str,
    email: str = "",
    leads: Iterable[str] = (),
    password: str | None = None,
    trusted: bool = False,
) -> User:
    """A new person with `role`, leading the departments of slugs `leads` (team leads only).

    With `password` (checked by settings.AUTH_PASSWORD_VALIDATORS) they can log in at once;
    without, their password is unusable until they set one (invite_person gives the link).
    """
    _check_actor(actor, trusted)
    username = username.strip()
    email = email.strip()
    departments = departments_for(leads)
    candidate = User(username=username, email=email)
    _raise_if(
        {
            "username": _username_errors(username),
            "email": _email_errors(email),
            "role": _role_errors(role),
            "leads": _leads_errors(role, departments),
            "password": _password_errors(password, candidate),
        }
    )
    with transaction.atomic():
        person = User.objects.create_user(username=username, email=email, password=password)
        _apply_role(person, role)
        person.led_departments.set(departments)
        how = "with a password" if password is not None else "without a password yet"
        _audit(
            actor=actor,
            person=person,
            flag=ADDITION,
            message=f"Created as {describe(role, [d.name for d in departments])}, {how}.",
        )
    return person


def set_password_path(person: User) -> str:
    """The page where `person` sets a password: /accounts/reset/<uidb64>/<token>/ (Django's
    PasswordResetTokenGenerator: the link stops working once the password is set)."""
    return reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(person.pk)),
            "token": default_token_generator.make_token(person),
        },
    )


def invite_person(
    *,
    actor: Any,
    username: str,
    email: str = "",
    role: str,
    leads: Iterable[str] = (),
    site_url: str = "",
) -> Invitation:
    """A new person without a password and the link to set it. When they have an e-mail and
    `site_url` ("https://cx.example.com") is given, the link is also e-mailed to them; a mail
    server that fails does not undo the invitation (``emailed`` says whether it was sent)."""
    person = create_person(actor=actor, username=username, email=email, role=role, leads=leads)
    path = set_password_path(person)
    emailed = False
    if person.email and site_url:
        led = person.led_departments.order_by("name").values_list("name", flat=True)
        try:
            send_mail(
                "Your cxmetrics account",
                f"Hello {person.username},\n\nan account on cxmetrics was made for you "
                f"({describe(role, led)}).\n"
                f"Set your password here: {site_url.rstrip('/')}{path}\n\n"
                "The link works once and expires in a few days.\n",
                None,
                [person.email],
            )
            emailed = True
        except OSError:  # smtplib's errors are OSErrors
            log.exception("could not e-mail the invitation of %s", person.username)
    return Invitation(user=person, set_password_path=path, emailed=emailed)


def _self_errors(actor: Any, person: User, *, role: str, active: bool) -> dict[str, list[str]]:
    """An admin keeps their own admin role and account: someone must be left to run things."""
    if actor is None or actor.pk != person.pk:
        return {}
    errors: dict[str, list[str]] = {}
    if role != Role.ADMIN:
        errors["role"] = ["You cannot take away your own admin role: ask another admin."]
    if not active:
        errors["active"] = ["You cannot deactivate yourself: ask another admin."]
    return errors


def set_role(*, actor: Any, person: User, role: str, trusted: bool = False) -> None:
    """`person` has `role` from now on (admins: staff and superuser; not a team lead any
    more: leads no department). An admin cannot take away their own admin role."""
    _check_actor(actor, trusted)
    _raise_if({"role": _role_errors(role)})
    _raise_if(_self_errors(actor, person, role=role, active=True))
    before = role_of(person)
    with transaction.atomic():
        led_before = list(person.led_departments.order_by("name"))
        _apply_role(person, role)
        if before != role:
            message = f"Role: {role_label(before)} -> {role_label(role)}."
            if led_before and role != Role.TEAM_LEAD:
                message += f" No longer leads {', '.join(d.name for d in led_before)}."
            _audit(actor=actor, person=person, flag=CHANGE, message=message)


def set_led_departments(
    *, actor: Any, person: User, leads: Iterable[str], trusted: bool = False
) -> None:
    """`person` leads exactly the departments of slugs `leads` (team leads only)."""
    _check_actor(actor, trusted)
    departments = departments_for(leads)
    _raise_if({"leads": _leads_errors(role_of(person), departments)})
    before = set(person.led_departments.all())
    after = set(departments)
    if before == after:
        return
    with transaction.atomic():
        person.led_departments.set(departments)
        parts = []
        if added := sorted(d.name for d in after - before):
            parts.append(f"now leads {', '.join(added)}")
        if removed := sorted(d.name for d in before - after):
            parts.append(f"no longer leads {', '.join(removed)}")
        message = "Departments led: " + "; ".join(parts) + "."
        _audit(actor=actor, person=person, flag=CHANGE, message=message)


def deactivate(*, actor: Any, person: User, trusted: bool = False) -> None:
    """`person` can no longer log in; their API tokens are revoked (a reactivated person makes
    new ones). An admin cannot deactivate themselves."""
    _check_actor(actor, trusted)
    _raise_if(_self_errors(actor, person, role=Role.ADMIN, active=False))
    if not person.is_active:
        return
    with transaction.atomic():
        person.is_active = False
        person.save(update_fields=["is_active"])
        revoked, _ = AuthToken.objects.filter(user=person).delete()
        message = "Deactivated"
        if revoked:
            message += f"; {revoked} API token{'s' if revoked > 1 else ''} revoked"
        _audit(actor=actor, person=person, flag=CHANGE, message=message + ".")


def reactivate(*, actor: Any, person: User, trusted: bool = False) -> None:
    """`person` can log in again (with the password they had)."""
    _check_actor(actor, trusted)
    if person.is_active:
        return
    with transaction.atomic():
        person.is_active = True
        person.save(update_fields=["is_active"])
        _audit(actor=actor, person=person, flag=CHANGE, message="Reactivated.")


def update_person(
    *,
    actor: Any,
    person: User,
    role: str,
    leads: Iterable[str],
    active: bool,
    trusted: bool = False,
) -> None:
    """The person page's save: role, departments led and active, all or nothing; every
    problem of the three is reported at once."""
    _check_actor(actor, trusted)
    departments = departments_for(leads)
    errors = _self_errors(actor, person, role=role, active=active)
    errors.setdefault("role", []).extend(_role_errors(role))
    errors.setdefault("leads", []).extend(_leads_errors(role, departments))
    _raise_if(errors)
    with transaction.atomic():
        set_role(actor=actor, person=person, role=role, trusted=trusted)
        set_led_departments(actor=actor, person=person, leads=leads, trusted=trusted)
        if active:
            reactivate(actor=actor, person=person, trusted=trusted)
        else:
            deactivate(actor=actor, person=person, trusted=trusted)
