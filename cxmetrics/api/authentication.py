"""`Authorization: Api-Key <key>` for integrators: one key writes for one source."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from rest_framework import authentication, exceptions

from cxmetrics.models import ApiKey, hash_api_key


class IntegratorUser(AnonymousUser):
    """The request.user of an API-key request: authenticated, but no person and no roles."""

    def __init__(self, api_key: ApiKey) -> None:
        super().__init__()
        self.api_key = api_key
        self.source = api_key.source

    @property
    def is_authenticated(self) -> bool:  # type: ignore[override]
        return True

    @property
    def is_anonymous(self) -> bool:  # type: ignore[override]
        return False

    def __str__(self) -> str:
        return f"api-key:{self.api_key.prefix}"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Api-Key"

    def authenticate(self, request):  # type: ignore[no-untyped-def]
        header = authentication.get_authorization_header(request).decode(errors="replace")
        scheme, _, key = header.partition(" ")
        if scheme.lower() != self.keyword.lower():
            return None
        key = key.strip()
        if not key:
            raise exceptions.AuthenticationFailed("Api-Key header given without a key.")
        api_key = (
            ApiKey.objects.select_related("source", "source__default_channel")
            .filter(hashed_key=hash_api_key(key))
            .first()
        )
        if api_key is None:
            raise exceptions.AuthenticationFailed("Unknown API key.")
        if api_key.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This API key has been revoked.")
        now = timezone.now()
        # Keep the write cheap on the hot path: at most one update a minute per key.
        if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() > 60:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        return IntegratorUser(api_key), api_key

    def authenticate_header(self, request):  # type: ignore[no-untyped-def]
        return self.keyword
