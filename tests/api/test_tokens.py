"""Personal API tokens (django-rest-knox): stored hashed, with an expiry; `Authorization: Token`.

`manage.py create_token USER [--hours N]` prints a new token once; a logged-in person can get
one from POST /api/v1/auth/token; POST /api/v1/auth/logout revokes the token it is sent with.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from cxmetrics.services import issue_token

SUMMARY = "/api/v1/metrics/summary"


def _reader(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def _create_token(*args: str) -> str:
    out = io.StringIO()
    call_command("create_token", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip().splitlines()[-1]


def test_create_token_prints_it_once_and_stores_only_its_hash(executive):
    # when a token is made for the executive
    before = timezone.now()
    token = _create_token("exec")

    # then it reads figures with the usual header,
    assert _reader(token).get(SUMMARY, {"metric": "nps"}).status_code == 200
    # the database keeps a SHA-512 digest, never the token,
    stored = AuthToken.objects.get()
    assert stored.user == executive and len(stored.digest) == 128
    assert token not in str(AuthToken.objects.values_list())
    # and it expires after the default 30 days
    assert before + timedelta(days=30) <= stored.expiry <= timezone.now() + timedelta(days=30)


def test_hours_sets_the_expiry(executive):
    before = timezone.now()
    _create_token("exec", "--hours", "2")
    expiry = AuthToken.objects.get().expiry
    assert before + timedelta(hours=2) <= expiry <= timezone.now() + timedelta(hours=2)


@pytest.mark.parametrize("hours", ["0", "-1"])
def test_a_token_always_expires(executive, hours):
    with pytest.raises(CommandError, match="--hours must be positive"):
        _create_token("exec", "--hours", hours)
    assert AuthToken.objects.count() == 0


def test_unknown_or_inactive_users_get_no_token(executive):
    with pytest.raises(CommandError, match="No active user 'nobody'"):
        _create_token("nobody")
    executive.is_active = False
    executive.save()
    with pytest.raises(CommandError, match="No active user 'exec'"):
        _create_token("exec")


def test_an_expired_token_is_refused_and_removed(executive):
    # given a token whose expiry has passed
    stored, token = issue_token(user=executive, hours=1)
    AuthToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    # when / then
    answer = _reader(token).get(SUMMARY, {"metric": "nps"})
    assert answer.status_code == 401
    assert answer.json() == {"detail": "Invalid token."}
    assert AuthToken.objects.count() == 0


def test_a_wrong_token_is_refused(executive):
    _, token = issue_token(user=executive)
    forged = token[:-1] + ("0" if token[-1] != "0" else "1")
    assert _reader(forged).get(SUMMARY, {"metric": "nps"}).status_code == 401


def test_the_default_lifetime_is_a_setting(executive, settings):
    # CX_TOKEN_TTL_HOURS feeds REST_KNOX["TOKEN_TTL"]
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": timedelta(hours=5)}
    before = timezone.now()
    stored, _ = issue_token(user=executive)
    assert before + timedelta(hours=5) <= stored.expiry <= timezone.now() + timedelta(hours=5)


def test_a_logged_in_person_gets_a_token_and_logout_revokes_it(executive):
    # given a browser session (CSRF enforced, as for every session write)
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(executive)
    assert browser.post("/api/v1/auth/token").status_code == 403  # no CSRF token
    browser.get("/accounts/login/")
    csrf = browser.cookies["csrftoken"].value

    # when a token is asked for
    answer = browser.post("/api/v1/auth/token", HTTP_X_CSRFTOKEN=csrf)

    # then it is returned once with its expiry, and it reads
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert set(body) == {"token", "expiry"}
    reader = _reader(body["token"])
    assert reader.get(SUMMARY, {"metric": "nps"}).status_code == 200
    # and when it logs out, that token no longer works
    assert reader.post("/api/v1/auth/logout").status_code == 204
    assert reader.get(SUMMARY, {"metric": "nps"}).status_code == 401
    assert AuthToken.objects.count() == 0


def test_logout_all_revokes_every_token_of_the_person(executive, lead):
    _, first = issue_token(user=executive)
    issue_token(user=executive)
    _, other = issue_token(user=lead)
    assert _reader(first).post("/api/v1/auth/logoutall").status_code == 204
    assert list(AuthToken.objects.values_list("user__username", flat=True)) == ["lead"]
    assert _reader(other).get(SUMMARY, {"metric": "nps"}).status_code == 200


def test_a_token_cannot_mint_more_tokens(executive):
    # a leaked token must not extend its own life: only a session gets a new token
    _, token = issue_token(user=executive)
    assert _reader(token).post("/api/v1/auth/token").status_code == 403
    assert AuthToken.objects.count() == 1


def test_anonymous_visitors_get_no_token(db):
    assert APIClient().post("/api/v1/auth/token").status_code == 403
