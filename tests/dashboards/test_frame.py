"""A page arrives drawn: its layout carries its first figures, the app's layout carries the
requested page, and callbacks answer filter changes only."""

import json
from datetime import timedelta

from cxmetrics.selectors.dashboards.filters import today
from dashboards.app import get_app
from dashboards.figures import Figure
from dashboards.pages import overview


def _component(layout, component_id):
    return layout[component_id]


def _week():
    return {"start": (today() - timedelta(days=6)).isoformat(), "end": today().isoformat()}


def test_a_page_layout_carries_its_first_figures_for_the_query(two_periods):
    # when the overview's layout is asked for the last week of web responses
    layout = overview.PAGE.layout(**_week(), channel="web")

    # then the cards and graphs hold the same answers the callbacks give for those filters
    trend = _component(layout, "overview-trend").figure
    assert isinstance(trend, Figure) and "n = 20" in trend.layout["title"]["subtitle"]["text"]
    assert str(_component(layout, "overview-cards").children) == str(
        overview.update_cards(_week()["start"], _week()["end"], ["web"], [], [])
    )


def test_callbacks_answer_filter_changes_only():
    # every server callback (the pages' views and the pages router) waits for a change
    server_callbacks = [c for c in get_app()._callback_list if not c["clientside_function"]]
    assert server_callbacks
    assert all(c["prevent_initial_call"] for c in server_callbacks)


def _dash_layout(client, referer=None):
    headers = {"Referer": referer} if referer else {}
    response = client.get("/dashboards/_dash-layout", headers=headers)
    assert response.status_code == 200
    return json.loads(response.content)


def _find(node, component_id):
    if isinstance(node, dict):
        if node.get("props", {}).get("id") == component_id:
            return node["props"]
        return next(
            (f for f in (_find(v, component_id) for v in node.values()) if f is not None), None
        )
    if isinstance(node, list):
        return next((f for f in (_find(v, component_id) for v in node) if f is not None), None)
    return None


def test_the_app_layout_carries_the_page_the_browser_opens(client, executive, two_periods):
    client.force_login(executive)

    # when Dash asks for its layout from /dashboards/channels?metric=csat
    layout = _dash_layout(client, "http://testserver/dashboards/channels?metric=csat")

    # then the channels page is in it, drawn for CSAT, and the router's location is set
    assert "CSAT" in json.dumps(_find(layout, "channels-matrix")["figure"])
    location = _find(layout, "_pages_location")
    assert (location["pathname"], location["search"]) == ("/dashboards/channels", "?metric=csat")


def test_without_a_referer_the_pages_router_fills_the_page(client, executive, two_periods):
    client.force_login(executive)
    layout = _dash_layout(client)
    assert _find(layout, "_pages_content").get("children") is None
    assert _find(layout, "channels-matrix") is None
