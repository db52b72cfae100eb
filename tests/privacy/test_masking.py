"""Every stored free-text field is masked: comment, agent_ref and attribute values (nested),
through the canonical API (JSON and CSV) and a vendor adapter."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings

from cxmetrics import redaction
from cxmetrics.models import Response
from tests.api.conftest import key_client

URL = "/api/v1/responses"


def test_attribute_values_are_masked_at_any_depth_and_names_kept():
    # given attributes as an integrator sends them
    attributes = {
        "contact": {"email": "ann.lee@example.com", "phones": ["+44 20 7946 0958", "ok"]},
        "note": "card 4111 1111 1111 1111 on file",
        "order_id": "5551234567",
        "ticket": 208,
        "vip": True,
    }
    # when / then: strings masked, names, numbers, booleans and bare digit ids kept
    assert redaction.redact_json(attributes) == {
        "contact": {"email": "[email]", "phones": ["[phone]", "ok"]},
        "note": "card [card] on file",
        "order_id": "5551234567",
        "ticket": 208,
        "vip": True,
    }


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("jane.doe@corp.example", "[email]"),
        ("Jane <jane@corp.example>", "Jane <[email]>"),
        ("+44 20 7946 0958", "[phone]"),
        ("agent-17", "agent-17"),
        ("360012345678", "360012345678"),  # a Zendesk-style numeric id stays
        ("4111111111111111", "[card]"),  # a bare Luhn-valid 16-digit run is a card
        ("", ""),
    ],
)
def test_identifiers_keep_bare_digit_ids_but_lose_contact_data(value, masked):
    assert redaction.redact_identifier(value) == masked


def test_canonical_json_masks_comment_agent_ref_and_attributes(api):
    # given
    item = {
        "external_id": "m-1",
        "metric": "csat",
        "score": 2,
        "channel": "chat",
        "occurred_at": "2025-05-01T10:00:00Z",
        "comment": "Mail me at ann@example.com",
        "agent_ref": "bob.smith@corp.example",
        "attributes": {"contact": {"phone": "020 7946 0958"}, "tags": ["call +1 555 123 4567"]},
        "customer_id": "ann@example.com",
    }
    # when
    answer = api.post(URL, [item], format="json")
    # then
    assert answer.status_code == 201
    row = Response.objects.get(external_id="m-1")
    assert (row.comment, row.agent_ref) == ("Mail me at [email]", "[email]")
    assert row.attributes == {"contact": {"phone": "[phone]"}, "tags": ["call [phone]"]}
    assert "ann@example.com" not in json.dumps(
        list(Response.objects.values_list("external_id", "customer_ref", "comment"))
    )


def test_csv_masks_agent_ref_and_attributes(api):
    # given
    csv_body = (
        "external_id,metric,score,channel,occurred_at,agent_ref,attributes\n"
        'c-1,csat,5,chat,2025-05-01T10:00:00Z,ann@example.com,"{""mobile"": ""07700 900123""}"\n'
    )
    # when
    answer = api.post(URL, csv_body, content_type="text/csv")
    # then
    assert answer.status_code == 201
    row = Response.objects.get()
    assert (row.agent_ref, row.attributes) == ("[email]", {"mobile": "[phone]"})


def test_agent_ref_stays_within_its_column_after_masking(api):
    # given an agent_ref of the maximum length whose e-mail is shorter than the mask
    agent_ref = "x " + "y" * 91 + " a@b.cc"
    assert len(agent_ref) == 100
    item = {"external_id": "m-2", "metric": "nps", "score": 9, "occurred_at": "2025-05-01T10:00Z"}
    # when
    answer = api.post(URL, [{**item, "agent_ref": agent_ref}], format="json")
    # then
    assert answer.status_code == 201
    stored = Response.objects.get().agent_ref
    assert stored == ("x " + "y" * 91 + " [email]")[:100] and len(stored) == 100


def test_delighted_tags_and_comment_are_masked(org, django_capture_on_commit_callbacks):
    # given a Delighted event whose tag and comment carry contact data
    event = {
        "event_type": "survey_response.created",
        "event_data": {
            "id": "9001",
            "person": {"id": "5975", "email": "charlie_gravis@example.com"},
            "survey_type": "nps",
            "score": 3,
            "comment": "Call me back on 07700 900123",
            "created_at": 1732186844,
            "tags": ["vip", "owner:charlie_gravis@example.com"],
        },
    }
    # when
    with django_capture_on_commit_callbacks(execute=True):
        answer = key_client("delighted").post("/api/v1/ingest/delighted", event, format="json")
    # then
    assert answer.status_code == 201
    row = Response.objects.get(external_id="9001")
    assert row.comment == "Call me back on [phone]"
    assert row.attributes == {"tags": ["vip", "owner:[email]"]}


@pytest.mark.parametrize("name", ["CX_REDACT_FREE_TEXT", "CX_REDACT_COMMENTS"])
def test_either_setting_switches_masking_off(api, name):
    # given
    item = {
        "external_id": "m-3",
        "metric": "nps",
        "score": 9,
        "occurred_at": "2025-05-01T10:00:00Z",
        "comment": "a@example.com",
        "agent_ref": "b@example.com",
        "attributes": {"c": "c@example.com"},
    }
    # when
    with override_settings(**{name: False}):
        assert api.post(URL, [item], format="json").status_code == 201
    # then
    row = Response.objects.get()
    assert (row.comment, row.agent_ref, row.attributes) == (
        "a@example.com",
        "b@example.com",
        {"c": "c@example.com"},
    )


def test_an_update_event_is_masked_too(org, django_capture_on_commit_callbacks):
    # given a stored Delighted response
    client = key_client("delighted")
    data = {"id": "9002", "survey_type": "nps", "score": 9, "created_at": 1732186844}
    created = {"event_type": "survey_response.created", "event_data": data}
    assert client.post("/api/v1/ingest/delighted", created, format="json").status_code == 201
    # when its .updated event brings a comment and tags with contact data
    updated = {
        "event_type": "survey_response.updated",
        "event_data": {**data, "comment": "Text me: +1 555 123 4567", "tags": ["a@b.example"]},
    }
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/api/v1/ingest/delighted", updated, format="json")
    # then the row updated in place holds only masked text
    assert answer.json()["updated"] == 1
    row = Response.objects.get(external_id="9002")
    assert (row.comment, row.attributes) == ("Text me: [phone]", {"tags": ["[email]"]})
