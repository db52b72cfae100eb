"""Dash served by Django under /dashboards/: login, role, CSRF, assets, home redirect."""

import json
import re

import pytest
from django.test import Client

from cxmetrics.selectors.dashboards.filters import today
from dashboards.pages import overview


def test_anonymous_visitors_are_sent_to_the_login_page(client, org):
    response = client.get("/dashboards/channels?metric=csat")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/dashboards/channels")


def test_integrators_may_not_see_the_dashboards(client, integrator):
    client.force_login(integrator)
    assert client.get("/dashboards/").status_code == 403


def test_after_login_the_home_page_is_the_overview(client, executive, integrator):
    client.force_login(executive)
    assert client.get("/")["Location"] == "/dashboards/"
    assert client.get("/summary").status_code == 200  # the no-JavaScript fallback stays
    client.force_login(integrator)
    assert client.get("/")["Location"] == "/api/docs/"


def test_the_page_and_its_assets_load_under_the_prefix(client, executive):
    # given a logged-in executive
    client.force_login(executive)

    # when the overview is opened
    page = client.get("/dashboards/")

    # then Dash's page sets the CSRF cookie and every script and stylesheet is under /dashboards/
    html = page.content.decode()
    assert page.status_code == 200 and "csrftoken" in page.cookies
    assets = re.findall(r'(?:src|href)="(/[^"]+)"', html)
    assert assets and all(a.startswith("/dashboards/") or a == "/summary" for a in assets)
    script = next(a for a in assets if a.endswith(".js"))
    assert "javascript" in client.get(script)["Content-Type"]
    css = next(a for a in assets if "bootstrap" in a)
    assert client.get(css).status_code == 200


def test_scripts_are_versioned_and_cached_so_a_page_view_revalidates_nothing(client, executive):
    # given a logged-in executive
    client.force_login(executive)

    # when the overview is opened
    html = client.get("/dashboards/").content.decode()

    # then plotly.js and the lazily loaded parts of the components the pages use are scripts of
    # the page, each address carrying its package version, and each is cached for a year
    scripts = re.findall(r'<script src="(/[^"]+)"', html)
    for name in ("plotly", "async-graph", "async-dropdown", "async-datepicker"):
        address = next(s for s in scripts if f"/{name}.v" in s)
        answer = client.get(address)
        assert answer.status_code == 200
        assert "max-age=31536000" in answer["Cache-Control"]
    # and the app's own assets (addressed with their modification time) are cached too
    css = re.search(r'href="(/dashboards/assets/cx\.css\?m=[^"]+)"', html).group(1)
    assert "max-age=31536000" in client.get(css)["Cache-Control"]
    # and the page asks for no favicon (its icon is inline)
    assert "_favicon.ico" not in html


def _update_request(today_iso):
    dates = {"type": "filter-dates", "page": "overview", "name": "period"}
    return {
        "output": "overview-cards.children",
        "outputs": {"id": "overview-cards", "property": "children"},
        "inputs": [
            {"id": dates, "property": "start_date", "value": today_iso},
            {"id": dates, "property": "end_date", "value": today_iso},
        ]
        + [
            {
                "id": {"type": "filter", "page": "overview", "name": n},
                "property": "value",
                "value": [],
            }
            for n in ("channel", "department", "handled_by")
        ],
        "changedPropIds": [],
        "state": [],
    }


def test_dash_callbacks_are_csrf_checked_by_django(executive):
    # given a client that enforces CSRF like a browser session
    client = Client(enforce_csrf_checks=True)
    client.force_login(executive)
    token = client.get("/dashboards/").cookies["csrftoken"].value
    # Dash needs its dependencies listed before it answers a callback
    client.get("/dashboards/_dash-dependencies")
    body = json.dumps(_update_request(today().isoformat()))

    # when a callback is posted without, then with, the token Dash sends
    refused = client.post(
        "/dashboards/_dash-update-component", body, content_type="application/json"
    )
    answered = client.post(
        "/dashboards/_dash-update-component",
        body,
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )

    # then only the request carrying the token is served
    assert refused.status_code == 403
    assert answered.status_code == 200
    assert "NPS" in answered.content.decode()


def test_a_bad_query_string_shows_field_messages(executive):
    layout = str(overview.PAGE.layout(start="someday", channel="fax"))
    assert "Date has wrong format. Use one of these formats instead: YYYY-MM-DD." in layout
    assert "unknown channel fax; allowed: " in layout


def test_with_no_responses_the_page_says_how_to_send_some(org):
    layout = str(overview.PAGE.layout())
    assert "No responses yet: push some through the API" in layout
    assert "/api/docs/" in layout


@pytest.mark.parametrize("path", ["/dashboards/channels", "/dashboards/voice?metric=csat"])
def test_every_page_path_is_served_by_dash(client, executive, path):
    client.force_login(executive)
    response = client.get(path)
    assert response.status_code == 200
    assert b"_dash-renderer" in response.content or b"dash_renderer" in response.content
