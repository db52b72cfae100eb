"""POST /api/v1/ingest/<format>: each vendor's documented example is stored and counted."""

from __future__ import annotations

import base64
import hashlib
import hmac

from cxmetrics.models import Response, Source
from tests.api.conftest import key_client, payload


def test_delighted_example_is_counted_in_the_summary(
    org, reader, django_capture_on_commit_callbacks
):
    # given the Delighted source's key
    client = key_client("delighted")
    # when the documented survey_response.created example arrives
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            "/api/v1/ingest/delighted",
            payload("delighted-survey_response.created.json"),
            content_type="application/json",
        )
    # then
    assert answer.status_code == 201
    assert answer.json() == {
        "accepted": 1,
        "duplicates": 0,
        "rejected": [],
        "updated": 0,
        "skipped": 0,
    }
    summary = reader.get("/api/v1/metrics/summary?metric=nps&group_by=source").json()
    assert [(g["key"], g["n"], g["promoters"]) for g in summary["groups"]] == [("delighted", 1, 1)]


def test_delighted_updated_changes_the_same_response(org, django_capture_on_commit_callbacks):
    # given a stored response
    client = key_client("delighted")
    url = "/api/v1/ingest/delighted"
    created = payload("delighted-survey_response.created.json")
    client.post(url, created, content_type="application/json")
    # when the .updated event brings the comment
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            url, payload("delighted-survey_response.updated.json"), content_type="application/json"
        )
    # then the same row carries it, and its sentiment was scored
    assert answer.json()["updated"] == 1 and answer.json()["accepted"] == 0
    row = Response.objects.get()
    assert row.external_id == "5435"
    assert row.comment.startswith("Really easy to use")
    assert row.sentiment is not None and row.sentiment > 0
    # and a repeated .created is a duplicate
    again = client.post(url, created, content_type="application/json").json()
    assert again["duplicates"] == 1 and Response.objects.count() == 1


def test_delighted_updated_before_created_stores_the_response(org):
    # given nothing stored
    client = key_client("delighted")
    # when
    answer = client.post(
        "/api/v1/ingest/delighted",
        payload("delighted-survey_response.updated.json"),
        content_type="application/json",
    )
    # then
    assert answer.json()["accepted"] == 1
    assert Response.objects.get().comment


def test_delighted_unsupported_survey_type_is_rejected(org):
    # when
    answer = key_client("delighted").post(
        "/api/v1/ingest/delighted",
        payload("delighted-survey_response.created-smileys.json"),
        content_type="application/json",
    )
    # then
    assert answer.status_code == 400
    assert answer.json()["rejected"][0]["errors"]["survey_type"]


def test_zendesk_ratings_are_csat_and_offered_ones_are_skipped(
    org, reader, django_capture_on_commit_callbacks
):
    # given the Zendesk source's key and a list page: good, bad, offered, unoffered, good
    client = key_client("zendesk")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            "/api/v1/ingest/zendesk",
            payload("zendesk-satisfaction_ratings.json"),
            content_type="application/json",
        )
    # then
    assert answer.status_code == 201
    assert answer.json()["accepted"] == 3 and answer.json()["skipped"] == 2
    (group,) = reader.get("/api/v1/metrics/summary?metric=csat").json()["groups"]
    assert (group["n"], group["satisfied"]) == (3, 2)


def test_zendesk_single_example_is_counted(org):
    # when
    answer = key_client("zendesk").post(
        "/api/v1/ingest/zendesk",
        payload("zendesk-satisfaction_rating.json"),
        content_type="application/json",
    )
    # then
    assert answer.json()["accepted"] == 1
    row = Response.objects.get()
    assert (row.metric, row.score, row.channel.slug) == ("csat", 5.0, "chat")


def test_typeform_example_is_counted_with_the_sources_field_map(org):
    # given the Typeform source mapping the example's refs
    Source.objects.filter(slug="typeform").update(
        settings={
            "fields": {"readable_ref_opinion_scale": "nps", "readable_ref_long_text": "comment"}
        }
    )
    # when
    answer = key_client("typeform").post(
        "/api/v1/ingest/typeform",
        payload("typeform-form_response.json"),
        content_type="application/json",
    )
    # then
    assert answer.status_code == 201 and answer.json()["accepted"] == 1
    row = Response.objects.get()
    assert (row.metric, row.score, row.comment) == ("nps", 9.0, "Fast delivery")


