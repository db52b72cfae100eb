"""Workspace pages: people, for admins (see workspace/__init__.py).

- /people/ (``people``): everyone with their role, the departments they lead, whether they are
  active and their last login; the form "Invite a person", which creates them without a
  password and shows ONCE the link where they set it (also e-mailed when they have an e-mail);
- /people/<id> (``person``): change their role, the departments they lead, active;
- /accounts/reset/<uidb64>/<token>/ (``password_reset_confirm``) and /accounts/reset/done/
  (``password_reset_complete``): Django's own views, where the invited person sets a password.

Writes go through cxmetrics.services.people with actor=request.user (audited there).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cxmetrics.selectors.people import people, person
from cxmetrics.services import people as service
from cxmetrics.services.goals import InvalidInput, NotAllowed
from workspace.access import admin_required, refused
from workspace.people_forms import InviteForm, PersonForm, SetPasswordForm, add_service_errors


@never_cache  # the page may show a set-password link: never from a cache
@require_http_methods(["GET", "POST"])
@admin_required
def people_page(request: HttpRequest) -> HttpResponse:
    invited: dict[str, Any] | None = None
    form = InviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = service.invite_person(
                actor=request.user,
                site_url=request.build_absolute_uri("/"),
                **form.cleaned_data,
            )
        except NotAllowed as exc:
            raise refused(exc) from exc
        except InvalidInput as exc:
            add_service_errors(form, exc)
        else:
            invited = {
                "person": person(invitation.user),
                "link": request.build_absolute_uri(invitation.set_password_path),
                "emailed": invitation.emailed,
            }
            form = InviteForm()
    return render(
        request,
        "workspace/people/list.html",
        {"people": people(), "form": form, "invited": invited},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@admin_required
def person_page(request: HttpRequest, person_id: int) -> HttpResponse:
    user = get_object_or_404(User, pk=person_id)
    shown = person(user)
    initial = {"role": shown.role, "leads": list(shown.department_slugs), "active": user.is_active}
    form = PersonForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            service.update_person(actor=request.user, person=user, **form.cleaned_data)
        except NotAllowed as exc:
            raise refused(exc) from exc
        except InvalidInput as exc:
            add_service_errors(form, exc)
        else:
            saved = person(user)
            state = "" if saved.is_active else ", inactive"
            messages.success(request, f"Saved {saved.username}: {saved.summary}{state}.")
            return redirect("people")
    return render(
        request,
        "workspace/people/person.html",
        {"person": shown, "form": form},
        status=400 if form.errors else 200,
    )


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The invited person's link: choose a password (then log in)."""

    template_name = "workspace/people/set_password.html"
    form_class = SetPasswordForm


urlpatterns = [
    path("people/", people_page, name="people"),
    path("people/<int:person_id>", person_page, name="person"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        SetPasswordView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="workspace/people/set_password_done.html"
        ),
        name="password_reset_complete",
    ),
]
