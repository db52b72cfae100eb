"""Who may call what: API keys push data for their own source; people with a reading role
read figures. Plus the per-key rate limit."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from cxmetrics.api.authentication import IntegratorUser
from cxmetrics.roles import can_read_figures


def is_api_key(user: Any) -> bool:
    return isinstance(user, IntegratorUser)


class IsApiKey(BasePermission):
    """Only an integrator's API key writes (it writes for its own source only)."""

    message = "Pushing data needs an API key: send the header 'Authorization: Api-Key <key>'."

    def has_permission(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        return is_api_key(request.user)


class CanReadFigures(BasePermission):
    """Executives, team leads and admins read; API keys and integrators do not."""

    message = "Reading needs the executive, team lead or admin role; API keys cannot read."

    def has_permission(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        return not is_api_key(request.user) and can_read_figures(request.user)


class ReadOrPush(BasePermission):
    """GET for readers, POST for API keys (the two faces of /api/v1/responses)."""

    def has_permission(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        check = IsApiKey() if request.method == "POST" else CanReadFigures()
        self.message = check.message
        return check.has_permission(request, view)


class ApiKeyRateThrottle(SimpleRateThrottle):
    """Requests per API key, at REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["api_key"]
    (API_KEY_RATE, default 1200/min). Over the rate: 429 with Retry-After. Counts live in
    Django's default cache: configure a shared cache (Redis) so that every server process
    counts against the same budget."""

    scope = "api_key"

    def get_rate(self) -> str | None:
        # Read at call time (not import time) so settings overrides apply.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view) -> str | None:  # type: ignore[no-untyped-def]
        user = request.user
        if not is_api_key(user):
            return None
        return self.cache_format % {"scope": self.scope, "ident": user.api_key.pk}
