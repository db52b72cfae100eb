"""The one Django view behind every /dashboards/ URL: it hands the request to the Dash app's
Flask WSGI application and returns its answer.

All Django middleware applies first (sessions, authentication, CSRF): the view requires a
login and a role that reads figures, and Django checks the CSRF token of Dash's POSTs (Dash
sends the `csrftoken` cookie back as X-CSRFToken; `ensure_csrf_cookie` makes sure it is set).
"""

from __future__ import annotations

import io
from typing import Any

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.views.decorators.csrf import csrf_protect, ensure_csrf_cookie

from cxmetrics.roles import can_read_figures
from dashboards.app import get_app
from dashboards.context import CSP_NONCE_ENVIRON_KEY, CSRF_ENVIRON_KEY, USER_ENVIRON_KEY

# Connection-level headers belong to the outer server (PEP 3333), never to the inner answer.
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailers",
        "transfer-encoding",
        "upgrade",
    }
)


def _environ(request: HttpRequest) -> dict[str, Any]:
    body = request.body
    environ = {key: value for key, value in request.META.items() if key != "wsgi.file_wrapper"}
    environ.update(
        {
            "wsgi.input": io.BytesIO(body),
            "CONTENT_LENGTH": str(len(body)),
            "SCRIPT_NAME": "",
            "PATH_INFO": request.path,
            USER_ENVIRON_KEY: request.user,
            CSRF_ENVIRON_KEY: get_token(request),
            # Lazy: read (and so named in the header) only by the index page's inline scripts.
            CSP_NONCE_ENVIRON_KEY: request.csp_nonce,
        }
    )
    return environ


def _call_wsgi(app: Any, environ: dict[str, Any]) -> HttpResponse:
    started: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None):
        started["status"], started["headers"] = status, headers
        return lambda data: None

    result = app(environ, start_response)
    try:
        content = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    response = HttpResponse(content, status=int(started["status"].split(" ", 1)[0]))
    for name, value in started["headers"]:
        if name.lower() not in _HOP_BY_HOP:
            response[name] = value
    return response


# Dash's renderer, its components (webpack's style-loader) and plotly.js write <style> elements
# and style attributes at run time, which no nonce can reach (17 distinct elements, one of them
# empty, and plotly's per-element style attributes; measured in the browser tests). Styles
# alone are allowed inline here; scripts stay on 'self' + the page's nonce, and every other
# page keeps the strict style-src of settings.CONTENT_SECURITY_POLICY.
DASHBOARD_CSP = {"style-src": [SELF, UNSAFE_INLINE]}


@csp_replace(DASHBOARD_CSP)
@login_required
@ensure_csrf_cookie
@csrf_protect
def dash(request: HttpRequest, path: str = "") -> HttpResponse:
    """Serve /dashboards/<path> from the Dash app for users who may read figures."""
    if not can_read_figures(request.user):
        raise PermissionDenied("Your role does not give access to the dashboards.")
    return _call_wsgi(get_app().server.wsgi_app, _environ(request))
