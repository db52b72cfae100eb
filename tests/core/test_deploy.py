"""Production settings: `check --deploy` is clean, security settings come from the environment
with defaults that keep `make run` on plain http working, and every page carries the headers."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "CUSTOMER_HASH_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "cx.example.com",
    "SECURE_COOKIES": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
}
SECURITY_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_AGE",
    "X_FRAME_OPTIONS",
]


def _run(args: list[str], env: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    """`args` in a fresh interpreter whose environment is only `env` (and a PATH): the
    settings module reads the environment once, at import."""
    clean = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "cxmetrics.settings",
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        **env,
    }
    return subprocess.run(
        [sys.executable, *args], env=clean, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def _settings(env: dict[str, str], tmp_path) -> dict:
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {SECURITY_SETTINGS!r}}}))"
    )
    done = _run(["-c", code], env, tmp_path)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    # given the production environment of the README
    # when Django's deployment checks run, failing on any warning
    done = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, tmp_path)
    # then none is raised, and none was silenced
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout


def test_security_settings_come_from_the_environment(tmp_path):
    # given the production environment, behind a proxy that sets X-Forwarded-Proto
    env = {**PRODUCTION, "SECURE_PROXY_SSL_HEADER": "true", "CX_SESSION_HOURS": "8"}
    # when the settings are read
    got = _settings(env, tmp_path)
    # then
    assert got == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_AGE": 8 * 3600,
        "X_FRAME_OPTIONS": "DENY",
    }


def test_defaults_keep_plain_http_working(tmp_path):
    # given no environment at all (make run on http://127.0.0.1:8000)
    got = _settings({}, tmp_path)
    # then nothing redirects to https or pins it in the browser, cookies travel over http,
    # and a session lasts 12 hours
    assert got == {
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_PROXY_SSL_HEADER": None,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SESSION_COOKIE_AGE": 12 * 3600,
        "X_FRAME_OPTIONS": "DENY",
    }


def test_hsts_subdomains_and_preload_can_be_turned_off(tmp_path):
    env = {
        **PRODUCTION,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "false",
        "SECURE_HSTS_PRELOAD": "false",
    }
    got = _settings(env, tmp_path)
    assert (got["SECURE_HSTS_INCLUDE_SUBDOMAINS"], got["SECURE_HSTS_PRELOAD"]) == (False, False)


# --- Headers of the pages ------------------------------------------------------------------
# django-csp writes the directives in no fixed order: compare them as a mapping.
POLICY = {
    "default-src": "'self'",
    "script-src": "'self' 'nonce-{n}'",
    "style-src": "'self' 'nonce-{n}'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def _expected(nonce: str | None) -> dict[str, str]:
    if nonce is None:
        return {k: v.replace(" 'nonce-{n}'", "") for k, v in POLICY.items()}
    return {k: v.format(n=nonce) for k, v in POLICY.items()}


def _nonce(response) -> str:
    match = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    assert match, response["Content-Security-Policy"]
    return match.group(1)


def test_the_login_page_carries_the_policy_and_denies_framing(client, org):
    response = client.get("/accounts/login/")
    nonce = _nonce(response)
    assert _policy(response) == _expected(nonce)
    assert response["X-Frame-Options"] == "DENY"
    # its one inline stylesheet carries the nonce
    assert f'<style nonce="{nonce}">' in response.content.decode()


def test_the_api_carries_the_policy_without_a_nonce(client, executive):
    client.force_login(executive)
    response = client.get("/api/v1/departments")
    assert response.status_code == 200
    assert _policy(response) == _expected(None)
    assert response["X-Frame-Options"] == "DENY"


def test_every_inline_script_of_the_dashboards_carries_the_nonce(client, executive):
    # given a logged-in executive
    client.force_login(executive)
    # when the overview is opened
    response = client.get("/dashboards/")
    # then the policy names a nonce, and each inline script (Dash's config, the pages'
    # title callback, the renderer) carries it; scripts with an address need none
    nonce = _nonce(response)
    # (styles may be inline there: Dash and plotly.js write them at run time)
    assert _policy(response) == {**_expected(nonce), "style-src": "'self' 'unsafe-inline'"}
    html = response.content.decode()
    inline = re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", html)
    assert len(inline) == 3
    assert all(f'nonce="{nonce}"' in tag for tag in inline), inline
    # a fresh nonce on every page view
    assert _nonce(client.get("/dashboards/")) != nonce


def test_swagger_ui_has_no_inline_script_and_its_stylesheet_carries_the_nonce(client, executive):
    client.force_login(executive)
    response = client.get("/api/docs/")
    nonce = _nonce(response)
    html = response.content.decode()
    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", html) == []
    assert f'<style nonce="{nonce}">' in html
    # its start-up script is a file of its own
    script = re.findall(r'<script src="([^"]*script[^"]*)"', html)
    assert script and client.get(script[0].replace("&amp;", "&")).status_code == 200


@pytest.mark.parametrize("path", ["/accounts/login/", "/healthz"])
def test_pages_anyone_reaches_deny_framing(client, db, path):
    assert client.get(path)["X-Frame-Options"] == "DENY"
