"""Who may open a workspace page. Every view is wrapped by exactly one of these decorators.

- ``reader_required``: executives, team leads and admins (read pages: lists, goal and plan
  views, scorecards);
- ``writer_required``: team leads and admins (forms that create or change goals and plans);
  whether *this* goal or plan may be changed is the services' rule (cxmetrics.services.goals),
  checked on the object as stored and as it will be;
- ``admin_required``: admins (people, closing a period);
- ``login_only``: any logged-in person (their own profile and tokens);
- ``check_followup_writer(request)``: inside a follow-up page that reads (GET, readers) and
  acts (POST: team leads and admins; executives read only). Which follow-up or rule may be
  changed is the services' rule (cxmetrics.services.followups.access).

Refusals are Django's PermissionDenied, rendered by templates/403.html with the reason.
``refused(exc)`` turns a service's NotAllowed into that refusal.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from cxmetrics.models import Role
from cxmetrics.roles import can_read_figures, is_admin, roles_of
from cxmetrics.services.followups.access import EXECUTIVES_READ, can_change_followups

View = Callable[..., Any]


def can_write_goals(user: Any) -> bool:
    """Team leads and admins create goals and plans (which ones: the services decide)."""
    return is_admin(user) or Role.TEAM_LEAD in roles_of(user)


def _requiring(check: Callable[[Any], bool], reason: str) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
            if not check(request.user):
                raise PermissionDenied(reason)
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


reader_required = _requiring(
    can_read_figures, "Your role does not give access to goals, plans and scorecards."
)
writer_required = _requiring(
    can_write_goals, "Only team leads and admins create or change goals and incentive plans."
)
admin_required = _requiring(is_admin, "Only admins may do this.")
login_only = _requiring(lambda user: True, "")


def refused(exc: Exception) -> PermissionDenied:
    """A service's NotAllowed as the 403 page, with the service's own words."""
    return PermissionDenied(str(exc))


def check_followup_writer(request: Any) -> None:
    """A POST to a follow-up page by someone who changes no follow-up: the 403 page."""
    if not can_change_followups(request.user):
        raise PermissionDenied(EXECUTIVES_READ)
