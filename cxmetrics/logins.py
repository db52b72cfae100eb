"""Login throttling with django-axes (settings: AXES_* in settings.py, from CX_LOGIN_* ).

Failed logins are counted per username and, independently, per client address; either one
reaching CX_LOGIN_FAILURE_LIMIT locks it for CX_LOGIN_COOLOFF_MINUTES after the last failed
attempt. Counts live in the database (axes' AccessAttempt), so they hold across processes and
do not depend on the cache. An admin unlocks by deleting the attempts in /admin/axes/ or with
`manage.py axes_reset_username NAME` / `axes_reset_ip ADDRESS` / `axes_reset`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str:
    """The address a login is counted against (AXES_CLIENT_IP_CALLABLE).

    REMOTE_ADDR, unless CX_TRUSTED_PROXIES proxies stand in front: each appends the address it
    received the request from to X-Forwarded-For, so the entry CX_TRUSTED_PROXIES from the
    right is the client's as the outermost trusted proxy saw it. Entries further left are
    whatever the client sent and are never trusted (else one header would dodge the lockout).
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.CX_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [part.strip() for part in header.split(",") if part.strip()]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote


def cooloff_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """The login page again, with the lockout message, as 429 (AXES_LOCKOUT_CALLABLE)."""
    response = render(
        request,
        "registration/login.html",
        {"locked_out": True, "cooloff_minutes": cooloff_minutes()},
        status=429,
    )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
