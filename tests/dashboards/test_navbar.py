"""The dashboards' navbar leads to the workspace (cxmetrics.navigation.WORKSPACE_LINKS) as the
workspace's header leads to the dashboards: People for admins only."""

from __future__ import annotations

import pytest

from tests.factories import make_user


def _links(tree):
    """Every href in a Dash layout's JSON, in order."""
    if isinstance(tree, dict):
        if "href" in tree:
            yield tree["href"]
        for value in tree.values():
            yield from _links(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from _links(value)


def _hrefs(client) -> list[str]:
    """The navbar's links outside the dashboards (the layout's first links)."""
    layout = client.get("/dashboards/_dash-layout").json()
    workspace = ("/goals/", "/plans/", "/scorecards/", "/followups/", "/people/")
    return [href for href in _links(layout) if href in workspace]


@pytest.mark.parametrize("role", ["executive", "team_lead"])
def test_readers_are_led_to_the_workspace_but_not_to_people(client, org, role):
    client.force_login(make_user(f"nav-{role}", role=role))
    assert _hrefs(client) == ["/goals/", "/plans/", "/scorecards/", "/followups/"]


def test_admins_are_led_to_people_too(client, org):
    client.force_login(make_user("nav-admin", role="admin"))
    assert _hrefs(client) == ["/goals/", "/plans/", "/scorecards/", "/followups/", "/people/"]
