"""The Dash app: built once per process, served by Django under /dashboards/ (see views.py).

Pages are plain modules in `dashboards.pages`, each declaring a `PAGE` (dashboards.frame.Page:
path, title, filters, body, views); they are registered here explicitly (not by Dash scanning
a folder) so that importing a page in a test never registers anything twice.
The logged-in Django user reaches callbacks through the WSGI environ
(`dashboards.context.current_user()`).
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import dash
import dash_bootstrap_components as dbc
import flask
from dash import ALL, ClientsideFunction, Input, Output, State, dcc, html
from dash._callback_context import context_value as callback_context_value

from cxmetrics.branding import ICON
from cxmetrics.navigation import workspace_links
from dashboards import guard
from dashboards.context import csp_nonce, csrf_token, current_user
from dashboards.pages import PAGES

PREFIX = "/dashboards/"

# The lazily loaded parts of Dash's components that every page uses (graphs, dropdowns, date
# pickers) and plotly.js itself, as plain scripts of the page. Dash loads them on demand by
# addresses without a version, so the browser asks the server again on every page view
# (ETag round trips, each one through Django's session check) and starts drawing only after
# the last answer. As page scripts their addresses carry the package version (Dash's
# fingerprint) and are cached for a year; webpack finds the chunks installed and asks for
# nothing, the graph finds `window.Plotly` loaded. Process-wide (Dash hooks): one app here.
PAGE_CHUNKS = [
    {"relative_package_path": "package_data/plotly.min.js", "namespace": "plotly"},
    {"relative_package_path": "dcc/async-graph.js", "namespace": "dash"},
    {"relative_package_path": "dcc/async-dropdown.js", "namespace": "dash"},
    {"relative_package_path": "dcc/async-datepicker.js", "namespace": "dash"},
]
dash.hooks.script(PAGE_CHUNKS)
# Inline scripts of Dash's index page (its config, the pages' title callback, the renderer)
# run under the Content-Security-Policy only with the page's nonce; scripts with an address
# come from 'self' and need none.
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)")


@dash.hooks.index()
def _nonce_inline_scripts(index: str) -> str:
    nonce = csp_nonce()
    return _INLINE_SCRIPT.sub(f'<script nonce="{nonce}"', index) if nonce else index


# Assets (our CSS and scripts) are addressed with their modification time (?m=...): cache them.
ASSETS_MAX_AGE = 365 * 24 * 3600

_lock = threading.Lock()
_app: dash.Dash | None = None

INDEX_STRING = """<!DOCTYPE html>
<html lang="en">
  <head>
    {%metas%}
    <link rel="preload" href="/dashboards/_dash-layout" as="fetch" crossorigin="anonymous">
    <link rel="preload" href="/dashboards/_dash-dependencies" as="fetch" crossorigin="anonymous">
    <title>{%title%}</title>
    <link rel="icon" href="{icon}">
    {%css%}
  </head>
  <body>
    <noscript>
      <p class="cx-noscript">These dashboards need JavaScript. Without it, read the
      <a href="/summary">server-rendered summary</a>.</p>
    </noscript>
    {%app_entry%}
    <footer>
      {%config%}
      {%scripts%}
      {%renderer%}
    </footer>
  </body>
