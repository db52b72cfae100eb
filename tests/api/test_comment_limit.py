"""A comment longer than CX_COMMENT_MAX_CHARS is refused by field, on every ingest path,
while the other items of the batch are stored."""

from __future__ import annotations

import csv
import io
import json

import orjson
from django.test import override_settings

from cxmetrics.models import Response, Source
from tests.api.conftest import key_client, payload, payload_json

URL = "/api/v1/responses"
LIMIT = 10_000
MEGABYTE = "x" * 1_048_576


def item(external_id: str, comment: str = "ok") -> dict:
    return {
        "external_id": external_id,
        "metric": "nps",
        "score": 9,
        "channel": "chat",
        "occurred_at": "2025-05-01T10:00:00+02:00",
        "comment": comment,
    }


def too_long(length: int, limit: int = LIMIT) -> dict:
    return {"comment": [f"At most {limit} characters (this one has {length})."]}


def stored() -> list[tuple[str, int]]:
    return sorted(
        (external_id, len(comment))
        for external_id, comment in Response.objects.values_list("external_id", "comment")
    )


def test_json_batch_refuses_only_the_comment_over_the_limit(api):
    # given one comment at the limit, one just over it and one of 1 MiB
    batch = [item("a", "y" * LIMIT), item("b", "y" * (LIMIT + 1)), item("c", MEGABYTE)]
    batch.append(item("d"))

    # when
    answer = api.post(URL, batch, format="json")

    # then the two long ones are refused by field, the others stored
    assert answer.status_code == 200
    assert answer.json() == {
        "accepted": 2,
        "duplicates": 0,
        "rejected": [
            {"index": 1, "external_id": "b", "errors": too_long(LIMIT + 1)},
            {"index": 2, "external_id": "c", "errors": too_long(1_048_576)},
        ],
    }
    assert stored() == [("a", LIMIT), ("d", 2)]


def test_the_limit_is_the_setting(api):
    # given a lower limit
    with override_settings(CX_COMMENT_MAX_CHARS=20):
        # when
        answer = api.post(URL, [item("a", "z" * 20), item("b", "z" * 21)], format="json")
    # then
    assert answer.json()["rejected"] == [
        {"index": 1, "external_id": "b", "errors": too_long(21, limit=20)}
    ]
    assert stored() == [("a", 20)]


def test_ndjson_refuses_the_long_comment_by_line(api):
    # given
    body = b"\n".join(orjson.dumps(x) for x in (item("a"), item("b", MEGABYTE), item("c")))
    # when
    answer = api.generic("POST", URL, body, content_type="application/x-ndjson")
    # then
    assert answer.status_code == 200
    assert answer.json()["rejected"] == [
        {"index": 1, "line": 2, "external_id": "b", "errors": too_long(1_048_576)}
    ]
    assert stored() == [("a", 2), ("c", 2)]


def test_csv_refuses_a_megabyte_cell_by_field_and_reads_on(api):
    # given a CSV whose second row has a 1 MiB comment (over csv's own 128 KiB cell limit)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["external_id", "metric", "score", "channel", "occurred_at", "comment"])
    for external_id, comment in (("a", "ok"), ("b", MEGABYTE), ("c", "fine")):
        writer.writerow([external_id, "nps", 9, "chat", "2025-05-01T10:00:00+02:00", comment])

    # when
    answer = api.generic("POST", URL, out.getvalue().encode(), content_type="text/csv")

    # then the row is refused by field and the rows after it are stored
    assert answer.status_code == 200
    assert answer.json()["rejected"] == [
        {"index": 1, "line": 3, "external_id": "b", "errors": too_long(1_048_576)}
    ]
    assert stored() == [("a", 2), ("c", 4)]


def test_delighted_refuses_a_long_comment_by_field(org):
    # given the documented example with a 1 MiB comment
    body = payload_json("delighted-survey_response.created.json")
    body["event_data"]["comment"] = MEGABYTE
    # when
    answer = key_client("delighted").post(
        "/api/v1/ingest/delighted", json.dumps(body), content_type="application/json"
    )
    # then
    assert answer.status_code == 400
    (rejection,) = answer.json()["rejected"]
    assert rejection["errors"] == too_long(1_048_576)
    assert not Response.objects.exists()


def test_zendesk_refuses_only_the_long_rating(org):
    # given the documented list with a long comment on its first rating
    body = payload_json("zendesk-satisfaction_ratings.json")
    body["satisfaction_ratings"][0]["comment"] = MEGABYTE
    # when
    answer = key_client("zendesk").post(
        "/api/v1/ingest/zendesk", json.dumps(body), content_type="application/json"
    )
    # then the other rating is stored
    assert answer.status_code == 200
    assert [r["errors"] for r in answer.json()["rejected"]] == [too_long(1_048_576)]
    assert answer.json()["accepted"] == len(stored()) >= 1
    assert all(length < LIMIT for _, length in stored())


def test_typeform_refuses_a_long_comment_by_field(org):
    # given the documented example with a long answer mapped to the comment
    Source.objects.filter(slug="typeform").update(
        settings={
            "fields": {"readable_ref_opinion_scale": "nps", "readable_ref_long_text": "comment"}
        }
    )
    body = payload_json("typeform-form_response.json")
    body["form_response"]["answers"][1]["text"] = "y" * (LIMIT + 1)
    # when
    answer = key_client("typeform").post(
        "/api/v1/ingest/typeform", json.dumps(body), content_type="application/json"
    )
    # then
    assert answer.status_code == 400
    assert [r["errors"] for r in answer.json()["rejected"]] == [too_long(LIMIT + 1)]
    assert not Response.objects.exists()


def test_qualtrics_refuses_the_long_row_and_stores_the_next(org):
    # given the documented export with a second row whose comment is 1 MiB
    text = payload("qualtrics-export.csv").decode("utf-8-sig").rstrip("\r\n")
    last = text.splitlines()[-1]
    long_row = last.replace("R_6VfRz3g8gHFfZwl", "R_long").replace("next day delivery", MEGABYTE)
    body = "\n".join([text, long_row]).encode()
    # when
    answer = key_client("qualtrics").post("/api/v1/ingest/qualtrics", body, content_type="text/csv")
    # then
    assert answer.status_code == 200
    rejected = answer.json()["rejected"]
    assert [(r["line"], r["errors"]) for r in rejected] == [(5, too_long(1_048_576))]
    assert stored() == [("R_6VfRz3g8gHFfZwl:Q1", len("next day delivery"))]


def test_the_openapi_schema_states_the_limit(reader):
    # when
    document = reader.get("/api/schema/?format=json")
    # then
    body = document.json()
    item = body["paths"]["/api/v1/responses"]["post"]["requestBody"]["content"]
    assert (
        item["application/json"]["schema"]["oneOf"][0]["properties"]["comment"]["maxLength"]
        == LIMIT
    )
