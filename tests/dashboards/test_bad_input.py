"""Bad input to the dashboards answers 400 or a clear note, never a 500: junk query strings
and junk values posted to every server-side Dash callback."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from cxmetrics.selectors.dashboards.filters import today
from dashboards.app import get_app
from tests.dashboards.conftest import respond

URL = "/dashboards/_dash-update-component"
# One value of each kind that has broken a callback (types, size, dates out of range or
# impossible, lists with foreign members, objects): each refused by the guard with a 400.
JUNK = [
    None,
    1.5,
    "x" * 50_000,
    "0001-01-01",
    "2026-02-30",
    ["support", 7, None],
    {"$gt": ""},
    [["nested"]],
]


def _valid(component_id, prop):
    """A value the page itself would send for this input."""
    week = ((today() - timedelta(days=6)).isoformat(), today().isoformat())
    dates = {"start_date": week[0], "end_date": week[1], "date": week[1]}
    if prop in dates:
        return dates[prop]
    if prop in ("pathname", "search"):
        return {"pathname": "/dashboards/", "search": "?metric=nps"}[prop]
    name = component_id.get("name") if isinstance(component_id, dict) else None
    return {"metric": "nps", "grain": "week"}.get(name, [] if name in LISTS else None)


LISTS = ("channel", "department", "handled_by")


def _ref(text):
    component, prop = text.rsplit(".", 1)
    return {
        "id": json.loads(component) if component.startswith("{") else component,
        "property": prop,
    }


def _outputs(key):
    if key.startswith(".."):
        return [_ref(part) for part in key.strip(".").split("...")]
    return _ref(key)


def _server_callbacks():
    return {key: spec for key, spec in get_app().callback_map.items() if "callback" in spec}


def _body(key, spec, values):
    inputs = [
        {**_ref(f"{i['id']}.{i['property']}"), "value": value}
        for i, value in zip(spec["inputs"], values, strict=True)
    ]
    return {
        "output": key,
        "outputs": _outputs(key),
        "inputs": inputs,
        "changedPropIds": [f"{spec['inputs'][0]['id']}.{spec['inputs'][0]['property']}"],
        "state": [],
    }


def _post(client, body):
    return client.post(URL, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def dash_client(client, executive):
    respond([9, 10, 3], metric="nps", channel="web")
    respond([5, 1], metric="csat", channel="chat", comment="Awful, nobody helped.")
    client.force_login(executive)
    return client


@pytest.mark.parametrize("key", sorted(_server_callbacks()))
def test_junk_posted_to_a_callback_answers_400_never_500(dash_client, key):
    # given a server-side callback and the values its page sends
    spec = _server_callbacks()[key]
    valid = [_valid(_ref(f"{i['id']}.x")["id"], i["property"]) for i in spec["inputs"]]
    assert _post(dash_client, _body(key, spec, valid)).status_code == 200

    # when each input in turn gets junk
    answers = []
    for position in range(len(valid)):
        for junk in JUNK:
            values = [*valid[:position], junk, *valid[position + 1 :]]
            answer = _post(dash_client, _body(key, spec, values))
            answers.append((spec["inputs"][position]["property"], repr(junk)[:30], answer))

    # then nothing is a server error, and each refusal is JSON naming the field
    assert [
        (p, j, a.status_code) for p, j, a in answers if a.status_code not in (200, 204, 400)
    ] == []
    for _prop, _junk, answer in answers:
        assert answer.status_code in (200, 204, 400)
        if answer.status_code == 400:
            assert answer["Content-Type"] == "application/json"
            assert answer.json()["errors"]


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        json.dumps({"output": "no-such.figure", "inputs": [], "outputs": {}}),
        json.dumps({"inputs": []}),
        json.dumps({"output": "overview-trend.figure", "inputs": "x", "outputs": {}}),
        json.dumps({"output": "overview-trend.figure", "inputs": [], "outputs": {}}),
    ],
)
def test_a_malformed_callback_request_answers_400(dash_client, body):
    answer = dash_client.post(URL, data=body, content_type="application/json")
    assert answer.status_code == 400
    assert answer["Content-Type"] == "application/json" and answer.json()["detail"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("start=0001-01-01", "start"),
        ("end=0001-01-01", "end"),
        ("start=9999-12-31&end=9999-12-31", "start"),
        ("start=1900-01-01", "start"),
        ("as_of=0001-01-01", "as_of"),
    ],
)
@pytest.mark.parametrize("path", ["", "channels", "goals", "voice"])
def test_a_date_outside_the_window_in_the_address_is_a_note(dash_client, path, query, field):
    # when a page is opened with a date outside the documented window
    page = dash_client.get(f"/dashboards/{path}?{query}")
    layout = dash_client.get(
        "/dashboards/_dash-layout", HTTP_REFERER=f"http://testserver/dashboards/{path}?{query}"
    )
    # then it loads, and (on pages with that filter) the layout says which filter was replaced
    assert page.status_code == 200 and layout.status_code == 200
    if (field in ("start", "end") and path != "goals") or (field == "as_of" and path == "goals"):
        assert "not understood" in layout.content.decode()


def test_junk_keys_in_the_address_do_not_break_the_page(dash_client):
    layout = dash_client.get(
        "/dashboards/_dash-layout", HTTP_REFERER="http://testserver/dashboards/?self=1&page=2"
    )
    assert layout.status_code == 200