</html>""".replace("{icon}", ICON)


def _navbar() -> dbc.Navbar:
    user = current_user()
    username = user.get_username() if user is not None else ""
    links = [
        dbc.NavItem(
            dbc.NavLink(
                page.nav_title, href=f"{PREFIX}{page.path.lstrip('/')}", id=f"nav-{page.key}"
            )
        )
        for page in PAGES
    ]
    if workspace := workspace_links(user):
        links.append(
            dbc.NavItem(
                html.Span(
                    "|", className="navbar-text text-secondary px-2", **{"aria-hidden": "true"}
                )
            )
        )
        links += [
            dbc.NavItem(dbc.NavLink(link.title, href=link.href, external_link=True))
            for link in workspace
        ]
    logout = html.Form(
        [
            dcc.Input(type="hidden", name="csrfmiddlewaretoken", value=csrf_token()),
            html.Button(
                "Log out", type="submit", className="btn btn-outline-light btn-sm text-nowrap"
            ),
        ],
        method="post",
        action="/accounts/logout/",
        className="ms-2 mb-0",
    )
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand("cxmetrics", href=PREFIX, external_link=True),
                dbc.Nav(links, navbar=True, className="me-auto flex-wrap"),
                html.A(
                    username,
                    href="/profile/",
                    className="text-light small",
                    id="nav-user",
                    title=username,
                ),
                html.A("Summary", href="/summary", className="text-light small ms-2"),
                html.A("API", href="/api/docs/", className="text-light small ms-2"),
                logout,
            ],
            fluid=True,
        ),
        color="dark",
        dark=True,
        className="mb-3 py-1",
    )


def _requested_page() -> tuple[object, str] | None:
    """The page the browser is opening, with its address: the Referer of the `_dash-layout`
    request (same-origin requests carry the full address under Django's default
    Referrer-Policy). None when there is no such header or it names no page."""
    if not flask.has_request_context() or not flask.request.referrer:
        return None
    address = urlsplit(flask.request.referrer)
    if address.netloc != flask.request.host or not address.path.startswith(PREFIX):
        return None
    path = "/" + address.path[len(PREFIX) :].strip("/")
    return next(((page, flask.request.referrer) for page in PAGES if path == page.path), None)


def _page_container() -> html.Div:
    """Dash pages' container, with the requested page already in it.

    Dash's pages router fills the container by a callback once the layout has arrived: a round
    trip, then the page's own callbacks, before the first graph can be drawn. Here the page
    (whose layout draws its first figures itself) comes with the app's layout, and the router's
    location is given the address it would read, so it does not fire on load; it still serves
    navigation between pages. Same ids as `dash.page_container`."""
    requested = _requested_page()
    if requested is None:
        return dash.page_container
    page, href = requested
    address = urlsplit(href)
    query = {
        k: v[0] if len(v) == 1 else v
        for k, v in parse_qs(address.query, keep_blank_values=True).items()
    }
    return html.Div(
        [
            dcc.Location(
                id="_pages_location",
                refresh="callback-nav",
                href=href,
                pathname=address.path,
                search=f"?{address.query}" if address.query else "",
                hash="",
            ),
            html.Div(page.layout(**query), id="_pages_content", disable_n_clicks=True),
            dcc.Store(id="_pages_store", data={"title": f"{page.title} · cxmetrics"}),
            html.Div(id="_pages_dummy", disable_n_clicks=True),
        ]
    )


def _layout() -> html.Div:
    return html.Div(
        [
            dcc.Location(id="url", refresh=False),
            dcc.Store(id="nav-paths", data=[f"{PREFIX}{p.path.lstrip('/')}" for p in PAGES]),
            _navbar(),
            dbc.Container(_page_container(), fluid=True, className="cx-main"),
        ]
    )


def _register_shell_callbacks(app: dash.Dash) -> None:
    """Filters -> URL and the navigation links, in the browser (assets/cx.js): pure string
    work that needs no round trip. The browser tests check both."""
    app.clientside_callback(
        ClientsideFunction(namespace="cx", function_name="filtersToUrl"),
        Output("url", "search"),
        Input({"type": "filter", "page": ALL, "name": ALL}, "value"),
        Input({"type": "filter-dates", "page": ALL, "name": ALL}, "start_date"),
        Input({"type": "filter-dates", "page": ALL, "name": ALL}, "end_date"),
        Input({"type": "filter-date", "page": ALL, "name": ALL}, "date"),
        State({"type": "filter", "page": ALL, "name": ALL}, "id"),
        State("url", "search"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="cx", function_name="navLinks"),
        [Output(f"nav-{page.key}", "href") for page in PAGES]
        + [Output(f"nav-{page.key}", "active") for page in PAGES],
        Input("url", "search"),
        Input("url", "pathname"),
        State("nav-paths", "data"),
    )


def build_app() -> dash.Dash:
    """A new Dash app with every page and callback. Use `get_app()` to share one."""
    app = dash.Dash(
        __name__,
        requests_pathname_prefix=PREFIX,
        routes_pathname_prefix=PREFIX,
        csrf_token_name="csrftoken",
        use_pages=True,
        pages_folder="",
        assets_folder=str(Path(__file__).parent / "assets"),
        title="cxmetrics dashboards",
        update_title=None,
        suppress_callback_exceptions=True,
        serve_locally=True,
        compress=False,
        # Synchronous callbacks in the request's own thread: Django's ORM refuses async
        # contexts, and Dash would otherwise go async whenever asgiref is installed.
        use_async=False,
    )
    app.index_string = INDEX_STRING
    app.server.config["SEND_FILE_MAX_AGE_DEFAULT"] = ASSETS_MAX_AGE
    # dash.register_page reads a context variable that Dash sets only in the thread that first
    # imported it; the first request may be served by another thread (gunicorn --threads).
    # Dash has no public way to set it (dash.callback_context only reads it), hence the
    # import from dash._callback_context.
    try:
        callback_context_value.get()
    except LookupError:
        callback_context_value.set({})
    for order, page in enumerate(PAGES):
        dash.register_page(
            f"dashboards.pages.{page.key}",
            path=page.path,
            name=page.title,
            title=f"{page.title} · cxmetrics",
            description=page.description,
            order=order,
            layout=page.layout,
        )
        page.register_callbacks(app)
    app.layout = _layout
    _register_shell_callbacks(app)
    guard.install(app)
    return app


def get_app() -> dash.Dash:
    """The process-wide Dash app, built on first use (thread-safe)."""
    global _app
    if _app is None:
        with _lock:
            if _app is None:
                app = build_app()
                # Dash learns which script files it may serve while rendering its index page;
                # render it once now, or a worker that never served the index (gunicorn runs
                # several) would refuse the page's scripts with a 500.
                app.server.test_client().get(PREFIX)
                _app = app
    return _app
