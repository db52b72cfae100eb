"""POST /api/v1/privacy/erase: admins only, field-level 400s, documented in the schema."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from cxmetrics.models import PrivacyEvent, Response
from cxmetrics.services.personal_data import customer_ref
from tests.api.conftest import key_client
from tests.factories import make_user

URL = "/api/v1/privacy/erase"
BODY = {"customer_id": "cust-42", "reason": "GDPR request"}


def _as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def stored(api):
    item = {"metric": "csat", "score": 4, "occurred_at": "2025-05-01T10:00:00Z"}
    items = [
        {**item, "external_id": "e1", "customer_id": "cust-42"},
        {**item, "external_id": "e2", "customer_id": "cust-42"},
        {**item, "external_id": "e3", "customer_id": "cust-7"},
    ]
    assert api.post("/api/v1/responses", items, format="json").status_code == 201


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("api_key", 403),
        ("integrator", 403),
        ("executive", 403),
        ("team_lead", 403),
        ("staff_without_role", 403),
        ("admin", 200),
        ("superuser", 200),
    ],
)
def test_only_admins_may_erase(stored, who, status):
    # given
    if who == "anonymous":
        client = APIClient()
    elif who == "api_key":
        client = key_client("integrations")
    elif who == "superuser":
        user = make_user("root")
        user.is_superuser = user.is_staff = True
        user.save()
        client = _as(user)
    elif who == "staff_without_role":
        user = make_user("staff")
        user.is_staff = True
        user.save()
        client = _as(user)
    else:
        client = _as(make_user(who, role=who))
    # when
    answer = client.post(URL, BODY, format="json")
    # then refused callers change nothing and leave no record
    assert answer.status_code == status
    erased = status == 200
    assert Response.objects.count() == (1 if erased else 3)
    assert PrivacyEvent.objects.count() == (1 if erased else 0)


def test_an_admin_erases_and_gets_the_audit_record(stored):
    # given
    admin = make_user("alice", role="admin")
    # when
    answer = _as(admin).post(URL, BODY, format="json")
    # then
    body = answer.json()
    event = PrivacyEvent.objects.get()
    assert body == {
        "audit_id": event.pk,
        "customer_ref": customer_ref("cust-42"),
        "responses": 2,
        "at": event.at.isoformat().replace("+00:00", "Z"),
    }
    assert (event.actor, event.actor_label, event.reason) == (admin, "alice", "GDPR request")
    # and a repeat deletes nothing, and is recorded
    again = _as(admin).post(URL, BODY, format="json").json()
    assert again["responses"] == 0 and PrivacyEvent.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"reason": "x"}, {"customer_id": ["This field is required."]}),
        ({"customer_id": "  "}, {"customer_id": ["This field may not be blank."]}),
        ({"customer_id": None}, {"customer_id": ["This field may not be null."]}),
        (
            {"customer_id": "x" * 256},
            {"customer_id": ["Ensure this field has no more than 255 characters."]},
        ),
        (
            ["cust-42"],
            {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]},
        ),
        ({"customer_id": 42}, {"customer_id": ["Not a valid string."]}),
        ({"customer_id": "cust-42", "reason": 0}, {"reason": ["Not a valid string."]}),
    ],
)
def test_bad_bodies_are_field_level_400s(stored, body, errors):
    # when
    answer = _as(make_user("alice", role="admin")).post(URL, body, format="json")
    # then
    assert (answer.status_code, answer.json()) == (400, errors)
    assert Response.objects.count() == 3 and not PrivacyEvent.objects.exists()


def test_form_bodies_are_refused_with_415(stored):
    answer = _as(make_user("alice", role="admin")).post(URL, BODY)  # multipart
    assert answer.status_code == 415


def test_the_schema_documents_the_call(org, client):
    # given
    client.force_login(make_user("alice", role="admin"))
    # when
    document = client.get("/api/schema/?format=json").json()
    # then
    operation = document["paths"]["/api/v1/privacy/erase"]["post"]
    assert operation["operationId"] == "privacy_erase"
    assert set(operation["responses"]) == {"200", "400", "401", "403"}
    assert list(operation["requestBody"]["content"]) == ["application/json"]
    request = document["components"]["schemas"]["EraseRequestRequest"]
    assert request["required"] == ["customer_id"]
    assert request["properties"]["customer_id"]["maxLength"] == 255
