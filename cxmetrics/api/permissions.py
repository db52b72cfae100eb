"""Who may call what: API keys push data for their own source; people with a reading role
read figures. Plus the rate limits: per API key and per reader."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from rest_framework.permissions import BasePermission
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from cxmetrics.api.authentication import IntegratorUser
from cxmetrics.breaker import CircuitBreaker
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


def parse_rate(rate: str) -> tuple[int, int]:
    """DRF's rate format: "300/min" -> (300, 60); the period is read from its first letter
    (s, m, h, d)."""
    number, period = rate.split("/")
    return int(number), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period.strip()[0]]


def _cache_cooloff() -> float:
    return settings.CX_CACHE_BACKOFF_SECONDS


# The cache of the rate limits (Django's default cache): when it is unreachable, requests are
# let through (fail open) rather than refused; ingest must never break on a rate limit's store.
RATE_CACHE = CircuitBreaker("rate-limit cache", cooloff=_cache_cooloff)


class FixedWindowRateThrottle(BaseThrottle):
    """At most N requests per identity in each fixed window of the rate's period ("300/min":
    windows [0 s, 60 s), [60 s, 120 s) ... of the clock). Over it: 429 with Retry-After = the
    seconds left in the window. Across a window boundary a client may send up to 2N in one
    period: the price of counting with one atomic increment.

    Counting is atomic on every cache with an atomic `add` and `incr` (Redis, Memcached,
    process memory): `add(key, 1)` starts a window's count, `incr` adds to it, so concurrent
    requests on any number of processes never under-count (DRF's SimpleRateThrottle reads,
    appends and writes back, and lets concurrent requests through together). The key carries
    the window's number and outlives the window, so it never expires mid-window.

    An unreachable cache lets the request through and is logged (once per cool-off, see
    RATE_CACHE): rate limiting is protection, not a reason to drop data."""

    scope = ""
    timer = time.time

    def __init__(self) -> None:
        self._wait: float | None = None

    def get_rate(self) -> str | None:
        # Read at call time (not import time) so settings overrides apply.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident_key(self, request: Any) -> str | None:
        """The identity counted, or None when this throttle does not apply to the request."""
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        rate = self.get_rate()
        ident = self.get_ident_key(request)
        if rate is None or ident is None:
            return True
        limit, period = parse_rate(rate)
        now = self.timer()
        window = int(now // period)
        count = self._count(f"throttle:{self.scope}:{ident}:{window}", period)
        if count is None or count <= limit:
            return True
        self._wait = (window + 1) * period - now
        return False

    def _count(self, key: str, period: int) -> int | None:
        """This request's number in its window, or None when the cache cannot say."""
        if not RATE_CACHE.allows():
            return None
        try:
            # add() is a no-op when the key exists; the extra second covers clock skew.
            try:
                count = 1 if cache.add(key, 1, timeout=period + 1) else cache.incr(key)
            except ValueError:
                # The key vanished between add and incr (evicted): this request starts it again.
                count = 1 if cache.add(key, 1, timeout=period + 1) else None
        except Exception as error:  # noqa: BLE001 - any cache failure: fail open
            RATE_CACHE.failed(error, consequence="requests are not rate limited")
            return None
        RATE_CACHE.succeeded()
        return count

    def wait(self) -> float | None:
        return self._wait


class ApiKeyRateThrottle(FixedWindowRateThrottle):
    """Requests per API key, at REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["api_key"]
    (API_KEY_RATE, default 1200/min). Counts live in Django's default cache: configure a shared
    cache (Redis, CACHE_URL) so that every server process counts against the same budget."""

    scope = "api_key"

    def get_ident_key(self, request: Any) -> str | None:
        user = request.user
        return str(user.api_key.pk) if is_api_key(user) else None


class ReaderRateThrottle(FixedWindowRateThrottle):
    """Requests per person (token or session), at DEFAULT_THROTTLE_RATES["reader"]
    (API_READ_RATE, default 600/min), shared by every endpoint a person may call."""

    scope = "reader"

    def get_ident_key(self, request: Any) -> str | None:
        user = request.user
        if is_api_key(user) or not user.is_authenticated:
            return None
        return str(user.pk)
