"""POST /api/v1/responses: canonical ingest in JSON, NDJSON and CSV."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from cxmetrics.models import DirtyBucket, Response, RollupDelta
from tests.api.conftest import key_client

URL = "/api/v1/responses"


def item(external_id: str = "t-1", **overrides):
    values = {
        "external_id": external_id,
        "metric": "nps",
        "score": 9,
        "channel": "chat",
        "occurred_at": "2025-05-01T10:00:00+02:00",
    }
    values.update(overrides)
    return values


def test_one_object_is_stored_with_201(api):
    # given
    body = item(comment="Great help", customer_id="cust-1", handled_by="ai")
    # when
    answer = api.post(URL, body, format="json")
    # then
    assert answer.status_code == 201
    assert answer.json() == {"accepted": 1, "duplicates": 0, "rejected": []}
    row = Response.objects.get(external_id="t-1")
    assert (row.source.slug, row.channel.slug, row.department.slug) == (
        "integrations",
        "chat",
        "support",
    )
    assert row.handled_by == "ai" and row.day.isoformat() == "2025-05-01"
    assert row.customer_ref and row.customer_ref != "cust-1"


def test_resending_a_batch_stores_nothing_and_counts_every_duplicate(api):
    # given a stored batch
    batch = [item(f"t-{i}") for i in range(5)]
    assert api.post(URL, batch, format="json").json()["accepted"] == 5
    # when it is sent again
    answer = api.post(URL, batch, format="json")
    # then
    assert answer.status_code == 201
    assert answer.json() == {"accepted": 0, "duplicates": 5, "rejected": []}
    assert Response.objects.count() == 5


def test_duplicates_within_one_batch_keep_the_first_occurrence(api):
    # given the same external_id twice with different scores
    batch = [item("same", score=10), item("other"), item("same", score=0)]
    # when
    answer = api.post(URL, batch, format="json")
    # then
    assert answer.json() == {"accepted": 2, "duplicates": 1, "rejected": []}
    assert Response.objects.get(external_id="same").score == 10


def test_the_same_external_id_from_another_source_is_not_a_duplicate(api, org):
    # given
    api.post(URL, item("shared"), format="json")
    other = key_client("demo")
    # when
    answer = other.post(URL, item("shared"), format="json")
    # then
    assert answer.json()["accepted"] == 1
    assert Response.objects.filter(external_id="shared").count() == 2


def test_half_invalid_batch_stores_the_valid_half_and_reports_the_rest(api):
    # given 10 items, the odd ones with an impossible score
    batch = [item(f"h-{i}", score=9 if i % 2 == 0 else 42) for i in range(10)]
    # when
    answer = api.post(URL, batch, format="json")
    # then
    assert answer.status_code == 200
    body = answer.json()
    assert body["accepted"] == 5 and body["duplicates"] == 0
    assert [r["index"] for r in body["rejected"]] == [1, 3, 5, 7, 9]
    assert body["rejected"][0]["external_id"] == "h-1"
    assert "0 to 10" in body["rejected"][0]["errors"]["score"][0]
    assert sorted(Response.objects.values_list("external_id", flat=True)) == [
        f"h-{i}" for i in range(0, 10, 2)
    ]


def test_all_rejected_is_400_with_the_same_answer_body(api):
    # given
    batch = [item("a", channel="nowhere"), item("b", metric="stars")]
    # when
    answer = api.post(URL, batch, format="json")
    # then
    assert answer.status_code == 400
    body = answer.json()
    assert body["accepted"] == 0 and len(body["rejected"]) == 2
    assert (
        "allowed: app, chat, email, phone, social, store, web"
        in (body["rejected"][0]["errors"]["channel"][0])
    )
    assert not Response.objects.exists()


def test_a_key_writes_only_to_its_sources_allowed_channels(org):
    # given the Zendesk source, allowed chat, email and phone only
    client = key_client("zendesk")
    # when
    answer = client.post(URL, item(channel="store"), format="json")
    # then
    assert answer.status_code == 400
    message = answer.json()["rejected"][0]["errors"]["channel"][0]
    assert "not allowed for source 'zendesk'" in message
    assert "allowed: chat, email, phone" in message


def test_channel_and_department_default_to_the_sources(org):
    # given the Delighted source (default channel email, department product)
    client = key_client("delighted")
    body = item()
    del body["channel"]
    # when
    client.post(URL, body, format="json")
    # then
    row = Response.objects.get()
    assert (row.channel.slug, row.department.slug) == ("email", "product")


def test_stored_rows_mark_their_buckets_dirty_and_reach_the_summary(
    api, reader, django_capture_on_commit_callbacks
):
    # given
    batch = [item(f"s-{i}", score=score) for i, score in enumerate([10, 9, 8, 3])]
    # when the batch commits (eager tasks refresh the rollups on commit)
    with django_capture_on_commit_callbacks(execute=True):
        api.post(URL, batch, format="json")
    # then
    summary = reader.get("/api/v1/metrics/summary", {"metric": "nps"}).json()
    (group,) = summary["groups"]
    assert (group["n"], group["promoters"], group["detractors"]) == (4, 2, 1)
    assert group["score"] == pytest.approx(25.0)
    assert not DirtyBucket.objects.exists() and not RollupDelta.objects.exists()


def test_comments_are_redacted_before_they_are_stored(api):
    # given
    body = item(comment="Mail me at jane@example.com or call +44 20 7946 0958")
    # when
    api.post(URL, body, format="json")
    # then
    assert Response.objects.get().comment == "Mail me at [email] or call [phone]"


def test_ndjson_rejections_carry_their_line(api):
    # given
    lines = [json.dumps(item("n-1")), "", json.dumps(item("n-2", handled_by="robot"))]
    # when
    answer = api.post(URL, "\n".join(lines), content_type="application/x-ndjson")
    # then
    assert answer.status_code == 200
    (rejection,) = answer.json()["rejected"]
    assert (rejection["index"], rejection["line"]) == (1, 3)
    assert "ai, human, ai_to_human, unknown" in rejection["errors"]["handled_by"][0]


def test_ndjson_that_cannot_be_parsed_is_400_with_the_line(api):
    # when
    answer = api.post(URL, '{"external_id": "a"}\n{oops}\n', content_type="application/x-ndjson")
    # then
    assert answer.status_code == 400
    assert answer.json()["line"] == 2
    assert not Response.objects.exists()


def test_csv_is_ingested_with_lines_on_rejections(api):
    # given
    csv_body = (
        "external_id,metric,score,channel,occurred_at,attributes\n"
        'c-1,csat,5,chat,2025-05-01T10:00:00Z,"{""plan"": ""pro""}"\n'
        "c-2,csat,five,chat,2025-05-01T10:00:00Z,\n"
    )
    # when
    answer = api.post(URL, csv_body, content_type="text/csv")
    # then
    assert answer.status_code == 200
    body = answer.json()
    assert body["accepted"] == 1
    assert (body["rejected"][0]["index"], body["rejected"][0]["line"]) == (1, 3)
    assert Response.objects.get().attributes == {"plan": "pro"}


def test_csv_is_committed_in_chunks_and_a_break_reports_what_was_stored(api, monkeypatch):
    # given chunks of 2 rows and a file that breaks on line 5
    monkeypatch.setattr("cxmetrics.api.ingest_views.CSV_CHUNK_ROWS", 2)
    rows = [f"k-{i},nps,9,chat,2025-05-01T10:00:00Z" for i in range(3)]
    csv_body = "external_id,metric,score,channel,occurred_at\n" + "\n".join(rows) + '\n"k-3,nps\n'
    # when
    answer = api.post(URL, csv_body, content_type="text/csv")
    # then the rows before the break are stored and the answer says so
    assert answer.status_code == 400
    body = answer.json()
    assert body["line"] == 5 and body["accepted"] == 3
    assert Response.objects.count() == 3
    # and sending the corrected file again is safe
    fixed = csv_body.replace('"k-3,nps\n', "k-3,nps,9,chat,2025-05-01T10:00:00Z\n")
    again = api.post(URL, fixed, content_type="text/csv").json()
    assert (again["accepted"], again["duplicates"]) == (1, 3)


@pytest.mark.parametrize("chunk_bytes", [1 << 20, 7])
def test_csv_with_invalid_utf8_keeps_every_row_before_it(api, monkeypatch, chunk_bytes):
    # given three good rows, then a row with a byte that is not UTF-8 on line 5, read in one
    # chunk or in chunks of 7 bytes (the bad byte then falls in the middle of a chunk)
    monkeypatch.setattr("cxmetrics.api.parsers.CHUNK_BYTES", chunk_bytes)
    rows = [f"u-{i},nps,9,chat,2025-05-01T10:00:00Z" for i in range(3)]
    good = ("external_id,metric,score,channel,occurred_at\n" + "\n".join(rows) + "\n").encode()
    body = (
        good + b"u-3,nps,9,chat,2025-05-01T10:00:00Z,caf\xe9\nu-4,nps,9,chat,2025-05-01T10:00:00Z\n"
    )
    # when
    answer = api.post(URL, body, content_type="text/csv")
    # then as docs/api.md says: a 400 naming the line, and the rows before it are stored
    assert answer.status_code == 400
    reply = answer.json()
    assert (reply["line"], reply["accepted"]) == (5, 3)
    assert reply["detail"] == "the CSV is not valid UTF-8 (near line 5)"
    assert sorted(Response.objects.values_list("external_id", flat=True)) == ["u-0", "u-1", "u-2"]


def test_csv_lists_the_first_rejections_and_counts_them_all(api, monkeypatch):
    # given
    monkeypatch.setattr("cxmetrics.api.ingest_views.MAX_REJECTIONS_SHOWN", 3)
    csv_body = "external_id,metric,score\n" + "".join(f"x-{i},nps,99\n" for i in range(5))
    # when
    answer = api.post(URL, csv_body, content_type="text/csv")
    # then
    body = answer.json()
    assert answer.status_code == 400
    assert len(body["rejected"]) == 3 and body["rejected_total"] == 5


@pytest.mark.parametrize(
    ("body", "content_type", "line"),
    [
        ("[{", "application/json", 1),
        ("external_id,color\n", "text/csv", 1),
        ("external_id,metric\n", "text/csv", 2),
        ("", "application/json", 1),
    ],
)
def test_unreadable_bodies_are_400_with_a_line(api, body, content_type, line):
    # when
    answer = api.post(URL, body, content_type=content_type)
    # then
    assert answer.status_code == 400
    assert answer.json()["line"] == line and answer.json()["detail"]


def test_unknown_content_type_is_415(api):
    # when
    answer = api.post(URL, "external_id=1", content_type="application/x-www-form-urlencoded")
    # then
    assert answer.status_code == 415
    assert "application/json, application/x-ndjson or text/csv" in answer.json()["detail"]


@override_settings(CX_INGEST_MAX_ITEMS=3)
def test_more_items_than_the_limit_is_413(api):
    # when
    answer = api.post(URL, [item(f"m-{i}") for i in range(4)], format="json")
    # then
    assert answer.status_code == 413
    assert not Response.objects.exists()


@override_settings(CX_INGEST_MAX_BYTES=100)
def test_a_body_over_the_byte_limit_is_413(api):
    # when
    answer = api.post(URL, [item(f"m-{i}") for i in range(4)], format="json")
    # then
    assert answer.status_code == 413


def test_people_cannot_push(reader):
    # when an executive tries to push
    answer = reader.post(URL, item(), format="json")
    # then
    assert answer.status_code == 403
    assert "API key" in answer.json()["detail"]


def test_anonymous_is_401_and_told_how_to_authenticate(org):
    # when
    answer = APIClient().post(URL, item(), format="json")
    # then
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == "Api-Key"


def test_a_revoked_key_is_refused(org):
    # given
    from django.utils import timezone

    from cxmetrics.models import ApiKey

    client = key_client()
    ApiKey.objects.update(revoked_at=timezone.now())
    # when
    answer = client.post(URL, item(), format="json")
    # then
    assert answer.status_code == 401
    assert "revoked" in answer.json()["detail"]
