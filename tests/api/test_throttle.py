"""Rate limits: per API key (ingest) and per reader (token or session); 429 with Retry-After;
atomic counting on a shared cache; an unreachable cache never breaks a request (fail open)."""

from __future__ import annotations

import logging
import socket
import threading
import uuid
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from cxmetrics.api.authentication import IntegratorUser
from cxmetrics.api.permissions import ApiKeyRateThrottle
from cxmetrics.models import ApiKey, Response
from cxmetrics.services.tokens import issue_token
from tests.api.conftest import key_client
from tests.conftest import redis_test_url

BODY = {
    "external_id": "r-1",
    "metric": "nps",
    "score": 9,
    "channel": "chat",
    "occurred_at": "2025-05-01T10:00:00Z",
}
READ = "/api/v1/metrics/summary?metric=nps"


def _rates(**rates: str) -> dict:
    return {**api_settings.user_settings, "DEFAULT_THROTTLE_RATES": rates}


def _body(external_id: str) -> dict:
    return {**BODY, "external_id": external_id}


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    yield
    cache.clear()


def test_default_rate_allows_at_least_600_requests_a_minute():
    # given / when
    number, period = api_settings.DEFAULT_THROTTLE_RATES["api_key"].split("/")
    # then
    assert period.startswith("m") and int(number) >= 600


def test_default_reader_rate_is_600_a_minute():
    assert api_settings.DEFAULT_THROTTLE_RATES["reader"] == "600/min"


def test_over_the_rate_is_429_with_retry_after(org):
    # given a rate of 2 a minute
    with override_settings(REST_FRAMEWORK=_rates(api_key="2/min")):
        first, second = key_client(), key_client()
        # when
        codes = [first.post("/api/v1/responses", BODY, format="json").status_code for _ in range(3)]
        other = second.post("/api/v1/responses", BODY, format="json")
        limited = first.post("/api/v1/responses", BODY, format="json")
    # then the third request of one key is refused, another key is not
    assert codes == [201, 201, 429]
    assert other.status_code == 201
    assert int(limited["Retry-After"]) > 0


def test_retry_after_is_the_rest_of_the_fixed_window(org, monkeypatch):
    # given a clock at 1000.0 s: the minute window is [960, 1020)
    monkeypatch.setattr(ApiKeyRateThrottle, "timer", lambda self: 1000.0)
    with override_settings(REST_FRAMEWORK=_rates(api_key="1/min")):
        client = key_client()
        client.post("/api/v1/responses", BODY, format="json")
        # when
        limited = client.post("/api/v1/responses", BODY, format="json")
        # and the next window starts
        monkeypatch.setattr(ApiKeyRateThrottle, "timer", lambda self: 1020.0)
        later = client.post("/api/v1/responses", BODY, format="json")
    # then
    assert limited.status_code == 429
    assert limited["Retry-After"] == "20"
    assert later.status_code == 201


# --- Atomic counting --------------------------------------------------------------------------


def _hammer(*, threads: int, calls: int, rate: str, key_user: IntegratorUser) -> int:
    """`threads` x `calls` throttle checks at once for one key; returns how many were allowed."""
    allowed: list[bool] = []
    start = threading.Barrier(threads)
    request = SimpleNamespace(user=key_user)

    def run() -> None:
        start.wait()
        for _ in range(calls):
            allowed.append(ApiKeyRateThrottle().allow_request(request, None))

    with override_settings(REST_FRAMEWORK=_rates(api_key=rate)):
        workers = [threading.Thread(target=run) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    return sum(allowed)


def _key_user() -> IntegratorUser:
    key_client()  # creates a key for the integrations source
    return IntegratorUser(ApiKey.objects.select_related("source").latest("pk"))


def test_concurrent_requests_are_counted_atomically_in_process_memory(org, monkeypatch):
    # given a cache with a network's latency, and a clock inside one window
    monkeypatch.setattr(ApiKeyRateThrottle, "timer", lambda self: 1000.0)
    caches = {"default": {"BACKEND": "tests.caches.SlowLocMemCache", "LOCATION": "slow"}}
    with override_settings(CACHES=caches):
        # when 20 threads send 5 requests each at a rate of 30 an hour
        allowed = _hammer(threads=20, calls=5, rate="30/hour", key_user=_key_user())
    # then exactly 30 got in
    assert allowed == 30


@pytest.mark.redis
def test_concurrent_requests_are_counted_atomically_on_redis(org, monkeypatch):
    # given the real Redis cache backend (its own key prefix on the test Redis)
    monkeypatch.setattr(ApiKeyRateThrottle, "timer", lambda self: 1000.0)
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_test_url(),
            "KEY_PREFIX": f"throttle-test-{uuid.uuid4().hex}",
        }
    }
    with override_settings(CACHES=caches):
        # when 20 threads send 10 requests each at a rate of 50 an hour
        allowed = _hammer(threads=20, calls=10, rate="50/hour", key_user=_key_user())
    # then exactly 50 got in
    assert allowed == 50


