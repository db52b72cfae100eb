"""Personal API tokens (django-rest-knox): only a SHA-512 digest of each token is stored, and
every token expires (REST_KNOX["TOKEN_TTL"], from CX_TOKEN_TTL_HOURS, unless given hours)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import User
from knox.models import AuthToken
from knox.settings import knox_settings


def issue_token(*, user: User, hours: float | None = None) -> tuple[AuthToken, str]:
    """A new token for `user`: the stored row and the token itself, which is never stored and
    cannot be shown again. Expires after `hours`, or the configured lifetime."""
    if hours is not None and hours <= 0:
        raise ValueError("a token's lifetime must be positive")
    ttl = timedelta(hours=hours) if hours is not None else knox_settings.TOKEN_TTL
    return AuthToken.objects.create(user=user, expiry=ttl)
