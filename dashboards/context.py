"""What a callback may know about the Django request it serves: the logged-in user and the
CSRF token, put into the WSGI environ by dashboards.views."""

from __future__ import annotations

from typing import Any

import flask

USER_ENVIRON_KEY = "cxmetrics.user"
CSRF_ENVIRON_KEY = "cxmetrics.csrf_token"


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
