"""Per-key rate limit: 429 with Retry-After, counted per key."""

from __future__ import annotations

from django.core.cache import cache
from django.test import override_settings
from rest_framework.settings import api_settings

from tests.api.conftest import key_client

BODY = {
    "external_id": "r-1",
    "metric": "nps",
    "score": 9,
    "channel": "chat",
    "occurred_at": "2025-05-01T10:00:00Z",
}


def test_default_rate_allows_at_least_600_requests_a_minute():
    # given / when
    number, period = api_settings.DEFAULT_THROTTLE_RATES["api_key"].split("/")
    # then
    assert period.startswith("m") and int(number) >= 600


def test_over_the_rate_is_429_with_retry_after(org):
    # given a rate of 2 a minute
    cache.clear()
    rest = {**api_settings.user_settings, "DEFAULT_THROTTLE_RATES": {"api_key": "2/min"}}
    with override_settings(REST_FRAMEWORK=rest):
        first, second = key_client(), key_client()
        # when
        codes = [first.post("/api/v1/responses", BODY, format="json").status_code for _ in range(3)]
        other = second.post("/api/v1/responses", BODY, format="json")
        limited = first.post("/api/v1/responses", BODY, format="json")
    # then the third request of one key is refused, another key is not
    assert codes == [201, 201, 429]
    assert other.status_code == 201
    assert int(limited["Retry-After"]) > 0
    cache.clear()
