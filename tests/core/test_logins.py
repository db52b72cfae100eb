"""Login throttling (django-axes): a lockout per username and, independently, per address,
with a clear message on the login page, lifted by an admin or `manage.py axes_reset_*`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from tests.factories import PASSWORD, make_user

LOGIN = "/accounts/login/"
LOCKED = "Too many failed login attempts"


def _login(
    username: str, password: str, address: str = "10.0.0.1", forwarded: str | None = None
) -> tuple[int, str, bool]:
    """(status, page text, signed in?) of one login form post from `address` (and an
    X-Forwarded-For header when `forwarded`)."""
    client = Client()
    headers = {"REMOTE_ADDR": address}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    answer = client.post(LOGIN, {"username": username, "password": password}, **headers)
    return answer.status_code, answer.content.decode(), "_auth_user_id" in client.session


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Dozens of logins a test: PBKDF2's deliberate slowness would make this file take minutes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alice(db):
    return make_user("alice")


def test_defaults_are_ten_failures_and_fifteen_minutes():
    assert settings.AXES_FAILURE_LIMIT == 10
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)


def test_ten_wrong_passwords_then_the_right_one_is_refused_with_a_message(alice):
    # given nine wrong passwords: still the ordinary error
    ninth = [_login("alice", "wrong") for _ in range(9)][-1]
    assert ninth[0] == 200 and "didn't match" in ninth[1]

    # when the tenth is wrong too, and then the right password is sent
    tenth = _login("alice", "wrong")
    right = _login("alice", PASSWORD)

    # then the right one is refused with a clear message, and nobody is signed in
    assert tenth[0] == 429
    status, page, signed_in = right
    assert (status, signed_in) == (429, False)
    assert LOCKED in page
    assert "15 minutes" in page and "administrator" in page


def test_the_username_is_locked_from_every_address(alice):
    # given ten wrong passwords for alice, each from another address
    for n in range(10):
        _login("alice", "wrong", address=f"10.1.0.{n}")

    # when alice signs in from a fresh address, and bob from one of those addresses
    make_user("bob")
    fresh = _login("alice", PASSWORD, address="10.9.9.9")
    bob = _login("bob", PASSWORD, address="10.1.0.3")

    # then only the username is locked
    assert fresh[0] == 429 and not fresh[2]
    assert bob[2] is True


def test_the_address_is_locked_for_every_username(alice):
    # given ten wrong passwords from one address, each for another (unknown) username
    for n in range(10):
        _login(f"guess{n}", "wrong", address="10.2.0.1")

    # when alice signs in from that address, and from another one
    same = _login("alice", PASSWORD, address="10.2.0.1")
    other = _login("alice", PASSWORD, address="10.2.0.2")

    # then only the address is locked
    assert same[0] == 429 and not same[2] and LOCKED in same[1]
    assert other[2] is True


def test_the_admin_login_is_throttled_too(alice):
    for _ in range(10):
        _login("alice", "wrong")
    answer = Client().post(
        "/admin/login/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert answer.status_code == 429


def test_an_admin_unlocks_in_the_admin(alice):
    # given alice locked out
    for _ in range(10):
        _login("alice", "wrong")
    assert _login("alice", PASSWORD)[0] == 429

    # when an admin deletes her access attempts at /admin/axes/accessattempt/
    admin = Client()
    admin.force_login(User.objects.create_superuser("root", password="x" * 20))
    listing = admin.get("/admin/axes/accessattempt/")
    from axes.models import AccessAttempt

    locked = list(AccessAttempt.objects.values_list("pk", flat=True))
    done = admin.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": locked, "post": "yes"},
    )

    # then she signs in again
    assert listing.status_code == 200 and "alice" in listing.content.decode()
    assert done.status_code == 302
    assert _login("alice", PASSWORD)[2] is True


def test_manage_py_axes_reset_username_unlocks(alice):
    for _ in range(10):
        _login("alice", "wrong", address="10.3.0.1")
    call_command("axes_reset_username", "alice", verbosity=0)
    call_command("axes_reset_ip", "10.3.0.1", verbosity=0)
    assert _login("alice", PASSWORD, address="10.3.0.1")[2] is True


def test_forwarded_for_is_ignored_unless_a_proxy_is_trusted(alice):
    # given no trusted proxy: a client cannot dodge the address lockout with a made-up header
    for n in range(10):
        _login(f"guess{n}", "wrong", address="10.4.0.1", forwarded=f"192.0.2.{n}")
    # when / then
    assert _login("alice", PASSWORD, address="10.4.0.1")[0] == 429


def test_behind_one_trusted_proxy_the_forwarded_address_counts(alice, settings):
    # given one proxy in front (CX_TRUSTED_PROXIES=1): REMOTE_ADDR is always the proxy's, and
    # the proxy appends the client's address to X-Forwarded-For
    settings.CX_TRUSTED_PROXIES = 1
    for n in range(10):
        _login(f"guess{n}", "wrong", address="10.5.0.1", forwarded="198.51.100.7")
    # when alice signs in through the same proxy (with a made-up first entry of her own)
    alice_in = _login("alice", PASSWORD, address="10.5.0.1", forwarded="198.51.100.7, 198.51.100.8")
    attacker = _login("alice", PASSWORD, address="10.5.0.1", forwarded="198.51.100.7")
    # then only the attacker's address is locked: the entry the proxy added is the one used
    assert alice_in[2] is True
    assert attacker[0] == 429
