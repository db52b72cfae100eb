"""/profile/: who I am, my API tokens (create: shown once; revoke: mine only), my password."""

from __future__ import annotations

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from cxmetrics.services import issue_token
from tests.factories import PASSWORD, make_user

GOALS = "/api/v1/goals"


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def _shown_token(html: str) -> str:
    return re.search(r'id="new-token" type="text" readonly value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("url", ["/profile/", "/accounts/password/"])
def test_anonymous_people_are_sent_to_log_in(db, client, url):
    answer = client.get(url)
    assert answer.status_code == 302 and answer["Location"] == f"/accounts/login/?next={url}"


def test_anonymous_cannot_create_tokens(db, client):
    answer = client.post("/profile/tokens")
    assert answer.status_code == 302 and not AuthToken.objects.exists()


def test_a_lead_sees_their_role_and_departments(org):
    lead = make_user("lead", role="team_lead", leads=["support", "product"])
    html = _as(lead).get("/profile/").content.decode()
    assert '<dt class="col-sm-3 col-lg-2">Role</dt><dd class="col-sm-9 col-lg-10">Team lead' in html
    assert 'Departments I lead</dt><dd class="col-sm-9 col-lg-10">Product, Support</dd>' in html
    assert 'href="/accounts/password/">Change my password</a>' in html


@pytest.mark.parametrize("who", ["integrator", "executive", "lead"])
def test_everyone_logged_in_has_a_profile(request, who):
    answer = _as(request.getfixturevalue(who)).get("/profile/")
    assert answer.status_code == 200 and ">Create token</button>" in answer.content.decode()


def test_an_integrator_creates_a_token_shown_once_that_works_on_the_api(integrator):
    client = _as(integrator)
    # when the integrator creates a token on their profile
    answer = client.post("/profile/tokens")

    # then the answer shows it once (never cached), and it authenticates as them
    assert answer.status_code == 200
    token = _shown_token(answer.content.decode())
    stored = AuthToken.objects.get(user=integrator)
    assert token.startswith(stored.token_key) and len(token) == 64
    assert "no-cache" in answer["Cache-Control"]
    # (an integrator reads no figures: 403, where an unknown token is 401)
    assert _api(token).get("/api/v1/departments").status_code == 403
    assert _api("0" * 64).get("/api/v1/departments").status_code == 401
    # the list shows its first characters, never the token
    html = client.get("/profile/").content.decode()
    assert f"<code>{stored.token_key}…</code>" in html
    assert token not in html and 'id="new-token"' not in html


def test_a_revoked_token_no_longer_authenticates(lead):
    # given a token made on the profile page that reads goals
    client = _as(lead)
    token = _shown_token(client.post("/profile/tokens").content.decode())
    assert _api(token).get(GOALS).status_code == 200
    stored = AuthToken.objects.get(user=lead)

    # when it is revoked from the profile
    answer = client.post(f"/profile/tokens/{stored.digest}/revoke")

    # then it is gone and the API refuses it
    assert answer.status_code == 302 and answer["Location"] == "/profile/"
    assert not AuthToken.objects.exists()
    assert _api(token).get(GOALS).status_code == 401
    assert f"Token {stored.token_key}… revoked" in client.get("/profile/").content.decode()
    # both changes are in the person's history
    messages = LogEntry.objects.filter(object_id=str(lead.pk)).values_list(
        "change_message", flat=True
    )
    assert sorted(m.split(",")[0] for m in messages) == [
        f"API token {stored.token_key}… created",
        f"API token {stored.token_key}… revoked.",
    ]


def test_someone_elses_token_is_404_and_stays(lead, executive):
    stored, token = issue_token(user=executive)
    answer = _as(lead).post(f"/profile/tokens/{stored.digest}/revoke")
    assert answer.status_code == 404
    assert AuthToken.objects.filter(pk=stored.pk).exists()
    assert _api(token).get(GOALS).status_code == 200


def test_revoking_is_a_post(lead):
    stored, _ = issue_token(user=lead)
    assert _as(lead).get(f"/profile/tokens/{stored.digest}/revoke").status_code == 405
    assert AuthToken.objects.filter(pk=stored.pk).exists()


def test_the_token_list_is_mine_only_newest_first(lead, executive):
    older, _ = issue_token(user=lead)
    newer, _ = issue_token(user=lead, hours=2)
    theirs, _ = issue_token(user=executive)
    html = _as(lead).get("/profile/").content.decode()
    assert html.index(newer.token_key) < html.index(older.token_key)
    assert theirs.token_key not in html
    assert html.count(">Revoke</button>") == 2


def test_csrf_is_required_to_create_a_token(lead):
    client = Client(enforce_csrf_checks=True)
    client.force_login(lead)
    assert client.post("/profile/tokens").status_code == 403
    assert not AuthToken.objects.exists()


def test_changing_my_password(lead):
    client = Client()
    client.post("/accounts/login/", {"username": "lead", "password": PASSWORD})
    answer = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "seven green hills 42",
            "new_password2": "seven green hills 42",
        },
        follow=True,
    )
    assert answer.redirect_chain[-1][0] == "/profile/"
    assert "Your password is changed." in answer.content.decode()
    lead.refresh_from_db()
    assert lead.check_password("seven green hills 42")


def test_a_wrong_old_password_is_shown_next_to_it(lead):
    answer = _as(lead).post(
        "/accounts/password/",
        {"old_password": "nope", "new_password1": "x", "new_password2": "x"},
    )
    html = answer.content.decode()
    assert 'id="id_old_password_error_1">Your old password was entered incorrectly.' in html
    for label in ["Old password", "New password", "New password confirmation"]:
        assert f">{label}</label>" in html