# --- Fail open --------------------------------------------------------------------------------

UNREACHABLE = {"default": {"BACKEND": "tests.caches.UnreachableCache"}}


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the probe is closed


def test_an_unreachable_cache_never_breaks_ingest(org, caplog):
    # given a cache that refuses every operation
    with override_settings(CACHES=UNREACHABLE), caplog.at_level(logging.WARNING):
        client = key_client()
        # when three batches arrive
        codes = [
            client.post("/api/v1/responses", _body(f"down-{n}"), format="json").status_code
            for n in range(3)
        ]
    # then all are stored, and the outage is logged once (not once per request)
    assert codes == [201, 201, 201]
    assert Response.objects.filter(external_id__startswith="down-").count() == 3
    assert caplog.text.count("rate-limit cache unreachable") == 1


def test_a_stopped_redis_cache_never_breaks_ingest(org, caplog):
    # given the production cache backend pointing at a Redis that is not running
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
        }
    }
    with override_settings(CACHES=caches), caplog.at_level(logging.WARNING):
        client = key_client()
        # when
        answers = [
            client.post("/api/v1/responses", _body(f"stopped-{n}"), format="json") for n in range(2)
        ]
    # then
    assert [answer.status_code for answer in answers] == [201, 201]
    assert answers[0].json() == {"accepted": 1, "duplicates": 0, "rejected": []}
    assert Response.objects.filter(external_id__startswith="stopped-").count() == 2
    assert "rate-limit cache unreachable (ConnectionError" in caplog.text


def test_an_unreachable_cache_breaks_no_page(org, executive):
    # given a signed-in reader and a cache that refuses every operation
    with override_settings(CACHES=UNREACHABLE):
        browser = APIClient()
        browser.force_login(executive)
        # when
        codes = {
            url: browser.get(url).status_code
            for url in ("/", "/summary", READ, "/api/v1/goals", "/dashboards/")
        }
        anonymous = APIClient().get("/accounts/login/").status_code
    # then nothing answers 5xx
    assert all(code < 500 for code in codes.values()), codes
    assert codes[READ] == 200
    assert anonymous == 200


# --- Readers: per person, token or session ----------------------------------------------------


def test_a_token_reader_over_the_rate_is_429_with_retry_after(org, executive):
    # given a reader rate of 2 a minute and a person's token
    _, token = issue_token(user=executive)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    with override_settings(REST_FRAMEWORK=_rates(api_key="1200/min", reader="2/min")):
        # when
        codes = [client.get(READ).status_code for _ in range(3)]
        limited = client.get("/api/v1/channels")  # every reader endpoint shares the budget
    # then
    assert codes == [200, 200, 429]
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0


def test_a_session_reader_over_the_rate_is_429_and_others_are_not(org, executive, lead):
    # given a reader rate of 2 a minute and two people signed in
    first, second = APIClient(), APIClient()
    first.force_login(executive)
    second.force_login(lead)
    with override_settings(REST_FRAMEWORK=_rates(api_key="1200/min", reader="2/min")):
        # when
        codes = [first.get(READ).status_code for _ in range(3)]
        other = second.get(READ)
        goals = first.get("/api/v1/goals")  # the goals API is limited too
    # then
    assert codes == [200, 200, 429]
    assert other.status_code == 200
    assert goals.status_code == 429 and int(goals["Retry-After"]) > 0


def test_readers_do_not_use_the_api_key_budget(org, executive):
    # given a tiny key rate and a generous reader rate
    reader = APIClient()
    reader.force_login(executive)
    with override_settings(REST_FRAMEWORK=_rates(api_key="1/min", reader="100/min")):
        # when
        codes = [reader.get(READ).status_code for _ in range(3)]
    # then
    assert codes == [200, 200, 200]
