"""The outbound webhook protocol, pure (no Django import): signatures, signing secrets, the
retry schedule and what an HTTP answer means for a delivery. docs/webhooks.md describes it for
receivers; cxmetrics.services.webhooks sends with it.

Signature (like Stripe's): ``X-Cxmetrics-Signature: sha256=<hex>`` where ``<hex>`` is
HMAC-SHA256, keyed with the endpoint's signing secret, of ``f"{timestamp}.{body}"``: the
``X-Cxmetrics-Timestamp`` header (Unix seconds), a dot, and the raw request body bytes.
Signing the timestamp lets a receiver refuse a replayed request (``verify`` refuses one older
than ``tolerance_seconds``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from enum import StrEnum
from urllib.parse import urlsplit

__all__ = [
    "ALL_EVENTS",
    "BACKOFF_BASE_SECONDS",
    "BACKOFF_CAP_SECONDS",
    "JITTER",
    "MAX_ATTEMPTS",
    "SECRET_PREFIX",
    "SIGNATURE_PREFIX",
    "Outcome",
    "backoff_seconds",
    "classify",
    "derive_secret",
    "event_problem",
    "sign",
    "url_problem",
    "verify",
]

SIGNATURE_PREFIX = "sha256="
SECRET_PREFIX = "whsec_"
# A delivery is tried at most this many times; retries wait 1, 2, 4, 8, 16, 32, 60 minutes
# (each +-10%), so the last try is about two hours after the first.
MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 60
BACKOFF_CAP_SECONDS = 3600
JITTER = 0.1
# Plain http is allowed to this machine only (tests, a local receiver in development).
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Event names: dotted lower-case words, e.g. "followup.opened"; "*" subscribes to every event.
_EVENT = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")
ALL_EVENTS = "*"
# HTTP answers that mean "try again later" although they are 4xx.
_RETRY_4XX = frozenset({408, 429})


def url_problem(url: str) -> str | None:
    """Why `url` cannot receive webhooks, or None: https only (the payload and its signature
    must not travel in the clear), except http to this machine; no user:password in it."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return "Enter a valid URL."
    if not host:
        return "Enter a URL with a host name."
    if parts.username is not None or parts.password is not None:
        return "Do not put a user name or password in the URL."
    if parts.scheme == "https":
        return None
    if parts.scheme == "http" and host in LOOPBACK_HOSTS:
        return None
    return "Use an https:// URL (plain http is allowed to 127.0.0.1 and localhost only)."


def event_problem(name: str) -> str | None:
    """Why `name` is not an event name, or None: dotted lower-case words such as
    ``followup.opened`` (``*`` is allowed in an endpoint's list, not as an event)."""
    if _EVENT.fullmatch(name):
        return None
    return f"{name!r} is not an event name (dotted lower-case words, e.g. followup.opened)."


def _bytes(value: str | bytes) -> bytes:
    return value.encode() if isinstance(value, str) else value


def sign(secret: str, timestamp: int, body: str | bytes) -> str:
    """The signature header value, ``sha256=<hex HMAC-SHA256 of f"{timestamp}.{body}">``."""
    message = str(int(timestamp)).encode() + b"." + _bytes(body)
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(
    secret: str,
    timestamp: int | str,
    body: str | bytes,
    signature: str,
    *,
    tolerance_seconds: float = 300,
    now: float,
) -> bool:
    """True if `signature` is `sign(secret, timestamp, body)` and `timestamp` (Unix seconds,
    as the header gives it) is within `tolerance_seconds` of `now` (Unix seconds), either way.
    The comparison takes constant time; a malformed timestamp is False, never an error."""
    try:
        moment = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs(now - moment) > tolerance_seconds:
        return False
    return hmac.compare_digest(sign(secret, moment, body).encode(), signature.strip().encode())


def derive_secret(*, key: str, salt: str) -> str:
    """An endpoint's signing secret: ``whsec_`` + HMAC-SHA256(key, "cxmetrics.webhooks.secret:"
    + salt) in hex. Only the random salt is stored with the endpoint; `key` is a server setting
    (CX_WEBHOOK_KEY), so a copy of the database alone does not give the secrets away."""
    message = f"cxmetrics.webhooks.secret:{salt}".encode()
    return SECRET_PREFIX + hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


class Outcome(StrEnum):
    """What one attempt means for its delivery."""

    DELIVERED = "delivered"  # a 2xx answer
    RETRY = "retry"  # no answer (network error, timeout), a 5xx, 408 or 429
    FAILED = "failed"  # any other answer (3xx: redirects are not followed; 4xx): final


def classify(status_code: int | None) -> Outcome:
    """The outcome of an attempt that got HTTP `status_code` (None: no answer at all)."""
    if status_code is None or status_code >= 500 or status_code in _RETRY_4XX:
        return Outcome.RETRY
    if 200 <= status_code < 300:
        return Outcome.DELIVERED
    return Outcome.FAILED


def backoff_seconds(attempt: int, *, jitter: float = 0.5) -> float:
    """Seconds to wait after failed attempt number `attempt` (1-based) before the next one:
    BACKOFF_BASE_SECONDS * 2**(attempt - 1), capped at BACKOFF_CAP_SECONDS, scaled by a factor
    in [1 - JITTER, 1 + JITTER] picked by `jitter` in [0, 1] (0.5: no change), so that the
    retries of many deliveries that failed together spread out."""
    if attempt < 1:
        raise ValueError("attempt is 1-based")
    nominal = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** (attempt - 1))
    return nominal * (1 - JITTER + 2 * JITTER * jitter)
