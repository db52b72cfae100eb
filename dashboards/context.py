"""What a callback may know about the Django request it serves: the logged-in user, the
CSRF token and the page's CSP nonce, put into the WSGI environ by dashboards.views."""

from __future__ import annotations

from typing import Any

import flask

USER_ENVIRON_KEY = "cxmetrics.user"
CSRF_ENVIRON_KEY = "cxmetrics.csrf_token"
CSP_NONCE_ENVIRON_KEY = "cxmetrics.csp_nonce"


def current_user() -> Any:
    """The Django user of the request being served (None outside a request)."""
    if not flask.has_request_context():
        return None
    return flask.request.environ.get(USER_ENVIRON_KEY)


def csrf_token() -> str:
    """Django's CSRF token for forms rendered by Dash (the logout button)."""
    if not flask.has_request_context():
        return ""
    return flask.request.environ.get(CSRF_ENVIRON_KEY, "")


def csp_nonce() -> str:
    """The nonce of the Content-Security-Policy of the page being served ("" outside a
    request). Django's CSP middleware names it in the header only once it has been read, so
    only the index page, which reads it, carries one."""
    if not flask.has_request_context():
        return ""
    nonce = flask.request.environ.get(CSP_NONCE_ENVIRON_KEY)
    return str(nonce) if nonce is not None else ""
