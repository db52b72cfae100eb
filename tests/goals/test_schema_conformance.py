"""The OpenAPI schema says what the API does (issue 11, item 12), point by point. The full
Schemathesis run with every check is tests/api/test_schemathesis.py."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from rest_framework.test import APIClient

from cxmetrics.selectors.goals_audit import MAX_LIMIT
from tests.goals.conftest import make_goal, make_plan, nps_30


@pytest.fixture
def document(executive):
    client = APIClient()
    client.force_authenticate(executive)
    return client.get("/api/schema/?format=json").json()


def _parameters(document, path, method="get"):
    return {p["name"]: p for p in document["paths"][path][method]["parameters"]}


def test_closed_at_is_declared_nullable_and_is_null_while_open(document, clients, lead):
    # given an open plan
    goal = make_goal(actor=lead)
    plan = make_plan(actor=lead, components=[(goal, 100, (20.0, 40.0, 60.0))])
    # when it is read
    answer = clients("executive").get(f"/api/v1/incentive-plans/{plan.pk}").json()
    # then closed_at is null, and the schema allows null
    assert answer["closed_at"] is None
    closed_at = document["components"]["schemas"]["IncentivePlan"]["properties"]["closed_at"]
    assert closed_at["nullable"] is True


def test_history_is_declared_as_a_list_of_snapshots(document, clients, lead):
    goal = make_goal(actor=lead)
    assert clients("executive").get(f"/api/v1/goals/{goal.pk}/history").json() == []
    ok = document["paths"]["/api/v1/goals/{id}/history"]["get"]["responses"]["200"]
    schema = ok["content"]["application/json"]["schema"]
    assert schema == {"type": "array", "items": {"$ref": "#/components/schemas/GoalSnapshot"}}
    snapshot = document["components"]["schemas"]["GoalSnapshot"]["properties"]
    assert sorted(snapshot) == ["as_of", "expected", "high", "low", "n", "status", "value"]


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/api/v1/goals", "post"),
        ("/api/v1/goals/{id}", "put"),
        ("/api/v1/goals/{id}", "patch"),
        ("/api/v1/incentive-plans", "post"),
        ("/api/v1/incentive-plans/{id}", "patch"),
    ],
)
def test_goal_and_plan_bodies_are_json_only(document, path, method):
    body = document["paths"][path][method]["requestBody"]
    assert list(body["content"]) == ["application/json"]
    assert body["required"] is True
    assert "415" in document["paths"][path][method]["responses"]


def test_a_form_body_is_415_not_parsed(clients):
    # given a form body that DRF's default parsers used to read
    answer = clients("lead").post("/api/v1/goals", {"name": "x"}, format="multipart")
    # then it is refused as the schema says
    assert answer.status_code == 415


@pytest.mark.parametrize("body", [{}, None])
def test_an_empty_patch_is_400_with_a_message(clients, lead, body):
    # given a goal
    goal = make_goal(actor=lead)
    # when a PATCH names no field
    answer = clients("lead").patch(f"/api/v1/goals/{goal.pk}", body, format="json")
    # then nothing pretends to have changed
    assert answer.status_code == 400
    assert answer.json() == {"non_field_errors": ["Send at least one field to change."]}


def test_patch_bodies_need_one_property_in_the_schema(document):
    schemas = document["components"]["schemas"]
    assert schemas["PatchedGoalRequest"]["minProperties"] == 1
    assert schemas["PatchedIncentivePlanRequest"]["minProperties"] == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"target": False}, "target"),
        ({"target": "45"}, "target"),
        ({"name": 5}, "name"),
        ({"min_n": True}, "min_n"),
        ({"scope_departments": {}}, "scope_departments"),
    ],
)
def test_json_bodies_take_only_the_documented_types(clients, lead, payload, field):
    goal = make_goal(actor=lead)
    answer = clients("lead").patch(f"/api/v1/goals/{goal.pk}", payload, format="json")
    assert answer.status_code == 400
    assert list(answer.json()) == [field]


@pytest.mark.parametrize(
    "query",
    ["format=null&format=null", "format=json&format=csv", "format=xml"],
)
def test_an_unknown_or_repeated_format_is_400_not_404(clients, query):
    answer = clients("executive").get(f"/api/v1/responses?{query}")
    assert answer.status_code == 400
    assert list(answer.json()) == ["format"]
    assert answer.json()["format"][0].endswith("allowed: csv, json")


def test_query_constraints_are_in_the_schema(document):
    audit = _parameters(document, "/api/v1/audit")
    assert (audit["limit"]["schema"]["minimum"], audit["limit"]["schema"]["maximum"]) == (
        1,
        MAX_LIMIT,
    )
    assert audit["object_id"]["schema"]["minimum"] == 1
    assert audit["offset"]["schema"]["minimum"] == 0
    assert audit["model"]["schema"]["enum"] == [
        "goal",
        "goal_invitation",
        "incentive_plan",
        "plan_component",
    ]
    department = _parameters(document, "/api/v1/goals")["department"]["schema"]
    assert department["pattern"] == "^[-a-zA-Z0-9_]+$"
    assert department["maxLength"] == 50
    channel = _parameters(document, "/api/v1/metrics/summary")["channel"]
    assert (channel["style"], channel["explode"]) == ("form", False)
    assert channel["schema"]["items"]["enum"] == [
        "app",
        "chat",
        "email",
        "phone",
        "social",
        "store",
        "web",
    ]
    cursor = _parameters(document, "/api/v1/responses")["cursor"]["schema"]
    assert (cursor["type"], cursor["minimum"]) == ("integer", 1)


def test_goal_body_constraints_are_in_the_schema(document):
    goal = document["components"]["schemas"]["GoalRequest"]["properties"]
    assert goal["departments"]["minItems"] == 1
    assert goal["departments"]["items"]["enum"] == [
        "billing",
        "logistics",
        "product",
        "stores",
        "support",
    ]
    assert goal["owner"]["pattern"] == r"^[\w.@+-]+$"
    plan = document["components"]["schemas"]["IncentivePlanRequest"]["properties"]
    assert (plan["components"]["minItems"], plan["components"]["maxItems"]) == (1, 50)
    component = document["components"]["schemas"]["ComponentRequest"]["properties"]
    assert component["goal"]["minimum"] == 1
    assert (
        component["threshold_payout"]["minimum"],
        component["threshold_payout"]["maximum"],
    ) == (0, 100)


def test_an_empty_query_value_for_a_date_is_400(clients):
    answer = clients("executive").get("/api/v1/responses?start=")
    assert answer.status_code == 400
    assert list(answer.json()) == ["start"]


def test_the_next_link_carries_the_last_row_id(clients):
    # given 100 stored responses and pages of 30
    nps_30()
    reader = clients("executive")
    first = reader.get("/api/v1/responses?page_size=30").json()
    # then the cursor is the id of the page's last row
    last = first["results"][-1]["id"]
    assert parse_qs(urlsplit(first["next"]).query)["cursor"] == [str(last)]
    second = reader.get(first["next"]).json()
    assert second["results"][0]["id"] == last - 1


def test_an_empty_csv_body_is_declared_and_answered_400(document, clients):
    api = clients("api_key")
    assert document["paths"]["/api/v1/responses"]["post"]["requestBody"]["required"] is True
    assert document["paths"]["/api/v1/ingest/zendesk"]["post"]["requestBody"]["required"] is True
    body = document["paths"]["/api/v1/responses"]["post"]["requestBody"]["content"]
    assert body["text/csv"]["schema"]["minLength"] == 1
    assert body["application/x-ndjson"]["schema"]["minLength"] == 1
    answer = api.post("/api/v1/responses", b"", content_type="text/csv")
    assert answer.status_code == 400
    assert (
        "empty" in document["paths"]["/api/v1/responses"]["post"]["responses"]["400"]["description"]
    )


def test_reads_document_429(document):
    for path in ("/api/v1/responses", "/api/v1/metrics/summary", "/api/v1/goals"):
        assert "429" in document["paths"][path]["get"]["responses"]