def test_typeform_with_two_mapped_metrics_stores_two_responses(org):
    # given the fixture's field map (nps_score, satisfaction, comment)
    # when
    answer = key_client("typeform").post(
        "/api/v1/ingest/typeform",
        payload("typeform-form_response-two-metrics.json"),
        content_type="application/json",
    )
    # then
    assert answer.json()["accepted"] == 2
    assert sorted(Response.objects.values_list("metric", flat=True)) == ["csat", "nps"]


def signed(body: bytes, secret: str) -> str:
    return (
        "sha256="
        + base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    )


def test_typeform_signature_is_verified_when_the_source_has_a_secret(org):
    # given a source with a secret
    Source.objects.filter(slug="typeform").update(webhook_secret="s3cret")
    client = key_client("typeform")
    body = payload("typeform-form_response-two-metrics.json")
    url = "/api/v1/ingest/typeform"
    # when signed with another secret, or not at all
    bad = client.post(
        url, body, content_type="application/json", HTTP_TYPEFORM_SIGNATURE=signed(body, "x")
    )
    unsigned = client.post(url, body, content_type="application/json")
    # then both are refused and nothing is stored
    assert bad.status_code == unsigned.status_code == 403
    assert "Typeform-Signature" in bad.json()["detail"]
    assert not Response.objects.exists()
    # when signed correctly
    good = client.post(
        url, body, content_type="application/json", HTTP_TYPEFORM_SIGNATURE=signed(body, "s3cret")
    )
    assert good.status_code == 201


def test_qualtrics_export_is_counted_from_the_raw_nps_answer(org):
    # given
    client = key_client("qualtrics")
    # when
    answer = client.post(
        "/api/v1/ingest/qualtrics",
        payload("qualtrics-export-variants.csv"),
        content_type="text/csv",
    )
    # then
    assert answer.status_code == 201
    assert (answer.json()["accepted"], answer.json()["skipped"]) == (3, 3)
    assert sorted(Response.objects.values_list("score", flat=True)) == [3.0, 8.0, 10.0]


def test_qualtrics_documented_example_is_counted(org):
    # when
    answer = key_client("qualtrics").post(
        "/api/v1/ingest/qualtrics", payload("qualtrics-export.csv"), content_type="text/csv"
    )
    # then
    assert answer.json()["accepted"] == 1
    row = Response.objects.get()
    assert (row.score, row.comment, row.channel.slug) == (8.0, "next day delivery", "email")


def test_a_key_posts_only_its_own_sources_format(org):
    # given the canonical API source's key
    client = key_client("integrations")
    # when it posts a Zendesk payload
    answer = client.post(
        "/api/v1/ingest/zendesk",
        payload("zendesk-satisfaction_rating.json"),
        content_type="application/json",
    )
    # then
    assert answer.status_code == 403
    assert "'integrations'" in answer.json()["detail"]


def test_adapters_check_the_content_type_and_parse_errors(org):
    # given
    client = key_client("zendesk")
    # when / then
    wrong = client.post("/api/v1/ingest/zendesk", "a,b\n", content_type="text/csv")
    assert wrong.status_code == 415
    broken = client.post("/api/v1/ingest/zendesk", "{", content_type="application/json")
    assert broken.status_code == 400 and broken.json()["line"] == 1


def test_readers_cannot_push_vendor_payloads(reader):
    # when
    answer = reader.post(
        "/api/v1/ingest/zendesk",
        payload("zendesk-satisfaction_rating.json"),
        content_type="application/json",
    )
    # then
    assert answer.status_code == 403


def test_vendor_dates_before_the_window_are_refused_by_field(org):
    # given Zendesk's example with a created_at in 1900 (an epoch or typing mistake)
    body = payload("zendesk-satisfaction_rating.json").replace(
        b"2011-07-20T22:55:29Z", b"1900-01-01T00:00:00Z"
    )
    # when
    answer = key_client("zendesk").post(
        "/api/v1/ingest/zendesk", body, content_type="application/json"
    )
    # then it is rejected like any canonical item, naming the field and the window
    assert answer.status_code == 400
    assert answer.json()["rejected"][0]["errors"] == {
        "occurred_at": ["occurred_at is before 2000-01-01T00:00:00Z, the earliest accepted"]
    }
    assert not Response.objects.exists()
