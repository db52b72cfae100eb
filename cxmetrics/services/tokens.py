"""Personal API tokens (django-rest-knox): only a SHA-512 digest of each token is stored, and
every token expires (REST_KNOX["TOKEN_TTL"], from CX_TOKEN_TTL_HOURS, unless given hours).

Issuing and revoking a token from here are audited in Django's admin log on the person's User
row (/admin/auth/user/<id>/history/), naming the token by its first characters (token_key),
which is all anyone ever sees of it again.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User
from django.utils import timezone
from knox.models import AuthToken
from knox.settings import knox_settings


class NotYourToken(Exception):
    """Someone tried to revoke a token that is not theirs."""


def _audit(user: User, message: str) -> None:
    LogEntry.objects.log_actions(
        user_id=user.pk, queryset=[user], action_flag=CHANGE, change_message=message
    )


def issue_token(*, user: User, hours: float | None = None) -> tuple[AuthToken, str]:
    """A new token for `user`: the stored row and the token itself, which is never stored and
    cannot be shown again. Expires after `hours`, or the configured lifetime."""
    if hours is not None and hours <= 0:
        raise ValueError("a token's lifetime must be positive")
    ttl = timedelta(hours=hours) if hours is not None else knox_settings.TOKEN_TTL
    stored, token = AuthToken.objects.create(user=user, expiry=ttl)
    expiry = timezone.localtime(stored.expiry).isoformat(timespec="minutes")
    _audit(user, f"API token {stored.token_key}… created, valid until {expiry}.")
    return stored, token


def revoke_token(*, actor: User, token: AuthToken) -> None:
    """`actor` revokes one of their own tokens: it stops authenticating at once."""
    if token.user_id != actor.pk:
        raise NotYourToken("This token is not yours.")
    token.delete()
    _audit(actor, f"API token {token.token_key}… revoked.")
