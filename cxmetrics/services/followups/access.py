"""Who may read and change which follow-up and rule: the one place the rules live.

Follow-ups:

* read: admins and executives every follow-up; team leads the follow-ups of the departments
  they lead; an integrator's API key the follow-ups of its own source (the help desk closing
  its ticket); anyone else (integrator people, anonymous) none. `visible_followups` is the
  rule as a queryset filter; `can_read_followups` says whether a caller reads any at all.
* assignee: a team lead of the follow-up's department (as it will be) or an admin
  (`may_be_assigned`; `assignable_people` is the same rule as a query, for the pages' selects).
* change: admins any; team leads when they lead the follow-up's department as stored AND the
  department it will have (no moving one to a department they do not lead); an API key the
  follow-ups of its source, without moving them to another department; executives never
  (they read). `check_followup_before` / `check_followup_after`.

Rules:

* read: every reader role (executives, team leads, admins) reads every rule.
* write: admins; team leads when the rule names at least one department (its owner
  department and its scope departments) and they lead every one named, checked on the rule
  as stored and as it will be (`check_rule_before`, `check_rule`).

Pure checks raising `NotAllowed` (shared with the goals services, so the API answers 403 with
the message). An API key is recognised by its `api_key` and `source` attributes (the request
user of cxmetrics.api.authentication), so this module does not import the API layer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from cxmetrics.models import Department, FollowUp, FollowUpRule, Role
from cxmetrics.roles import can_read_figures, is_admin, led_department_ids, roles_of
from cxmetrics.services.goals import NotAllowed

__all__ = [
    "NotAllowed",
    "api_key_source_id",
    "assignable_people",
    "can_change_followups",
    "can_read_followups",
    "can_read_rules",
    "check_followup_after",
    "check_followup_before",
    "check_rule",
    "check_rule_before",
    "may_be_assigned",
    "visible_followups",
]

EXECUTIVES_READ = "Executives read follow-ups; the owning department's team leads change them."
NO_ACCESS = "Follow-ups are for team leads, executives, admins and the source's API key."


def api_key_source_id(user: Any) -> int | None:
    """The source id of an integrator's API-key request, else None."""
    if getattr(user, "api_key", None) is None:
        return None
    return user.source.pk


def can_read_followups(user: Any) -> bool:
    """True for API keys and reader roles (what they read is `visible_followups`)."""
    return api_key_source_id(user) is not None or can_read_figures(user)


def can_change_followups(user: Any) -> bool:
    """Whether `user` (a person) changes any follow-up at all: team leads and admins (which
    ones: `check_followup_before`). Executives and integrators do not."""
    roles = roles_of(user)
    return is_admin(user) or Role.TEAM_LEAD in roles


def may_be_assigned(user: Any, department: Department) -> bool:
    """The assignee rule: an admin, or a team lead of `department`."""
    return is_admin(user) or department.pk in led_department_ids(user)


def assignable_people(*, department_ids: Iterable[int]) -> QuerySet:
    """The active people `may_be_assigned` accepts for at least one of `department_ids`
    (admins: the admin group or superusers; team leads leading one of them), by username.
    One query when evaluated."""
    leads = Q(groups__name=Role.TEAM_LEAD, led_departments__in=sorted(set(department_ids)))
    admins = Q(groups__name=Role.ADMIN) | Q(is_superuser=True)
    people = get_user_model().objects.filter(is_active=True).filter(admins | leads)
    return get_user_model().objects.filter(pk__in=people.values("pk")).order_by("username")


def _scope(user: Any) -> Q | None:
    """The follow-ups `user` reads as a filter; None means none."""
    source_id = api_key_source_id(user)
    if source_id is not None:
        return Q(source_id=source_id)
    roles = roles_of(user)
    if is_admin(user) or Role.EXECUTIVE in roles:
        return Q()
    if Role.TEAM_LEAD in roles:
        return Q(department_id__in=sorted(led_department_ids(user)))
    return None


def visible_followups(user: Any, queryset: QuerySet | None = None) -> QuerySet:
    """`queryset` (default: every follow-up) narrowed to what `user` reads."""
    queryset = FollowUp.objects.all() if queryset is None else queryset
    scope = _scope(user)
    return queryset.none() if scope is None else queryset.filter(scope)


def _led_text(user: Any) -> str:
    led = Department.objects.filter(pk__in=led_department_ids(user)).values_list("slug", flat=True)
    return ", ".join(sorted(led)) or "no department"


def check_followup_before(user: Any, followup: FollowUp) -> None:
    """May `user` change `followup` at all (as stored)?"""
    if is_admin(user):
        return
    source_id = api_key_source_id(user)
    if source_id is not None:
        if followup.source_id != source_id:
            raise NotAllowed("This API key changes only the follow-ups of its own source.")
        return
    roles = roles_of(user)
    if Role.TEAM_LEAD in roles:
        if followup.department_id not in led_department_ids(user):
            raise NotAllowed(
                f"You lead {_led_text(user)}; this follow-up belongs to {followup.department.slug}."
            )
        return
    raise NotAllowed(EXECUTIVES_READ if Role.EXECUTIVE in roles else NO_ACCESS)


def check_followup_after(user: Any, followup: FollowUp, *, department: Department) -> None:
    """May `user` give `followup` the owner `department` (the follow-up as it will be)?"""
    if is_admin(user) or department.pk == followup.department_id:
        return
    if api_key_source_id(user) is not None:
        raise NotAllowed("An API key cannot move a follow-up to another department.")
    if department.pk not in led_department_ids(user):
        raise NotAllowed(
            f"You lead {_led_text(user)}; {department.slug} is not one of your departments."
        )


def can_read_rules(user: Any) -> bool:
    return api_key_source_id(user) is None and can_read_figures(user)


def check_rule(
    user: Any, *, owner_department: Department | None, departments: Iterable[Department]
) -> None:
    """The create rule: may `user` write a rule owned by `owner_department` (None: each
    response's department) over `departments` (empty: all)?"""
    if is_admin(user):
        return
    if Role.TEAM_LEAD not in roles_of(user) or api_key_source_id(user) is not None:
        raise NotAllowed("Only team leads and admins create or change follow-up rules.")
    named = {d.pk: d.slug for d in departments}
    if owner_department is not None:
        named[owner_department.pk] = owner_department.slug
    if not named:
        raise NotAllowed(
            "A rule over every department is for admins: name its owner department or the "
            "departments it covers."
        )
    foreign = sorted(slug for pk, slug in named.items() if pk not in led_department_ids(user))
    if foreign:
        raise NotAllowed(
            f"You lead {_led_text(user)}; {', '.join(foreign)} is not one of your departments."
        )


def check_rule_before(user: Any, rule: FollowUpRule) -> None:
    """May `user` change or delete `rule` at all (as stored)?"""
    check_rule(user, owner_department=rule.owner_department, departments=rule.departments.all())
