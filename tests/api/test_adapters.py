"""Vendor parsers, pure: payloads shaped as each vendor documents them (tests/payloads/)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from cxmetrics.ingest import ADAPTERS, delighted, qualtrics, typeform, zendesk
from cxmetrics.ingest.types import IngestParseError, Invalid
from tests.api.conftest import payload

TYPEFORM_SETTINGS = {
    "fields": {"readable_ref_opinion_scale": "nps", "readable_ref_long_text": "comment"}
}


def test_the_registry_names_one_parser_per_vendor():
    # given / when / then
    assert set(ADAPTERS) == {"delighted", "zendesk", "typeform", "qualtrics"}
    assert ADAPTERS["qualtrics"].media_type == "text/csv"
    assert ADAPTERS["typeform"].verify is typeform.verify_signature


def test_delighted_created_becomes_one_nps_item():
    # given the documented survey_response.created example
    body = payload("delighted-survey_response.created.json")
    # when
    parsed = delighted.parse(body, settings={})
    # then
    assert parsed.update is False
    assert parsed.items == [
        {
            "external_id": "5435",
            "metric": "nps",
            "score": 9,
            "occurred_at": "2024-11-21T11:00:44+00:00",
            "comment": "",
            "customer_id": "5975",
        }
    ]


def test_delighted_updated_is_an_update_of_the_same_response():
    # given
    body = payload("delighted-survey_response.updated.json")
    # when
    parsed = delighted.parse(body, settings={})
    # then
    assert parsed.update is True
    assert parsed.items[0]["external_id"] == "5435"
    assert parsed.items[0]["comment"].startswith("Really easy")


@pytest.mark.parametrize(
    ("name", "metric", "score"),
    [
        ("delighted-survey_response.created-csat.json", "csat", 4),
        ("delighted-survey_response.created-ces.json", "ces", 6),
    ],
)
def test_delighted_csat_and_ces_surveys(name, metric, score):
    # given / when
    (item,) = delighted.parse(payload(name), settings={}).items
    # then
    assert (item["metric"], item["score"]) == (metric, score)


def test_delighted_unsupported_survey_types_are_rejected_with_the_allowed_ones():
    # given a smileys survey
    body = payload("delighted-survey_response.created-smileys.json")
    # when
    (item,) = delighted.parse(body, settings={}).items
    # then
    assert isinstance(item, Invalid)
    assert "nps, csat, ces" in item.errors["survey_type"][0]


def test_delighted_channel_can_come_from_a_person_property():
    # given
    event = json.loads(payload("delighted-survey_response.created.json"))
    event["event_data"]["person_properties"] = {"Channel": "app"}
    # when
    (item,) = delighted.parse(
        json.dumps(event).encode(), settings={"channel_property": "Channel"}
    ).items
    # then
    assert item["channel"] == "app"


def test_delighted_other_events_are_unreadable():
    # given
    body = json.dumps({"event_type": "unsubscribe.created", "event_data": {}}).encode()
    # when / then
    with pytest.raises(IngestParseError, match=r"survey_response\.created"):
        delighted.parse(body, settings={})


def test_zendesk_single_rating_good_is_satisfied_csat():
    # given the documented satisfaction_rating object
    body = payload("zendesk-satisfaction_rating.json")
    # when
    parsed = zendesk.parse(body, settings={})
    # then
    (item,) = parsed.items
    assert item["metric"] == "csat" and item["score"] == 5.0
    assert item["external_id"] == "35436"
    assert item["comment"] == "Awesome support!"
    assert item["occurred_at"] == "2011-07-20T22:55:29Z"
    assert item["attributes"] == {"zendesk_score": "good", "ticket_id": 208, "group_id": 44}
    assert item["customer_id"] == 7881 and item["agent_ref"] == "135"


def test_zendesk_list_skips_offered_and_unoffered_and_counts_them():
    # given the list endpoint's page: good, bad, offered, unoffered, good
    body = payload("zendesk-satisfaction_ratings.json")
    # when
    parsed = zendesk.parse(body, settings={"groups": {"44": "billing"}})
    # then
    assert parsed.skipped == 2
    assert [item["score"] for item in parsed.items] == [5.0, 1.0, 5.0]
    assert {item["department"] for item in parsed.items} == {"billing"}


def test_zendesk_unknown_scores_are_rejected_naming_the_allowed_ones():
    # given
    body = json.dumps({"satisfaction_rating": {"id": 1, "score": "meh"}}).encode()
    # when
    (item,) = zendesk.parse(body, settings={}).items
    # then
    assert "good, bad, offered, unoffered" in item.errors["score"][0]


def test_typeform_maps_field_refs_to_metric_and_comment():
    # given the documented form_response example and a source mapping its refs
    body = payload("typeform-form_response.json")
    # when
    parsed = typeform.parse(body, settings=TYPEFORM_SETTINGS)
    # then
    assert parsed.items == [
        {
            "external_id": "a3a12ec67a1365927098a606107fac15:readable_ref_opinion_scale",
            "metric": "nps",
            "score": 9,
            "occurred_at": "2018-01-18T18:17:02Z",
            "comment": "Fast delivery",
            "attributes": {"form_id": "lT4Z3j", "field_ref": "readable_ref_opinion_scale"},
            "customer_id": "abc123456",
        }
    ]


def test_typeform_two_metrics_carry_the_comment_once():
    # given a form with NPS, a rating and a comment, mapped by the fixture's settings
    body = payload("typeform-form_response-two-metrics.json")
    settings = {"fields": {"nps_score": "nps", "satisfaction": "csat", "comment": "comment"}}
    # when
    items = typeform.parse(body, settings=settings).items
    # then
    assert [(i["metric"], i["score"]) for i in items] == [("nps", 10), ("csat", 4)]
    assert [bool(i["comment"]) for i in items] == [True, False]


def test_typeform_without_a_mapping_is_unreadable():
    # given / when / then
    with pytest.raises(IngestParseError, match="maps no Typeform fields"):
        typeform.parse(payload("typeform-form_response.json"), settings={})


def test_typeform_signature_is_base64_hmac_sha256_of_the_raw_body():
    # given
    body = payload("typeform-form_response.json")
    digest = hmac.new(b"s3cret", body, hashlib.sha256).digest()
    good = "sha256=" + base64.b64encode(digest).decode()
    # when / then
    assert typeform.verify_signature(body, good, "s3cret")
    assert not typeform.verify_signature(body, good, "other")
    assert not typeform.verify_signature(body + b" ", good, "s3cret")
    assert not typeform.verify_signature(body, None, "s3cret")
    assert not typeform.verify_signature(body, base64.b64encode(digest).decode(), "s3cret")


def test_qualtrics_export_reads_nps_from_the_raw_answer():
    # given the documented three-header-row export
    body = payload("qualtrics-export.csv")
    # when
    parsed = qualtrics.parse(body, settings={})
    # then
    assert parsed.items == [
        {
            "external_id": "R_6VfRz3g8gHFfZwl:Q1",
            "metric": "nps",
            "score": 8.0,
            "occurred_at": "2023-03-31T15:35:23+00:00",
            "comment": "next day delivery",
            "attributes": {"question": "Q1"},
            "customer_id": "0031R00002moFpqQAE",
        }
    ]
    assert parsed.lines == [4]


def test_qualtrics_never_uses_the_group_code_and_skips_previews_and_partials():
    # given a promoter (10) whose _NPS_GROUP code says 1, a preview, an unfinished
    # response, one with no answer and a detractor
    body = payload("qualtrics-export-variants.csv")
    # when
    parsed = qualtrics.parse(body, settings={})
    # then
    assert [(i["external_id"], i["score"]) for i in parsed.items] == [
        ("R_6VfRz3g8gHFfZwl:Q1", 8.0),
        ("R_2aBcDeFgHiJkLmN:Q1", 10.0),
        ("R_detractor00001:Q1", 3.0),
    ]
    assert parsed.items[1]["comment"] == 'Great, "fast" service'
    assert parsed.skipped == 3
    assert parsed.lines == [4, 5, 9]


def test_qualtrics_settings_can_map_more_columns_and_channels():
    # given
    settings = {"columns": {"Q1": "nps", "Q1_NPS_GROUP": "nps"}, "channel_map": {"email": "web"}}
    # when
    parsed = qualtrics.parse(payload("qualtrics-export.csv"), settings=settings)
    # then the group column is still ignored
    assert [i["external_id"] for i in parsed.items] == ["R_6VfRz3g8gHFfZwl:Q1"]
    assert parsed.items[0]["channel"] == "web"


def test_qualtrics_plain_csv_is_unreadable():
    # given a canonical CSV sent to the Qualtrics adapter
    body = b"external_id,metric,score\nx,nps,9\n"
    # when / then
    with pytest.raises(IngestParseError, match="Qualtrics"):
        qualtrics.parse(body, settings={})
