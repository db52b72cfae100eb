"""Workspace pages: my profile, for anyone logged in (see workspace/__init__.py).

- /profile/ (``profile``): who I am (role, departments I lead), my API tokens (created,
  expiry, first characters) with "Create token" (the token is shown ONCE, on the answer to
  that POST, never stored nor put in the session) and "Revoke" for each;
- /profile/tokens/<id>/revoke (``revoke_token``, POST): only my own tokens (others: 404);
- /accounts/password/ (``password_change``): Django's PasswordChangeView, back to my profile.

Integrators have a profile too: that is how they get an API token without a shell.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse_lazy
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from knox.models import AuthToken

from cxmetrics.selectors.people import api_tokens, person
from cxmetrics.services.tokens import issue_token, revoke_token
from workspace.access import login_only
from workspace.people_forms import PasswordChangeForm


def _render(request: HttpRequest, new_token: dict[str, Any] | None = None) -> HttpResponse:
    return render(
        request,
        "workspace/profile/profile.html",
        {
            "me": person(request.user),
            "tokens": api_tokens(user=request.user, now=timezone.now()),
            "new_token": new_token,
        },
    )


@require_GET
@login_only
def profile_page(request: HttpRequest) -> HttpResponse:
    return _render(request)


@never_cache  # the answer carries the new token: never from a cache
@require_POST
@login_only
def create_token(request: HttpRequest) -> HttpResponse:
    stored, token = issue_token(user=request.user)
    return _render(request, {"token": token, "key": stored.token_key, "expiry": stored.expiry})


@require_POST
@login_only
def revoke_token_view(request: HttpRequest, token_id: str) -> HttpResponse:
    token = get_object_or_404(AuthToken, pk=token_id, user=request.user)
    revoke_token(actor=request.user, token=token)
    messages.success(request, f"Token {token.token_key}… revoked: it no longer works.")
    return redirect("profile")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change my password, then back to my profile (the session stays logged in)."""

    template_name = "workspace/profile/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("profile")

    def form_valid(self, form: Any) -> HttpResponse:
        messages.success(self.request, "Your password is changed.")
        return super().form_valid(form)


urlpatterns = [
    path("profile/", profile_page, name="profile"),
    path("profile/tokens", create_token, name="create_token"),
    path("profile/tokens/<str:token_id>/revoke", revoke_token_view, name="revoke_token"),
    path("accounts/password/", PasswordChangeView.as_view(), name="password_change"),
]
