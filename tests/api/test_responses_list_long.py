"""GET /api/v1/responses carries at most CX_COMMENT_MAX_CHARS of a comment stored before the
limit (JSON page and CSV export)."""

from __future__ import annotations

import csv
import io

from cxmetrics.models import Response
from tests.factories import make_responses

URL = "/api/v1/responses"


def store(comment: str) -> None:
    make_responses(scores=[9], metric="nps", comment="short")
    Response.objects.update(comment=comment)


def test_a_page_cuts_a_long_comment_at_the_limit_with_an_ellipsis(org, reader):
    # given a stored comment of 300,000 characters
    store("a" * 300_000)
    # when
    (row,) = reader.get(URL).json()["results"]
    # then it carries 9,999 characters and an ellipsis: 10,000 in all
    assert len(row["comment"]) == 10_000
    assert row["comment"] == "a" * 9_999 + "…"


def test_the_csv_export_cuts_a_long_comment_at_the_limit(org, reader):
    # given
    store("b" * 300_000)
    # when
    answer = reader.get(URL + "?format=csv")
    body = b"".join(answer.streaming_content).decode()
    # then
    (row,) = list(csv.DictReader(io.StringIO(body)))
    assert row["comment"] == "b" * 9_999 + "…"
    assert len(body) < 11_000


def test_a_comment_at_the_limit_is_carried_whole(org, reader, settings):
    # given a comment of exactly the limit
    settings.CX_COMMENT_MAX_CHARS = 30
    store("c" * 30)
    # when / then
    (row,) = reader.get(URL).json()["results"]
    assert row["comment"] == "c" * 30
