"""The wire protocol, pure: signatures checked against values computed independently with
openssl, the retry schedule, what each HTTP answer means, which URLs may receive."""

from __future__ import annotations

import pytest

from cxmetrics import webhook_protocol as protocol
from cxmetrics.webhook_protocol import Outcome, backoff_seconds, classify, sign, verify

SECRET = "whsec_test"
TIMESTAMP = 1700000000
BODY = '{"event":"webhook.ping"}'
# printf '%s' '1700000000.{"event":"webhook.ping"}' | openssl dgst -sha256 -hmac 'whsec_test'
SIGNATURE = "sha256=f1b0032e7f2eb55946822f997ea28bcc9b2130583c2322179bc8afecdc1c5726"


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body():
    assert sign(SECRET, TIMESTAMP, BODY) == SIGNATURE
    assert sign(SECRET, TIMESTAMP, BODY.encode()) == SIGNATURE


def test_a_good_signature_verifies_within_the_tolerance():
    assert verify(SECRET, TIMESTAMP, BODY, SIGNATURE, now=TIMESTAMP + 10)
    assert verify(SECRET, str(TIMESTAMP), BODY.encode(), SIGNATURE, now=TIMESTAMP + 300)


def test_a_tampered_body_does_not_verify():
    assert not verify(SECRET, TIMESTAMP, BODY.replace("ping", "pong"), SIGNATURE, now=TIMESTAMP)


def test_a_wrong_secret_does_not_verify():
    assert not verify("whsec_other", TIMESTAMP, BODY, SIGNATURE, now=TIMESTAMP)


def test_a_changed_timestamp_does_not_verify():
    assert not verify(SECRET, TIMESTAMP + 1, BODY, SIGNATURE, now=TIMESTAMP)


def test_a_stale_or_future_timestamp_does_not_verify():
    assert not verify(SECRET, TIMESTAMP, BODY, SIGNATURE, now=TIMESTAMP + 301)
    assert not verify(SECRET, TIMESTAMP, BODY, SIGNATURE, now=TIMESTAMP - 301)
    assert verify(SECRET, TIMESTAMP, BODY, SIGNATURE, now=TIMESTAMP + 60, tolerance_seconds=60)
    assert not verify(SECRET, TIMESTAMP, BODY, SIGNATURE, now=TIMESTAMP + 61, tolerance_seconds=60)


def test_a_malformed_timestamp_or_signature_is_refused_not_an_error():
    assert not verify(SECRET, "yesterday", BODY, SIGNATURE, now=TIMESTAMP)
    assert not verify(SECRET, TIMESTAMP, BODY, "sha256=", now=TIMESTAMP)
    assert not verify(SECRET, TIMESTAMP, BODY, SIGNATURE.removeprefix("sha256="), now=TIMESTAMP)


def test_the_signing_secret_is_derived_from_the_server_key_and_the_salt():
    # printf '%s' 'cxmetrics.webhooks.secret:salt123' | openssl dgst -sha256 -hmac 'server-key'
    expected = "whsec_b568eb09dc1bf6aed61e71afd1259a23b11dfbe704dba2001c113ab8848f4373"
    assert protocol.derive_secret(key="server-key", salt="salt123") == expected
    assert protocol.derive_secret(key="server-key", salt="salt124") != expected
    assert protocol.derive_secret(key="other-key", salt="salt123") != expected


def test_retries_wait_1_2_4_8_16_32_then_60_minutes():
    waits = [backoff_seconds(attempt) for attempt in range(1, protocol.MAX_ATTEMPTS)]
    assert waits == [60, 120, 240, 480, 960, 1920, 3600]
    assert protocol.MAX_ATTEMPTS == 8


def test_jitter_moves_a_wait_by_at_most_ten_percent():
    assert backoff_seconds(1, jitter=0.0) == pytest.approx(54)
    assert backoff_seconds(1, jitter=1.0) == pytest.approx(66)
    assert backoff_seconds(9, jitter=1.0) == pytest.approx(3960)
    with pytest.raises(ValueError):
        backoff_seconds(0)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, Outcome.DELIVERED),
        (204, Outcome.DELIVERED),
        (299, Outcome.DELIVERED),
        (None, Outcome.RETRY),
        (500, Outcome.RETRY),
        (503, Outcome.RETRY),
        (408, Outcome.RETRY),
        (429, Outcome.RETRY),
        (400, Outcome.FAILED),
        (401, Outcome.FAILED),
        (404, Outcome.FAILED),
        (410, Outcome.FAILED),
        (301, Outcome.FAILED),
        (199, Outcome.FAILED),
    ],
)
def test_what_an_answer_means(status, outcome):
    assert classify(status) is outcome


@pytest.mark.parametrize(
    ("url", "accepted"),
    [
        ("https://desk.example.com/hooks/cx", True),
        ("https://desk.example.com:8443/x?team=support", True),
        ("http://127.0.0.1:8080/hook", True),
        ("http://localhost/hook", True),
        ("http://[::1]:9000/hook", True),
        ("http://desk.example.com/hook", False),
        ("http://127.0.0.2/hook", False),
        ("ftp://desk.example.com/hook", False),
        ("https://user:pw@desk.example.com/hook", False),
        ("https:///nohost", False),
        ("not a url", False),
    ],
)
def test_which_urls_may_receive_webhooks(url, accepted):
    assert (protocol.url_problem(url) is None) is accepted


@pytest.mark.parametrize(
    ("name", "accepted"),
    [
        ("followup.opened", True),
        ("webhook.ping", True),
        ("followup.sla_breached", True),
        ("followup", False),
        ("Followup.Opened", False),
        ("followup..opened", False),
        ("*", False),
        ("", False),
    ],
)
def test_event_names_are_dotted_lower_case_words(name, accepted):
    assert (protocol.event_problem(name) is None) is accepted
